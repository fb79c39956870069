"""pubkit: validate and publish a data package of CSV tables described by Table Schemas.

Stages, one module each: ``descriptor`` (load), ``validate`` (check), ``export``
(write CSV, Parquet, Excel), ``release`` (build a release folder atomically) and
``verify`` (check what is in ``dist/``). ``cli`` is the thin command line on top.
"""
