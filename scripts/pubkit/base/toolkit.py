"""The toolkit's own identity: its distribution's name and installed version. Reads package metadata only."""

DISTRIBUTION = "datapackage-pubkit"  # the name on PyPI; the import package and the command are `pubkit`


def version() -> str:
    """The installed toolkit's version (from its distribution's metadata)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"
