"""The release's datasheet ``index.html``: reads the typed tables and the release's files, returns HTML.

For any package: title, description, version, licence, citation, downloads with
sizes and sha256, and for every table its fields and a preview of its rows (all of
them up to ``PREVIEW_ROWS``; past that the first rows, the count, and links to the
full files). Extensions add to it (``extensions.Datasheet``): the value-provenance
profile links each figure to its quote in the archived text, and draws the charts
the package declares.

Self-contained (inline CSS, SVG and script; nothing fetched) and byte-stable. Every
value is escaped for its context, and only ``http(s):`` and relative links are made.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

import pandas as pd

from pubkit.checks.identity import LEAD
from pubkit.extensions import Datasheet
from pubkit.formats import datasette, metadata
from pubkit.standard import categories

PREVIEW_ROWS = 2000
LONG = 32  # a cell longer than this shows its whole text as its title, and on its row's focus

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;margin:0 auto;
max-width:72rem;padding:0 1rem 4rem;line-height:1.45;color:#1a1a1a}
h1{font-size:1.5rem;margin-top:1.5rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
nav a{margin-right:1rem}.scroll{overflow:auto;max-height:80vh}table{border-collapse:collapse;font-size:.9rem;min-width:100%}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f6f8;white-space:nowrap;position:sticky;top:0;z-index:1}table.sortable th{cursor:pointer}table.sortable th[aria-sort]::after{content:" ↕";color:#888}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}code{font-size:.85em;word-break:break-all}
details{margin:.5rem 0}summary{cursor:pointer}
table.priority td{max-width:18rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}table.priority td.num{max-width:none}
table.priority tr:focus td,table.priority tr:focus-within td{white-space:normal;overflow:visible}
table.priority tr:focus{outline:2px solid #4dabf7}code.id{color:#666;font-size:.75em}
@media (max-width:40rem){body{padding:0 .5rem 3rem}th,td{padding:.25rem}nav a{display:inline-block;margin:.2rem .6rem .2rem 0}
table.priority:not(.all) th:not(.keep),table.priority:not(.all) td:not(.keep){display:none}
table.priority:not(.all){font-size:.8rem}table.priority:not(.all) code.id{display:none}
table.priority td{white-space:normal;max-width:6.5rem}table.priority td.num{max-width:none;min-width:5.5rem}
table.priority th{white-space:normal}}
button.all-columns{display:none}@media (max-width:40rem){button.all-columns{display:inline-block;margin:.3rem 0}}
"""
SORT_SCRIPT = """
document.querySelectorAll('button.all-columns').forEach(function(b){b.addEventListener('click',function(){
var t=b.nextElementSibling.querySelector('table');t.classList.toggle('all');
b.textContent=t.classList.contains('all')?'Show the main columns':'Show every column'})});
document.querySelectorAll('table.sortable th').forEach(function(th){var i=th.cellIndex;th.setAttribute('aria-sort','none');
th.addEventListener('click',function(){var body=th.closest('table').tBodies[0];var up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';
var rows=Array.prototype.slice.call(body.rows);rows.sort(function(a,b){var x=a.cells[i].dataset.sort||a.cells[i].textContent,
y=b.cells[i].dataset.sort||b.cells[i].textContent;var nx=parseFloat(x),ny=parseFloat(y);
var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return up?c:-c});rows.forEach(function(r){body.appendChild(r)})})});
"""
NUMERIC = ("number", "integer", "year")


def render(
    core: dict,
    tables: list,
    shown: dict[str, Shown],
    files: dict[str, tuple[int, str]],
    citation: str,
    added: list[Datasheet],
    described: dict | None = None,
) -> str:
    """``shown`` holds what the page shows of each table (``shown``); ``added``, what extensions add;
    ``described``, the schema.org description to embed (the release's, less the files written after the page)."""
    title = escape(core.get("title", core["name"]))
    tables = sorted(tables, key=lambda t: not lead(t))  # a table that declares its lead columns comes first
    labels = {t.name: shown[t.name].labels for t in tables}
    sections = [(a, h, body) for extra in added for a, h, body in extra.sections]
    nav = [(f"table-{t.name}", t.title) for t in tables] + [(a, h) for a, h, _ in sections]
    nav += [("downloads", "Downloads"), ("cite", "How to cite")]
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f'<meta name="description" content="{escape(core.get("description", ""), quote=True)}">',
        *([f'<script type="application/ld+json">{_json_in_script(described)}</script>'] if described else []),
        f"<style>{STYLE}{''.join(extra.style for extra in added)}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
        f"<p>{escape(core.get('description', ''))}</p>",
        _version_line(core),
        "<nav>" + "".join(f'<a href="#{escape(a)}">{escape(h)}</a>' for a, h in nav) + "</nav>",
        *[_table_section(t, shown[t.name], added, labels) for t in tables],
        *[f'<section id="{escape(a)}"><h2>{escape(h)}</h2>{body}</section>' for a, h, body in sections],
        _downloads(files, core),
        _cite(core, citation),
        f"<script>{SORT_SCRIPT}{''.join(extra.script for extra in added)}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


ROW_ANCHOR = "row-"  # the prefix of every row's anchor; no anchor of the page's own starts with it


def safe_href(url: str) -> str | None:
    """``url`` escaped for an attribute, if it is an http(s) or a relative link; None for anything else."""
    lowered = url.strip().lower()
    scheme = lowered.split(":", 1)[0] if ":" in lowered.split("/", 1)[0] else None
    if scheme in (None, "http", "https") and not lowered.startswith("//"):
        return escape(url, quote=True)
    return None


def link(url: str, text: str) -> str:
    href = safe_href(url)
    return f'<a href="{href}">{escape(text)}</a>' if href else escape(text)


def _version_line(core: dict) -> str:
    licences = ", ".join(
        link(item.get("path", ""), item.get("name", item.get("title", ""))) for item in core.get("licenses", [])
    )
    return (
        f"<p>Version <strong>{escape(core['version'])}</strong> · built {escape(core['created'][:10])}"
        + (f" · licence {licences}" if licences else "")
        + "</p>"
    )


class Shown(NamedTuple):
    """What the page shows of a table: its first ``PREVIEW_ROWS`` rows as the release CSV writes them, how
    many rows it has, and its key -> label (``_labels``) for the keys the previews name, at least."""

    preview: pd.DataFrame
    rows: int
    labels: dict[str, str] | None


def shown(table, text: pd.DataFrame) -> Shown:
    """What the page shows of a whole table, ``text`` as the release CSV writes it."""
    return Shown(text.iloc[:PREVIEW_ROWS], len(text), _labels(table, text))


def _table_section(table, seen: Shown, added: list[Datasheet], labels: dict) -> str:
    anchor = escape(f"table-{table.name}")
    heading = escape(table.title)
    shown, count = seen.preview, seen.rows
    note = (
        (f"All {count:,} rows." if count != 1 else "All 1 row.")
        if count <= PREVIEW_ROWS
        else (
            f"The first {PREVIEW_ROWS:,} of {count:,} rows; every row is in "
            f"{link(f'csv/{table.name}.csv', f'csv/{table.name}.csv')} and "
            f"{link(f'parquet/{table.name}.parquet', f'parquet/{table.name}.parquet')}."
        )
    )
    return (
        f'<section id="{anchor}"><h2>{heading}'
        + (f" <code>{escape(table.name)}</code>" if table.title != table.name else "")
        + "</h2>"
        + (f"<p>{escape(table.description)}</p>" if table.description else "")
        + f"<details><summary>Fields ({len(table.fields)})</summary>{_fields(table)}</details>"
        f"<p>{note}</p>{_rows(table, shown, added, labels)}</section>"
    )


def _fields(table) -> str:
    required = lambda f: "yes" if f.get("constraints", {}).get("required") else "no"  # noqa: E731
    rows = [
        f"<tr><td><code>{escape(f['name'])}</code></td><td>{escape(f.get('type', 'string'))}</td><td>{required(f)}</td>"
        f"<td>{escape(str(f.get('unit', '')))}</td><td>{escape(categories.described_field(str(f.get('description', '')), f))}</td></tr>"
        for f in table.fields
    ]
    return _table(["field", "type", "required", "unit", "description"], rows, sortable=False)


def lead(table) -> list[str]:
    """The fields a resource declares to lead its table (``pubkit:lead``), those of its fields only."""
    declared = table.resource.get(LEAD)
    return [f for f in declared if f in table.field_names] if isinstance(declared, list) else []


def label_fields(table) -> tuple[str, str] | None:
    """The key and label columns of a table whose rows have labels: a one-field key and
    ``datasette.label_column``; None without both."""
    key = table.schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    label = datasette.label_column(table)
    return (key[0], label) if key and len(key) == 1 and label else None


def named_keys(table, preview: pd.DataFrame) -> dict[str, set[str]]:
    """Each parent table -> the keys ``preview``'s one-field foreign keys name (labels the page looks up)."""
    named: dict[str, set[str]] = {}
    for key in table.schema.get("foreignKeys", []):
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        parent = key.get("reference", {}).get("resource") or table.name
        if len(fields) == 1:
            named.setdefault(parent, set()).update(preview[fields[0]].tolist())
    return named


def _labels(table, text: pd.DataFrame) -> dict[str, str] | None:
    """A table's key -> the text that names its row (``datasette.label_column``); None without both."""
    fields = label_fields(table)
    if fields is None or not len(text):
        return None
    return dict(zip(text[fields[0]].tolist(), text[fields[1]].tolist(), strict=True))


def _foreign_labels(table, labels: dict) -> dict[str, dict[str, str]]:
    """Each field of a one-field foreign key -> its parent's labels, where the parent has them."""
    found = {}
    for key in table.schema.get("foreignKeys", []):
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        parent = key.get("reference", {}).get("resource") or table.name
        if len(fields) == 1 and labels.get(parent) is not None:
            found[fields[0]] = labels[parent]
    return found


def _order(table, added: list[Datasheet]) -> tuple[list[str], list[str]]:
    """The columns in the order shown (the lead first, then the rest as the schema lists them), and those a
    narrow screen shows: the declared lead, else what an extension names."""
    first = lead(table)
    keep = first or next((extra.priority[table.name] for extra in added if table.name in extra.priority), [])
    return first + [f for f in table.field_names if f not in first], [f for f in keep if f in table.field_names]


def _rows(table, text: pd.DataFrame, added: list[Datasheet], labels: dict) -> str:
    order, keep = _order(table, added)
    named = _foreign_labels(table, labels)
    columns = [_column(table, text, added, table.field(name), name in keep, named.get(name)) for name in order]
    ids = next((extra.row_ids[table.name] for extra in added if table.name in extra.row_ids), None)
    # A row's anchor is namespaced (row-obs-013), so that no row id, such as "cite", can be one of the page's own
    focus = ' tabindex="0"' if keep else ""
    starts = (
        [f'<tr id="{ROW_ANCHOR}{escape(i, quote=True)}"{focus}>' for i in ids.tolist()]
        if ids is not None
        else [f"<tr{focus}>"] * len(text)
    )
    rows = ["".join([start, *cells, "</tr>"]) for start, *cells in zip(starts, *columns, strict=True)]
    if not keep:
        return _table(order, rows, sortable=True)
    button = '<button class="all-columns" type="button">Show every column</button>'
    return button + _table(order, rows, sortable=True, keep=set(keep))


def _column(table, text: pd.DataFrame, added: list[Datasheet], field: dict, kept: bool, named) -> list[str]:
    """A column's cells: an extension's HTML, else a parent's label beside the key, else the text."""
    name, kind = field["name"], field.get("type", "string")
    custom = next(
        (extra.cell_links[(table.name, name)] for extra in added if (table.name, name) in extra.cell_links), None
    )
    cells = text[name].tolist()
    if custom is not None:
        html = custom.tolist()
    elif named:
        html = [f'{escape(named.get(c, ""))} <code class="id">{escape(c)}</code>' if c else "" for c in cells]
    else:
        html = [escape(c) for c in cells]
    numeric = kind in NUMERIC
    classes = " ".join(c for c in ("num" if numeric else "", "keep" if kept else "") if c)
    opening = f'<td class="{classes}"' if classes else "<td"
    if numeric:
        return [f'{opening} data-sort="{escape(c, quote=True)}">{h}</td>' for c, h in zip(cells, html, strict=True)]
    titled = [f' title="{escape(c, quote=True)}"' if len(c) > LONG else "" for c in cells]
    return [f"{opening}{t}>{h}</td>" for t, h in zip(titled, html, strict=True)]


def _table(head: list[str], rows: list[str], sortable: bool, keep: set[str] | None = None) -> str:
    """A table; with ``keep``, a narrow screen shows only those columns until asked for every one."""
    header = "".join(
        f'<th class="keep">{escape(h)}</th>' if keep and h in keep else f"<th>{escape(h)}</th>" for h in head
    )
    kind = ' class="sortable priority"' if keep else ' class="sortable"' if sortable else ""
    return (
        f'<div class="scroll"><table{kind}><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _json_in_script(data: dict) -> str:
    """JSON inside a script element: no ``<``, ``>`` or ``&`` that HTML could read (``</script>``, ``<!--``),
    each written as its JSON escape, so that the text is the same JSON."""
    import json

    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _cite(core: dict, citation: str) -> str:
    """The citation in words, and as a BibTeX entry."""
    key = f"{core['name']}_{core['version']}".replace("-", "_").replace(".", "_")
    authors = " and ".join("{" + metadata.name_of(c) + "}" for c in metadata.creators(core))
    entry = "\n".join(
        [
            f"@misc{{{key},",
            f"  title = {{{core.get('title', core['name'])}}},",
            *([f"  author = {{{authors}}},"] if authors else []),
            f"  year = {{{core['created'][:4]}}},",
            f"  version = {{{core['version']}}},",
            f"  note = {{{citation.rsplit('. ', 1)[-1]}}},",
            *([f"  url = {{{core['homepage']}}},"] if isinstance(core.get("homepage"), str) else []),
            "}",
        ]
    )
    return (
        f'<section id="cite"><h2>How to cite</h2><p>{escape(citation)}</p>'
        f"<details><summary>BibTeX</summary><pre>{escape(entry)}</pre></details></section>"
    )


def _downloads(files: dict[str, tuple[int, str]], core: dict) -> str:
    rows = [
        f'<tr><td>{link(p, p)}</td><td class="num" data-sort="{size}">{size:,}</td><td><code>{escape(digest)}</code></td></tr>'
        for p, (size, digest) in sorted(files.items())
    ]
    note = (
        f"{link('SHA256SUMS', 'SHA256SUMS')} lists every file of the release, this page included; check them with "
        "<code>sha256sum -c SHA256SUMS</code>."
    )
    release = f"{core['name']}-{core['version']}"
    around = (  # named, not linked: they are beside the folder in the repository, not in the unpacked zip
        f"Beside this folder in the repository's <code>dist/</code>: <code>{escape(release)}.zip</code>, the whole "
        "release in one file once it is released, and <code>releases.json</code>, every release with the sha256 of "
        "each of its files; what changed in each is in the repository's <code>CHANGELOG.md</code>"
        + (f" ({link(core['homepage'], core['homepage'])})" if isinstance(core.get("homepage"), str) else "")
        + "."
    )
    return (
        '<section id="downloads"><h2>Downloads</h2>'
        + _table(["file", "bytes", "sha256"], rows, True)
        + f"<p>{note}</p><p>{around}</p></section>"
    )
