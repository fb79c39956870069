"""The SQLite database of a release: reads typed and text frames, writes one ``.sqlite`` file.

A table per table, with declared types (INTEGER, REAL, TEXT; an integer column beyond int64 is TEXT),
NOT NULL, primary keys, foreign keys and an index per foreign key, a ``_categories`` table where a field
declares categories, and an ``_about`` table (written last: it counts the rows). Written into a fresh file
in one transaction, so that the same rows give the same bytes; ``Database`` writes it a part at a time.
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
    with Database(path, [table for table, _, _ in sheets]) as database:
        for table, typed, text in sheets:
            database.add(table, typed, text)
        database.close(about)


class Database:
    """The database written a table at a time, each table a part at a time (``add`` its rows in order), in
    one transaction; ``close`` adds the indexes and ``_about`` and commits. Used as a context manager, it
    says what SQLite refuses as a finding, and the machine's faults as one line."""

    def __init__(self, path: Path, tables: list[Table]):
        self.path, self.tables, self.created = path, tables, set()
        self.connection = None

    def __enter__(self):
        import sqlite3

        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode = OFF")
            self.connection.execute("BEGIN")
            _write_categories(self.connection, self.tables)
        except sqlite3.OperationalError as error:
            self.__exit__(type(error), error, None)
            raise
        return self

    def add(self, table: Table, typed: pd.DataFrame, text: pd.DataFrame) -> None:
        if table.name not in self.created:
            self.connection.execute(sqlite_schema(table, typed))
            self.created.add(table.name)
        import sqlite3

        try:
            _insert(self.connection, table, typed, text)
        except sqlite3.IntegrityError as err:
            raise _Refused(table.path, table.name, str(err)) from None

    def close(self, about: list[tuple[str, str]]) -> None:
        for table in self.tables:
            for statement in sqlite_indexes(table):
                self.connection.execute(statement)
        self.connection.execute('CREATE TABLE "_about" ("property" TEXT NOT NULL, "value" TEXT)')
        self.connection.executemany('INSERT INTO "_about" VALUES (?, ?)', about)
        self.connection.execute("COMMIT")

    def __exit__(self, kind, error, trace) -> None:
        import sqlite3

        if self.connection is not None:
            self.connection.close()
        if isinstance(error, _Refused):  # a value SQLite cannot hold as the source holds it: a finding
            raise CheckFailed([errors.SQLITE_REFUSED.at(error.path, table=error.table, error=error.error)]) from None
        if isinstance(error, sqlite3.OperationalError) and any(words in str(error) for words in MACHINE_FAULTS):
            raise OSError(errno.EIO, f"SQLite could not write the database: {error}", str(self.path)) from None


MACHINE_FAULTS = ("disk I/O error", "database or disk is full", "unable to open database file", "readonly")


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
