"""The one extension interface: how a profile, or a package's own module, adds to the core.

Reads the descriptor's declarations and the modules they name; writes nothing.

The core knows only the Data Package and Table Schema standards. Everything else
reaches it through an *extension*: a Python module that defines any of these
functions (each optional):

- ``row_rules(ctx) -> list[Rule]``: vectorised rules over the rows of a table
  (``Rule.table`` names it); each failing row is one finding;
- ``check(ctx) -> list[Finding]``: whole-package checks (archives, quotes, coverage);
- ``jsonld(dataset, ctx) -> dict``: the release's schema.org description, enriched;
- ``datasheet(ctx) -> Datasheet``: what the release's ``index.html`` adds for it;
- ``about(ctx) -> list[tuple[str, str]]``: rows the workbook's About sheet (and the database's
  ``_about``) adds, such as how to read a figure;
- ``readme_sections(ctx) -> dict[str, str]``: generated README sections by name.

Two kinds of extension exist, through this same interface:

- *profiles* shipped with the toolkit, which a package opts into with a custom
  property of its descriptor (``valueProvenance``: see ``pubkit.profiles``);
- a package's own modules, named in ``pubkit:extensions`` (paths inside the
  package). They are code, so they run only when the caller trusts the package
  (``pubkit --trust-package-code``); otherwise ``check`` says that they were not run.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING

from pubkit import errors
from pubkit.findings import Finding, quoted

if TYPE_CHECKING:
    import pandas as pd

    from pubkit.descriptor import DataPackage
    from pubkit.read import RawTable

PROPERTY = "pubkit:extensions"
PROFILES = {  # descriptor property -> the toolkit's module that implements it
    "valueProvenance": "pubkit.profiles.value_provenance",
}
HOOKS = ("row_rules", "check", "jsonld", "datasheet", "about", "readme_sections")

Frames = dict[str, "pd.DataFrame"]


@dataclass(frozen=True)
class Rule:
    """A vectorised rule over one table's rows: ``passes`` gives one boolean per row."""

    table: str
    name: str  # shown in parentheses after the message: its catalogue entry's title
    field: str  # the column a person should look at
    passes: Callable[[Frames], pd.Series]
    message: Callable[[pd.Series], str]  # the entry's template, filled for a failing row
    code: str  # its catalogue entry's code

    @property
    def key(self) -> str:
        """Unique within a table: several rules share a name (one foreign key per field)."""
        return f"{self.name} [{self.field}]"


@dataclass(frozen=True)
class Context:
    """What an extension sees: the package, each table's raw text and its typed frame."""

    pkg: DataPackage
    raws: dict[str, RawTable] = field(default_factory=dict)
    frames: Frames = field(default_factory=dict)


@dataclass(frozen=True)
class Datasheet:
    """What an extension adds to the datasheet: cell links, and sections after the tables."""

    cell_links: dict[tuple[str, str], pd.Series] = field(
        default_factory=dict
    )  # (table, field) -> a cell's HTML per row
    row_ids: dict[str, pd.Series] = field(default_factory=dict)  # table -> each row's anchor
    priority: dict[str, list[str]] = field(default_factory=dict)  # table -> the fields a narrow screen shows
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor, heading, html)
    style: str = ""
    script: str = ""


def declared_profiles(descriptor: dict) -> list[str]:
    return [name for name in PROFILES if name in descriptor]


def load(pkg: DataPackage, trusted: bool) -> tuple[list[ModuleType], list[Finding]]:
    """The extensions ``pkg`` declares, in order: profiles first, then its own modules."""
    modules = [importlib.import_module(PROFILES[name]) for name in declared_profiles(pkg.descriptor)]
    findings = []
    for relpath in pkg.descriptor.get(PROPERTY, []):
        if not trusted:
            findings.append(errors.EXTENSION_NOT_RUN.at("datapackage.json", module=quoted(relpath)))
            continue
        modules.append(_module_of(pkg.root, relpath))
    return modules, findings


def _module_of(root: Path, relpath: str) -> ModuleType:
    name = "pubkit_package_extension_" + PurePosixPath(relpath).stem.replace("-", "_")
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(root / relpath):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, root / relpath)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def call(modules: list[ModuleType], hook: str, *args) -> list:
    """Each module's result of ``hook``, for the modules that define it."""
    return [getattr(m, hook)(*args) for m in modules if callable(getattr(m, hook, None))]
