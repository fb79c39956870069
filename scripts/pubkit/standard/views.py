"""Declared views: tables a release derives from others by following their foreign keys.

Reads the descriptor's ``pubkit:views`` and the typed and text frames of the tables; returns the views
as tables (a ``Table`` and its typed and text frames), which a build writes in every format as it
writes any table. Nothing here names a table of any package: a view says which table it starts from,
which foreign keys it follows and which fields it takes::

    "pubkit:views": [{
      "name": "sales_labelled", "title": "...", "description": "...",
      "from": "sales",
      "join": [{"resource": "products", "on": ["product_id"],
                "fields": {"product_name": "name", "unit": "unit"}}],
      "fields": ["sale_id", "product_name", "quantity", "unit"]
    }]

A view has one row per row of its ``from`` table, in the same order; each join follows a foreign key
that ``from`` declares (so every row finds its one parent, which check has proven); each view field
is a field of ``from`` or a renamed field of a joined table, and keeps that field's definition.
"""

from __future__ import annotations

import re

import pandas as pd

from pubkit.base import errors
from pubkit.base.findings import Finding
from pubkit.standard.descriptor import DataPackage, Table
from pubkit.standard.resources import reserved

PROPERTY = "pubkit:views"
NAME = re.compile(r"^[a-z0-9._-]+$")


def declared(pkg: DataPackage) -> list[dict]:
    views = pkg.descriptor.get(PROPERTY, [])
    return views if isinstance(views, list) else []


def findings(pkg: DataPackage) -> list[Finding]:
    """What is wrong with the declaration, one finding each (a view that cannot be made is not made)."""
    found = []
    if PROPERTY in pkg.descriptor and not isinstance(pkg.descriptor[PROPERTY], list):
        return [_problem(pkg, f"{PROPERTY} is a list of views")]
    names = {t.name for t in pkg.tables}
    for n, view in enumerate(declared(pkg)):
        problem = _view_problem(pkg, view, names)
        if problem:
            found.append(_problem(pkg, f"{PROPERTY}[{n}]: {problem}"))
        if isinstance(view, dict) and isinstance(view.get("name"), str):
            names.add(view["name"])
    return found


def _problem(pkg: DataPackage, detail: str) -> Finding:
    return errors.VIEW.at(pkg.descriptor_file, None, PROPERTY, detail=detail)


def _view_problem(pkg: DataPackage, view, names: set) -> str | None:
    if not isinstance(view, dict):
        return "is not an object"
    name, base = view.get("name"), pkg.table(view.get("from")) if isinstance(view.get("from"), str) else None
    if not isinstance(name, str) or not NAME.match(name) or name in names:
        return f"name {name!r} is no new resource name (lowercase letters, digits, . _ -)"
    if reserved(name):
        return f"name {name!r} {reserved(name)}"
    if base is None:
        return f"from {view.get('from')!r} names no resource of the package"
    available = {f: base.field(f) for f in base.field_names}
    for j, join in enumerate(view.get("join", []) if isinstance(view.get("join", []), list) else [None]):
        parent, problem = _join_problem(pkg, base, join)
        if problem:
            return f"join[{j}]: {problem}"
        available.update({new: parent.field(old) for new, old in join["fields"].items()})
    fields = view.get("fields")
    if not isinstance(fields, list) or not fields or len(set(map(str, fields))) != len(fields):
        return "fields is a list of distinct field names"
    unknown = [f for f in fields if f not in available]
    return f"fields {', '.join(map(str, unknown))} are neither fields of {base.name} nor joined" if unknown else None


def _join_problem(pkg: DataPackage, base: Table, join) -> tuple[Table | None, str | None]:
    if not isinstance(join, dict) or not isinstance(join.get("fields"), dict) or not join["fields"]:
        return None, "is an object with resource, on and fields (new name: parent field)"
    parent = pkg.table(join.get("resource")) if isinstance(join.get("resource"), str) else None
    on = join.get("on") if isinstance(join.get("on"), list) else [join.get("on")]
    keys = [
        _fields(k["fields"]) for k in base.schema.get("foreignKeys", []) if _parent(base, k) == join.get("resource")
    ]
    if parent is None or on not in keys:
        return None, f"follows no foreign key of {base.name} on {on} to {join.get('resource')!r}"
    missing = [old for old in join["fields"].values() if old not in parent.field_names]
    if missing:
        return parent, f"{parent.name} has no fields {', '.join(map(str, missing))}"
    key = next(k for k in base.schema.get("foreignKeys", []) if _fields(k["fields"]) == on)
    referenced = _fields(key.get("reference", {}).get("fields"))
    if not _unique(parent, referenced):
        shown = ", ".join(map(str, referenced))
        return parent, (
            f"the fields it joins on, {parent.name}.{shown}, are not unique in {parent.name} (neither its primary "
            "key, nor declared unique): a row could have several parents"
        )
    return parent, None


def _unique(table: Table, fields: list) -> bool:
    """Whether ``fields`` identify one row of ``table``: its primary key, a declared unique key, or one
    field declared unique (``check`` reports any row that breaks it)."""
    key = table.schema.get("primaryKey")
    declared = [_fields(key)] if key else []
    declared += [_fields(k) for k in table.schema.get("uniqueKeys", []) if isinstance(k, list | str)]
    if len(fields) == 1 and fields[0] in table.field_names:
        declared += [[fields[0]]] if table.field(fields[0]).get("constraints", {}).get("unique") else []
    return any(set(d) == set(fields) for d in declared)


def _fields(value) -> list:
    return value if isinstance(value, list) else [value]


def _parent(table: Table, key: dict) -> str:
    return key.get("reference", {}).get("resource") or table.name


def make(pkg: DataPackage, typed: dict[str, pd.DataFrame], texts: dict[str, pd.DataFrame]) -> list[tuple]:
    """Each declared view as (table, typed frame, text frame); the declaration is valid (``findings``)."""
    made = []
    for view in declared(pkg):
        base = pkg.table(view["from"])
        columns = {name: (typed[base.name][name], texts[base.name][name]) for name in base.field_names}
        definitions = {name: base.field(name) for name in base.field_names}
        for join in view.get("join", []):
            parent = pkg.table(join["resource"])
            key = next(k for k in base.schema["foreignKeys"] if _fields(k["fields"]) == _fields(join["on"]))
            at = _parent_rows(
                typed[base.name], _fields(join["on"]), typed[parent.name], _fields(key["reference"]["fields"])
            )
            for new, old in join["fields"].items():
                columns[new] = tuple(_taken(frame[parent.name][old], at) for frame in (typed, texts))
                definitions[new] = _joined(parent.field(old), new)
        fields = [dict(definitions[name], name=name) for name in view["fields"]]
        schema = {"fields": fields, **({"title": view["title"]} if "title" in view else {})}
        schema["description"] = view.get("description", "")
        schema.update(_keys(base, view))
        table = Table(view["name"], f"views/{view['name']}.csv", schema, "", {"name": view["name"], PROPERTY: True})
        index = typed[base.name].index
        frame_typed, frame_text = (_frame({n: columns[n][k] for n in view["fields"]}, index) for k in (0, 1))
        made.append((table, frame_typed, frame_text))
    return made


def _frame(columns: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """The columns, each with its own values and dtype (Arrow strings, nullable integers, zones), on the
    ``from`` table's index: no value is made a Python object, and Arrow's are shared, not copied."""
    return pd.DataFrame({name: pd.Series(s.array, index=index, copy=False) for name, s in columns.items()}, copy=False)


def _keys(base: Table, view: dict) -> dict:
    """The keys a view has by construction: one row per row of ``from``, so its primary key, and each foreign
    key of ``from``, where the view keeps all their fields as ``from`` holds them (no join renamed onto them)."""
    joined = {new for join in view.get("join", []) for new in join["fields"]}
    kept = {name for name in view["fields"] if name in base.field_names and name not in joined}
    keys: dict = {}
    primary = base.schema.get("primaryKey")
    if primary and set(_fields(primary)) <= kept:
        keys["primaryKey"] = primary
    foreign = [
        {**key, "reference": {**key["reference"], "resource": _parent(base, key)}}
        for key in base.schema.get("foreignKeys", [])
        if set(_fields(key["fields"])) <= kept
    ]
    return {**keys, **({"foreignKeys": foreign} if foreign else {})}


def _joined(field: dict, name: str) -> dict:
    """A parent's field as a view holds it: a parent's value repeats across its children, so not unique."""
    constraints = {k: v for k, v in field.get("constraints", {}).items() if k != "unique"}
    return {
        **{k: v for k, v in field.items() if k != "constraints"},
        "name": name,
        **({"constraints": constraints} if constraints else {}),
    }


def _parent_rows(child: pd.DataFrame, on: list[str], parent: pd.DataFrame, keys: list[str]):
    """For each child row, the position of its parent row (the key is unique; -1 where the child's is empty)."""
    pairs = [_comparable(child[c], parent[p]) for c, p in zip(on, keys)]
    parent_keys = pd.DataFrame({i: p for i, (_, p) in enumerate(pairs)})
    child_keys = pd.DataFrame({i: c for i, (c, _) in enumerate(pairs)})
    positions = pd.Series(range(len(parent)), index=pd.MultiIndex.from_frame(parent_keys))
    return positions.reindex(pd.MultiIndex.from_frame(child_keys)).fillna(-1).astype(int).to_numpy()


def _comparable(child: pd.Series, parent: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A child's key column and its parent's, as values that compare as the typed values do: an integer 1
    finds a number 1.0 (as the foreign-key check reads them), where their texts "1" and "1.0" differ."""
    types = pd.api.types
    both_numeric = all(types.is_numeric_dtype(s) and not types.is_bool_dtype(s) for s in (child, parent))
    if both_numeric and not all(types.is_integer_dtype(s) for s in (child, parent)):
        return child.astype("float64"), parent.astype("float64")
    return child.astype(str), parent.astype(str)  # the same type: its text is one per value


def _taken(column: pd.Series, at) -> pd.Series:
    values = column.iloc[at.clip(min=0)].reset_index(drop=True)
    return values.where(pd.Series(at >= 0), other=None) if (at < 0).any() else values
