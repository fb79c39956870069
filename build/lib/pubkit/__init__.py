"""pubkit: check a Frictionless Data Package as the standard reads it, and publish it with provenance.

One module per stage: ``descriptor`` (load), ``read`` (CSV to Arrow), ``validate``
(the sources: ``structure``, ``constraints``, ``engine_frictionless``), ``check``
(sources, then ``dist/`` through ``verify``), ``export`` (CSV, Parquet, Excel),
``build`` (an atomic release), ``release``, ``index`` and ``diff`` (versions),
``datasheet``, ``charts`` and ``metadata`` (what people and catalogues read).
``errors`` is the catalogue of findings; ``extensions`` is the one interface through
which profiles (``pubkit.profiles``) and a package's own modules add to the core.
``cli`` is the thin command line on top.
"""

DISTRIBUTION = "datapackage-pubkit"  # the name on PyPI; the import package and the command are `pubkit`


def version() -> str:
    """The installed toolkit's version (from its distribution's metadata)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"
