"""The rows that say what a release holds (its About sheet and ``_about`` table), and how to cite it: reads
the package's properties and each table's counts, writes nothing.
"""

from __future__ import annotations

from pubkit.formats import agree, export, metadata


def citation(core: dict) -> str:
    authors = "; ".join(metadata.name_of(c) for c in metadata.creators(core))
    return f"{authors} ({core['created'][:4]}). {core['title']}. Version {core['version']}. {metadata.identifier(core)}"


def about(tables: list, core: dict, counts: dict[str, int], rounded: list[str]) -> list[tuple[str, str]]:
    """The About sheet's and ``_about`` table's rows: the package, each table's rows and sheets (``counts``:
    each table's rows), and the number columns the workbook rounds (``rounded``, as ``rounded_fields`` names them)."""
    rows = [
        ("title", core["title"]),
        ("creator", "; ".join(metadata.name_of(c) for c in metadata.creators(core))),
        ("version", core["version"]),
        ("created", core["created"]),
        (
            "license",
            ", ".join(
                f"{item.get('name', item.get('title', ''))} ({item.get('path', '')})"
                for item in core.get("licenses", [])
            ),
        ),
        ("how to cite", citation(core)),
    ]
    rows += [("source", s.get("title", s.get("path", ""))) for s in core.get("sources", [])]
    names = export.sheet_names([(t.name, counts[t.name]) for t in tables])
    for table in tables:
        sheets = names[table.name]
        split = f", split over the sheets {', '.join(sheets)}" if len(sheets) > 1 else ""
        renamed = f", on the sheet {sheets[0]}" if len(sheets) == 1 and sheets[0] != table.name else ""
        rows.append(
            (
                f"table {table.name}",
                f"{counts[table.name]} rows{split}{renamed}" + (f": {table.description}" if table.description else ""),
            )
        )
    if any(names[t.name][0] != t.name for t in tables):
        rows.append(
            (
                "sheet names",
                "A sheet name holds at most 31 characters, none of []:*?/\\, and differs from every other whatever its "
                "case (About and Fields included): the tables above say which sheet holds each.",
            )
        )
    rows.append(
        (
            "text cells",
            "Every text cell is stored as text, never as a formula; datetimes are ISO 8601 text with their UTC offset.",
        )
    )
    return rows + _what_the_workbook_cannot_hold(rounded)


def rounded_fields(table, typed) -> list[str]:
    """``table.field`` of each number column of ``typed`` that holds a number past the workbook's
    significant digits (what About says; a table written in parts names a field any part names)."""
    return [
        f"{table.name}.{field['name']}"
        for field in table.fields
        if field.get("type") == "number" and _beyond_excel(typed[field["name"]])
    ]


def _what_the_workbook_cannot_hold(rounded: list[str]) -> list[tuple[str, str]]:
    """Said where it happens: numbers past the workbook's significant digits are rounded in the workbook only."""
    if not rounded:
        return []
    detail = (
        f"{', '.join(rounded)} hold numbers with more than {agree.EXCEL_DIGITS} significant digits; the workbook "
        f"holds them rounded to {agree.EXCEL_DIGITS} (and Excel shows 15), while the CSV and Parquet files hold "
        "every digit."
    )
    return [("numbers", detail)]


def _beyond_excel(column) -> bool:
    values = column.dropna().unique()
    return any(agree.excel_precision(float(v)) != float(v) for v in values)
