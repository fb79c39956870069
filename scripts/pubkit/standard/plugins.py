"""Finding and calling a package's extensions: reads the descriptor's declarations and the modules they name.

Writes nothing. What an extension is and which hooks it may define is ``pubkit.extensions``; this module
is the core's side of that interface. It names profiles by their module's dotted name and imports them
only when a package declares one, so the core never depends on a profile (profiles sit above it).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING

from pubkit.base import errors
from pubkit.base.findings import Finding, quoted

if TYPE_CHECKING:
    from pubkit.standard.descriptor import DataPackage

PROPERTY = "pubkit:extensions"
PROFILES = {  # descriptor property -> the toolkit's module that implements it
    "valueProvenance": "pubkit.profiles.value_provenance",
}


def declared_profiles(descriptor: dict) -> list[str]:
    return [name for name in PROFILES if name in descriptor]


def profile_problems(descriptor: dict) -> list[str]:
    """What is wrong with each profile the descriptor declares (its ``descriptor_problems`` hook), one line each."""
    found: list[str] = []
    for name in declared_profiles(descriptor):
        module = importlib.import_module(PROFILES[name])
        found += module.descriptor_problems(descriptor)
    return found


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
