"""Write a release's tables a part at a time: reads each table's CSV in parts (``readparts``), writes its CSV,
Parquet, SQLite table and workbook sheets into the release folder.

Taken for a package that ``check`` reads in parts too (``checks.streamed.plans``) and that has no
extension and no view: each part is typed as the whole read types it, written to every format, and let
go, so that a build holds a part of each table at a time, never a table. What the rest of the release
needs of a table is kept as it goes (``Kept``): its row count, the number columns the workbook rounds,
the first rows the datasheet shows, and the labels other tables' previews name. The workbook is written
by a second process, which reads and types the parts itself (the longest step, on the other core).

The bytes are those of the whole build (``tests/test_inparts.py`` holds them equal): a part typed
otherwise than the first (a column of integers that outgrows int64 in a later part, say), or a value
outside its declared categories, raises ``export.Unsteady``, and the caller writes the release whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pubkit.base import parallel
from pubkit.checks import streamed
from pubkit.formats import datasheet, export, sqlite, workbook
from pubkit.releases import aboutrows
from pubkit.standard import categories, read, readparts, views
from pubkit.standard.descriptor import DataPackage, Table


def plans(pkg: DataPackage, modules: list) -> dict[str, readparts.Plan] | None:
    """Each table's parts, where the release can be written a part at a time; else None."""
    if modules or pkg.descriptor.get(views.PROPERTY):
        return None
    return streamed.plans(pkg)


@dataclass
class Kept:
    """What the rest of the release needs of a table written in parts."""

    rows: int = 0
    rounded: set[str] = field(default_factory=set)
    preview: list[pd.DataFrame] = field(default_factory=list)
    previewed: int = 0
    labelled: list[pyarrow.Table] = field(default_factory=list)

    def add(self, table: Table, typed: pd.DataFrame, text: pd.DataFrame, labelled: tuple[str, str] | None) -> None:
        self.rows += len(typed)
        self.rounded.update(aboutrows.rounded_fields(table, typed))
        if self.previewed < datasheet.PREVIEW_ROWS:
            self.preview.append(text.iloc[: datasheet.PREVIEW_ROWS - self.previewed])
            self.previewed += len(self.preview[-1])
        if labelled is not None:  # the key and label as Arrow text: a few bytes a row, no Python value
            columns = [pyarrow.array(text[name], pyarrow.string(), from_pandas=True) for name in labelled]
            self.labelled.append(pyarrow.table(columns, names=["key", "label"]))


def typed_parts(table: Table, plan: readparts.Plan) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each part of ``table`` typed and as the release CSV writes it; ``Unsteady`` where a part's column
    types differ from the first part's (the whole read would type that column otherwise)."""
    first = None
    for raw in readparts.parts(plan, table):
        typed = read.frame(raw)
        text = export.text_frame(table, typed, export.raw_text(raw))
        kinds = {name: (str(typed[name].dtype), str(text[name].dtype)) for name in table.field_names}
        first = first or kinds
        changed = [f"{name} ({_said(kinds[name], first[name])})" for name in kinds if kinds[name] != first[name]]
        if changed:
            raise export.Unsteady(f"{table.path}: a later part types {', '.join(changed)} otherwise than the first")
        yield typed, text


def _said(now: tuple[str, str], was: tuple[str, str]) -> str:
    """How a column's types changed: typed, else as text."""
    changed = 0 if now[0] != was[0] else 1
    return f"{now[changed]}, not {was[changed]}"


def write_tables(
    pkg: DataPackage,
    made: dict[str, readparts.Plan],
    out: Path,
    key_values: dict[str, str],
    database: Path | None = None,
    about: Callable[[dict[str, Kept]], list[tuple[str, str]]] | None = None,
) -> dict[str, Kept]:
    """Each table's CSV and Parquet, and, given ``database``, the SQLite database, its ``_about`` rows
    ``about(kept)``: the bytes ``assemble.write_tables`` and ``sqlite.write_sqlite`` write of whole tables."""
    for folder in ("csv", "parquet"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    labelled, kept = _labelled_tables(pkg), {}
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(sqlite.Database(database, list(pkg.tables))) if database else None
        for table in pkg.tables:
            kept[table.name] = Kept()
            parquet = export.ParquetParts(out / "parquet" / f"{table.name}.parquet")
            with (out / "csv" / f"{table.name}.csv").open("wb") as csv_out:
                csv_out.write(export.csv_header(table))
                for typed, text in typed_parts(table, made[table.name]):
                    for rows in export.csv_rows(table, text):
                        csv_out.write(rows)
                    _add_parquet(table, parquet, export.arrow_table(table, typed, key_values))
                    if writer is not None:
                        writer.add(table, typed, text)
                    kept[table.name].add(table, typed, text, labelled.get(table.name))
            parquet.close()
        if writer is not None and about is not None:
            writer.close(about(kept))
    return kept


def in_order(table: Table, rounded: set[str]) -> list[str]:
    """The rounded columns of a table that parts name, in the order of its fields (as ``rounded_fields``)."""
    return [f"{table.name}.{name}" for name in table.field_names if f"{table.name}.{name}" in rounded]


def _add_parquet(table: Table, parquet: export.ParquetParts, arrow: pyarrow.Table) -> None:
    try:
        parquet.add(_declared(table, arrow))
    except export.Unsteady as why:
        raise export.Unsteady(f"{table.path}: {why}") from None


def _declared(table: Table, arrow: pyarrow.Table) -> pyarrow.Table:
    """``arrow``, where no category column holds a value its field does not declare (the whole table's
    dictionary would hold it, in the order the whole column first shows it); else ``Unsteady``."""
    for name in arrow.column_names:
        column = arrow[name]
        if pyarrow.types.is_dictionary(column.type):
            declared = len(categories.values(table.field(name)))
            if any(len(chunk.dictionary) > declared for chunk in column.chunks):
                raise export.Unsteady(f"{name} holds a value its categories do not declare")
    return arrow


def _labelled_tables(pkg: DataPackage) -> dict[str, tuple[str, str]]:
    """Each table whose labels another table's preview may show (its rows have labels, and a one-field
    foreign key names it): its key and label columns."""
    parents = {p for t in pkg.tables for fk in t.schema.get("foreignKeys", []) for p in _one_field_parent(fk)}
    found = {}
    for table in pkg.tables:
        fields = datasheet.label_fields(table)
        if fields is not None and table.name in parents:
            found[table.name] = fields
    return found


def _one_field_parent(key: dict) -> list[str]:
    fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
    return [key.get("reference", {}).get("resource", "")] if len(fields) == 1 else []


def shown(pkg: DataPackage, kept: dict[str, Kept]) -> dict[str, datasheet.Shown]:
    """What the datasheet shows of each table: its preview and count, and its labels of the keys that
    any preview names (what the whole table's labels give the page)."""
    previews = {name: pd.concat(k.preview) if k.preview else None for name, k in kept.items()}
    named: dict[str, set[str]] = {}
    for table in pkg.tables:
        for parent, keys in datasheet.named_keys(table, previews[table.name]).items():
            named.setdefault(parent, set()).update(keys)
    return {
        table.name: datasheet.Shown(
            previews[table.name], kept[table.name].rows, _labels(kept[table.name], named.get(table.name, set()))
        )
        for table in pkg.tables
    }


def _labels(kept: Kept, keys: set[str]) -> dict[str, str] | None:
    """The key -> label of each row whose key is in ``keys``, later rows over earlier ones (as a dict of
    every row); None for a table without labels or without rows."""
    if not kept.labelled or not kept.rows:
        return None
    table = pyarrow.concat_tables(kept.labelled)
    chosen = table.filter(pc.is_in(table["key"], pyarrow.array(sorted(keys), pyarrow.string())))
    return dict(zip(chosen["key"].to_pylist(), chosen["label"].to_pylist(), strict=True))


def start_workbook(
    pkg: DataPackage, made: dict[str, readparts.Plan], core: dict, path: Path, created
) -> parallel.Pending:
    """The workbook, written in a second process that reads and types the parts itself; its About rows
    are counted as it goes (``aboutrows.about``)."""
    return parallel.start(_write_workbook, pkg, made, core, path, created)


def _write_workbook(pkg: DataPackage, made: dict[str, readparts.Plan], core: dict, path: Path, created) -> None:
    book, counts, rounded = workbook.Book(path), {}, []
    for table in pkg.tables:
        counts[table.name] = 0
        found: set[str] = set()
        for typed, text in typed_parts(table, made[table.name]):
            book.add(table, typed, text)
            counts[table.name] += len(typed)
            found.update(aboutrows.rounded_fields(table, typed))
        book.end_table(table)
        rounded += in_order(table, found)
    book.close(aboutrows.about(list(pkg.tables), core, counts, rounded), list(pkg.tables), created)
