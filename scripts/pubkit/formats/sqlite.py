"""The SQLite database of a release: reads typed and text frames, writes one ``.sqlite`` file.

A table per table, with declared types (INTEGER, REAL, TEXT; an integer column beyond int64 is TEXT),
NOT NULL, primary keys, foreign keys and an index per foreign key, an ``_about`` table, and a ``_categories``
table where a field declares categories. Written into a fresh file in one transaction, so that the same rows
give the same bytes.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd

from pubkit.base import errors
from pubkit.base.findings import CheckFailed
from pubkit.standard import categories, workbookcells
from pubkit.standard.descriptor import Table

BATCH_ROWS = 16_384  # rows converted to Python values and inserted at a time
SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "year": "INTEGER"}


def write_sqlite(
    sheets: list[tuple[Table, pd.DataFrame, pd.DataFrame]], about: list[tuple[str, str]], path: Path
) -> None:
    """One SQLite database: a table per table (typed columns, primary and foreign keys), and ``_about``.

    Written into a fresh file in one transaction, so that the same rows give the same bytes.
    """
    import sqlite3

    try:
        _write(sqlite3.connect(path, isolation_level=None), sheets, about)
    except _Refused as refused:  # a value SQLite cannot hold as the source holds it: a finding, not a crash
        raise CheckFailed([errors.SQLITE_REFUSED.at(refused.path, table=refused.table, error=refused.error)]) from None
    except sqlite3.OperationalError as err:  # the machine's fault, said as every other one is: one line
        if not any(words in str(err) for words in MACHINE_FAULTS):
            raise
        raise OSError(errno.EIO, f"SQLite could not write the database: {err}", str(path)) from None


MACHINE_FAULTS = ("disk I/O error", "database or disk is full", "unable to open database file", "readonly")


def _write(connection, sheets: list, about: list[tuple[str, str]]) -> None:
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("BEGIN")
        connection.execute('CREATE TABLE "_about" ("property" TEXT NOT NULL, "value" TEXT)')
        connection.executemany('INSERT INTO "_about" VALUES (?, ?)', about)
        _write_categories(connection, [table for table, _, _ in sheets])
        for table, typed, text in sheets:
            connection.execute(sqlite_schema(table, typed))
            try:
                _insert(connection, table, typed, text)
            except connection.IntegrityError as err:
                raise _Refused(table.path, table.name, str(err)) from None
        for table, _, _ in sheets:
            for statement in sqlite_indexes(table):
                connection.execute(statement)
        connection.execute("COMMIT")
    finally:
        connection.close()


def _insert(connection, table: Table, typed: pd.DataFrame, text: pd.DataFrame) -> None:
    """The table's rows, ``BATCH_ROWS`` at a time: no more than a batch is ever held as Python values (the
    rows go in the same order, in the same transaction, so the file's bytes are those of one insert)."""
    statement = f"INSERT INTO {_quoted(table.name)} VALUES ({', '.join('?' for _ in table.fields)})"
    for start in range(0, len(typed), BATCH_ROWS):
        rows = slice(start, start + BATCH_ROWS)
        columns = [
            sqlite_column(typed[f["name"]].iloc[rows], text[f["name"]].iloc[rows], f.get("type", "string"))
            for f in table.fields
        ]
        connection.executemany(statement, zip(*columns))


def _write_categories(connection, tables: list[Table]) -> None:
    """A ``_categories`` table where any field has categories (Table Schema v2): each category's value, its
    label and its place in the declared order, so that a query can name a code or order by it."""
    rows = [
        (table.name, field["name"], str(value), categories.labels(field).get(value), position)
        for table in tables
        for field in table.fields
        for position, value in enumerate(categories.values(field), start=1)
    ]
    if rows:
        connection.execute(
            'CREATE TABLE "_categories" ("table" TEXT NOT NULL, "field" TEXT NOT NULL, "value" TEXT NOT NULL, '
            '"label" TEXT, "position" INTEGER NOT NULL, PRIMARY KEY ("table", "field", "value"))'
        )
        connection.executemany('INSERT INTO "_categories" VALUES (?, ?, ?, ?, ?)', rows)


class _Refused(Exception):
    def __init__(self, path: str, table: str, error: str):
        super().__init__(error)
        self.path, self.table, self.error = path, table, error


def sqlite_schema(table: Table, typed: pd.DataFrame) -> str:
    """CREATE TABLE from the Table Schema: column types, NOT NULL for required fields, the keys. An integer
    column holding integers beyond int64 is TEXT (INTEGER affinity would turn them into inexact REALs)."""
    columns = [
        f"{_quoted(f['name'])} {_sqlite_type(f, typed[f['name']])}"
        + (" NOT NULL" if f.get("constraints", {}).get("required") else "")
        for f in table.fields
    ]
    key = table.schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key or []
    if key:
        columns.append(f"PRIMARY KEY ({', '.join(_quoted(k) for k in key)})")
    for foreign in table.schema.get("foreignKeys", []):
        fields = foreign["fields"] if isinstance(foreign["fields"], list) else [foreign["fields"]]
        reference = foreign["reference"]
        parent = reference.get("resource") or table.name
        parent_fields = reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
        columns.append(
            f"FOREIGN KEY ({', '.join(_quoted(f) for f in fields)}) REFERENCES {_quoted(parent)} "
            f"({', '.join(_quoted(f) for f in parent_fields)})"
        )
    return f"CREATE TABLE {_quoted(table.name)} ({', '.join(columns)})"


def _sqlite_type(field: dict, typed: pd.Series) -> str:
    kind = field.get("type", "string")
    return "TEXT" if kind == "integer" and _beyond_int64(typed) else SQLITE_TYPES.get(kind, "TEXT")


def _beyond_int64(typed: pd.Series) -> bool:
    return typed.dtype == object  # as ``fieldtypes.arrow_type``: integers read beyond int64 stay Python ints


def sqlite_indexes(table: Table) -> list[str]:
    """An index on each foreign key's fields, so that joins along them need no scan."""
    statements = []
    for n, foreign in enumerate(table.schema.get("foreignKeys", [])):
        fields = foreign["fields"] if isinstance(foreign["fields"], list) else [foreign["fields"]]
        name = _quoted(f"{table.name}_fk{n}_{'_'.join(fields)}")
        statements.append(f"CREATE INDEX {name} ON {_quoted(table.name)} ({', '.join(_quoted(f) for f in fields)})")
    return statements


def sqlite_column(typed: pd.Series, text: pd.Series, kind: str) -> list:
    """A column's SQLite values: integers and numbers as such (a column beyond int64, and a NaN, which SQLite
    would store as NULL, as text), booleans as 0 and 1, everything else as the release CSV's text; None for
    a missing value."""
    if kind in ("integer", "year"):
        convert = str if kind == "integer" and _beyond_int64(typed) else int
        return [None if v is None else convert(int(v)) for v in workbookcells.python_values(typed)]
    if kind == "number":
        return [None if v is None else float(v) if v == v else "NaN" for v in workbookcells.python_values(typed)]
    if kind == "boolean":
        return [None if v is None else int(bool(v)) for v in workbookcells.python_values(typed)]
    return [None if v == "" else v for v in workbookcells.python_values(text)]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
