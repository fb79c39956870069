"""Write a package's release into a folder: reads the validated sources, writes every file of the release.

``write_release`` writes ``<parent>/<name>-<version>/``: CSV, Parquet, the workbook, the SQLite database,
the archived documents (each at its path in the package), PROVENANCE.md, the release descriptor, the datasheet, the JSON-LD and SHA256SUMS.
It knows nothing of ``dist/``: ``build`` publishes what it writes, and ``proof`` rebuilds a released
folder with it to compare bytes.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pubkit.base import parallel
from pubkit.checks import validate
from pubkit.extensions import Context
from pubkit.formats import datasette, datasheet, export, metadata, sqlite, workbook
from pubkit.releases import aboutrows, buildinfo, index, inparts
from pubkit.releases.aboutrows import citation
from pubkit.standard import descriptor, fieldtypes, plugins, views
from pubkit.standard.bulkcsv import NotPlain
from pubkit.standard.descriptor import DataPackage

DIST = "dist"
STAGING = ".build"
SUMS = "SHA256SUMS"
JSONLD = "dataset.jsonld"
DATASHEET = "index.html"
DATASETTE = "metadata.json"  # Datasette's description of the database
RELEASE_SCHEMA = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_PROPERTIES = (
    "name",
    "id",
    "title",
    "description",
    "version",
    "created",
    "homepage",
    "licenses",
    "contributors",
    "keywords",
    "image",
)


def write_release(
    pkg: DataPackage,
    parent: Path,
    date: datetime | None = None,
    made_by: dict | None = None,
    progress=None,
    reuse: Path | None = None,
) -> Path:
    """Write the full release of ``pkg`` into ``parent/<name>-<version>/`` and return that folder.

    ``date`` is the build date (``buildinfo.build_date`` where none is given) and ``made_by`` what built it
    (``buildinfo.identity`` where none is given): a released folder is rebuilt with the date and identity
    it recorded, whatever ``SOURCE_DATE_EPOCH`` the shell holds now and whichever toolkit runs.
    ``reuse``: a release folder built of the same inputs by the same toolkit, at another date
    (``proof.reusable``): its workbook's sheets are copied, not written again (``workbook.redated``).
    """
    say = progress or (lambda line: None)
    created = date or buildinfo.build_date(pkg)
    core, provenance = package_properties(pkg, created), buildinfo.record(pkg, created, made_by)
    out = parent / pkg.release_name
    out.mkdir(parents=True)
    written = _in_parts(pkg, out, core, provenance, created, reuse, say) or _whole(
        pkg, out, created, provenance, reuse, say
    )
    tables, ctx, modules = written.tables, written.ctx, written.modules
    rows = {(t.name, t.path if t in pkg.tables else f"{views.PROPERTY} (a view)"): written.rows[t.name] for t in tables}
    markdown = metadata.provenance_markdown(core, provenance, rows, pkg.release_name)
    (out / "PROVENANCE.md").write_text(markdown, encoding="utf-8")
    counts = [(t.name, t.title, written.rows[t.name]) for t in tables]
    files = tuple((f.path, f.resource.get("title") or f.name) for f in pkg.files)
    readme = metadata.release_readme(core, counts, (pkg.release_name, pkg.database_file), citation(core), files)
    (out / "README.md").write_text(readme, encoding="utf-8")
    _write_json(
        out / descriptor.DESCRIPTOR,
        _release_descriptor([*pkg.tables, *tables[: written.views]], core, provenance, out, pkg.files),
    )
    say("writing the datasheet and metadata")
    added = plugins.call(modules, "datasheet", ctx)
    before_page = index.sizes_and_hashes(out)
    named = _named_files(pkg)
    described = _jsonld(core, before_page, modules, ctx, named)
    page = datasheet.render(core, list(pkg.tables), written.shown, before_page, citation(core), added, described)
    (out / DATASHEET).write_text(page, encoding="utf-8")
    _write_json(out / JSONLD, _jsonld(core, index.sizes_and_hashes(out), modules, ctx, named))
    write_sums(out)
    return out


@dataclass(frozen=True)
class Written:
    """What the rest of a release is written from once its tables are: the tables and views (the views
    first), each one's row count, what the datasheet shows of each table, and the extensions and their context."""

    tables: list
    rows: dict[str, int]
    shown: dict[str, datasheet.Shown]
    views: int
    modules: list
    ctx: Context | None


def _in_parts(pkg: DataPackage, out: Path, core: dict, provenance: dict, created, reuse, say) -> Written | None:
    """The tables written a part at a time (``inparts``), where the package is one for it; None where it is
    not, or where a part is unsteady (``export.Unsteady``) or not plain after all, with ``out`` emptied."""
    made = inparts.plans(pkg, plugins.load(pkg, pkg.trusted)[0])
    if made is None:
        return None
    tables, book = list(pkg.tables), out / f"{pkg.release_name}.xlsx"

    def about(kept: dict) -> list[tuple[str, str]]:
        rounded = [name for t in tables for name in inparts.in_order(t, kept[t.name].rounded)]
        return aboutrows.about(tables, core, {t.name: kept[t.name].rows for t in tables}, rounded)

    try:
        say(
            "writing CSV, Parquet and SQLite a part at a time" + ("" if reuse else "; the workbook in a second process")
        )
        writer = None if reuse else inparts.start_workbook(pkg, made, core, book, created)
        with parallel.alongside(writer):
            kept = inparts.write_tables(pkg, made, out, _key_values(core, provenance), out / pkg.database_file, about)
            if reuse is not None:
                say(f"dating the workbook anew: its sheets are those of the build in {DIST}/{reuse.name}")
                workbook.redated(reuse / book.name, about(kept), book, created)
            _write_database_extras(pkg, core, tables, out)
    except (export.Unsteady, NotPlain) as why:
        say(f"writing the tables whole: {why}")
        shutil.rmtree(out)
        out.mkdir()
        return None
    return Written(tables, {t.name: kept[t.name].rows for t in tables}, inparts.shown(pkg, kept), 0, [], None)


def _whole(pkg: DataPackage, out: Path, created, provenance: dict, reuse: Path | None, say) -> Written:
    """The tables read whole, written in every format."""
    made = prepare(pkg, created, provenance=provenance)
    say("writing CSV and Parquet")
    write_tables(made, out)
    rows = {t.name: len(made.typed[t.name]) for t in made.tables}
    rounded = [name for t in made.tables for name in aboutrows.rounded_fields(t, made.typed[t.name])]
    about = aboutrows.about(made.tables, made.core, rows, rounded)
    about += [row for rows in plugins.call(made.modules, "about", made.ctx) for row in rows]
    _write_workbook_and_database(pkg, made, about, out, reuse, say)
    shown = {t.name: datasheet.shown(t, made.texts[t.name]) for t in pkg.tables}
    return Written(made.tables, rows, shown, len(made.views), made.modules, made.ctx)


def _write_workbook_and_database(pkg: DataPackage, made, about: list, out: Path, reuse: Path | None, say) -> None:
    """The workbook, written in a second process (it is the longest step, and one core's work), while this
    one writes the SQLite database and copies the archived sources; or dated anew from ``reuse``."""
    sheets = [(t, made.typed[t.name], made.texts[t.name]) for t in made.tables]
    book = out / f"{pkg.release_name}.xlsx"
    writer = None
    if reuse is not None:
        say(f"dating the workbook anew: its sheets are those of the build in {DIST}/{reuse.name} (the same inputs)")
        workbook.redated(reuse / book.name, about, book, made.created)
    else:
        rows = sum(len(t) for t in made.typed.values())
        say(f"writing the workbook ({rows:,} rows: the longest step), in a second process")
        writer = parallel.start(workbook.write_xlsx, sheets, about, book, made.created)
    with parallel.alongside(writer):
        say("writing the SQLite database")
        sqlite.write_sqlite(sheets, about, out / pkg.database_file)
        _write_database_extras(pkg, made.core, made.tables, out)


def _write_database_extras(pkg: DataPackage, core: dict, tables: list, out: Path) -> None:
    """Datasette's description of the database, and the archived sources, each at its path in the package
    (so that a path the data gives resolves)."""
    _write_json(out / DATASETTE, datasette.metadata(core, tables, pkg.database_file))
    for source in [*pkg.source_paths(), *(f.path for f in pkg.files)]:
        (out / source).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pkg.root / source, out / source)


@dataclass(frozen=True)
class Prepared:
    """What a release is written from: the package's tables and views, typed and as text, and its metadata."""

    ctx: Context
    modules: list
    views: list  # the declared views, as (table, typed, text)
    tables: list  # the views first, then the package's tables
    typed: dict
    texts: dict
    core: dict  # the release's package properties
    provenance: dict
    created: datetime  # the build date


def prepare(
    pkg: DataPackage, date: datetime | None = None, made_by: dict | None = None, provenance: dict | None = None
) -> Prepared:
    """Read the validated sources once, and make every table and view a release writes; ``provenance``:
    ``buildinfo.record`` of the same date and identity, where the caller has it (every input is hashed once)."""
    ctx, _ = validate.read_all(pkg)
    modules, _ = plugins.load(pkg, pkg.trusted)
    typed = ctx.frames
    texts = {t.name: export.text_frame(t, typed[t.name], export.raw_text(ctx.raws[t.name])) for t in pkg.tables}
    made = views.make(pkg, typed, texts)  # declared views: the first sheets after About
    tables = [*(table for table, _, _ in made), *pkg.tables]
    typed = {**typed, **{table.name: frame for table, frame, _ in made}}
    texts = {**texts, **{table.name: text for table, _, text in made}}
    created = date or buildinfo.build_date(pkg)
    provenance = provenance or buildinfo.record(pkg, created, made_by)
    return Prepared(ctx, modules, made, tables, typed, texts, package_properties(pkg, created), provenance, created)


def write_tables(made: Prepared, out: Path) -> None:
    """Each table and view as ``out/csv/<name>.csv`` and ``out/parquet/<name>.parquet``: the formats that
    ``check`` regenerates to prove a release (``proof.fresh``)."""
    for folder in ("csv", "parquet"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    key_values = _key_values(made.core, made.provenance)
    for table in made.tables:
        export.write_csv(table, made.texts[table.name], out / "csv" / f"{table.name}.csv")
        arrow = export.arrow_table(table, made.typed[table.name], key_values)
        export.write_parquet(arrow, out / "parquet" / f"{table.name}.parquet")


def write_tables_as_built(pkg: DataPackage, date: datetime | None, made_by: dict | None, out: Path) -> None:
    """The CSV and Parquet ``write_release`` writes (a part at a time where it would), into ``out``; ``date``
    and ``made_by`` as ``write_release`` takes them."""
    date = date or buildinfo.build_date(pkg)
    made = inparts.plans(pkg, plugins.load(pkg, pkg.trusted)[0])
    provenance = buildinfo.record(pkg, date, made_by)
    if made is not None:
        try:
            inparts.write_tables(pkg, made, out, _key_values(package_properties(pkg, date), provenance))
            return
        except (export.Unsteady, NotPlain):
            shutil.rmtree(out)
            out.mkdir()
    write_tables(prepare(pkg, date, made_by, provenance), out)


def _key_values(core: dict, provenance: dict) -> dict[str, str]:
    """The Parquet files' key-value metadata: the release's package properties and provenance."""
    return {
        "datapackage": json.dumps(core, ensure_ascii=False, sort_keys=True),
        "provenance": json.dumps(provenance, ensure_ascii=False, sort_keys=True),
    }


def _named_files(pkg: DataPackage) -> dict[str, dict]:
    """The CSV and Parquet of each resource that declares its own title or description, with them."""
    return {
        f"{folder}/{table.name}.{folder}": {"name": table.title, "description": table.description}
        for table in pkg.tables
        if table.resource.get("title") or table.resource.get("description")
        for folder in ("csv", "parquet")
    }


def _jsonld(core: dict, files: dict, modules: list, ctx, named: dict | None = None) -> dict:
    """The schema.org description of the release's ``files``, with what each extension adds."""
    dataset = metadata.jsonld(core, files, named)
    for module in modules:
        if callable(getattr(module, "jsonld", None)):
            dataset = module.jsonld(dataset, ctx)
    return dataset


def write_sums(folder: Path) -> None:
    lines = [f"{buildinfo.sha256_file(folder / p)}  {p}\n" for p in index.files_of(folder) if p != SUMS]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def package_properties(pkg: DataPackage, created) -> dict:
    core = {k: pkg.descriptor[k] for k in PACKAGE_PROPERTIES if k in pkg.descriptor}
    core.update({k: pkg.descriptor[k] for k in plugins.declared_profiles(pkg.descriptor)})  # as roles to read it by
    core["created"] = buildinfo.iso(created)
    core["sources"] = list(pkg.descriptor.get("sources", []))  # each archived at its path in the package
    return core


def _release_descriptor(tables: list, core: dict, provenance: dict, out: Path, files=()) -> dict:
    resources = []
    for table in tables:
        path = f"csv/{table.name}.csv"
        resources.append(
            {
                "name": table.name,
                **({"title": table.title} if table.title != table.name else {}),
                **({"description": table.description} if table.description else {}),
                **{k: table.resource[k] for k in RESOURCE_PROPERTIES if k in table.resource},
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": (out / path).stat().st_size,
                "hash": f"sha256:{buildinfo.sha256_file(out / path)}",
                "schema": fieldtypes.release_schema(table.schema),
            }
        )
    resources += [_file_resource(file, out) for file in files]
    others = _other_files(out, {r["path"] for r in resources})
    return {"$schema": RELEASE_SCHEMA, **core, "resources": resources, FILES: others, "provenance": provenance}


def _file_resource(file, out: Path) -> dict:
    """A resource that is no table, as its package declares it, with the size and sha256 of its copy."""
    declared = {k: v for k, v in file.resource.items() if k not in ("bytes", "hash")}
    size, digest = (out / file.path).stat().st_size, buildinfo.sha256_file(out / file.path)
    return {**declared, "path": file.path, "bytes": size, "hash": f"sha256:{digest}"}


RESOURCE_PROPERTIES = ("homepage", "sources", "licenses")  # a resource's own, which its release keeps
FILES = "pubkit:files"  # every file of the release besides the tables' CSVs, for catalogues
WRITTEN_AFTER = (descriptor.DESCRIPTOR, DATASHEET, JSONLD, SUMS)  # the descriptor itself, and what follows it


def _other_files(out: Path, tables: set[str]) -> list[dict]:
    """Each other file of the release with its format and media type, and its size and sha256 where it is
    written before the descriptor; the descriptor and the files written after it, by path (SHA256SUMS holds
    their sha256)."""
    listed = [
        {
            "path": path,
            "format": _format(path),
            "mediatype": metadata.media_type(path),
            "bytes": (out / path).stat().st_size,
            "hash": f"sha256:{buildinfo.sha256_file(out / path)}",
        }
        for path in index.files_of(out)
        if path not in tables
    ]
    later = [{"path": p, "format": _format(p), "mediatype": metadata.media_type(p)} for p in WRITTEN_AFTER]
    return listed + later


def _format(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else "text"


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
