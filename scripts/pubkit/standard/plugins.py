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
from pubkit.base.findings import Finding, PubkitError, quoted

if TYPE_CHECKING:
    from pubkit.standard.descriptor import DataPackage

PROPERTY = "pubkit:extensions"
PACKAGE_MODULE = "pubkit_package_extension_"  # the prefix of a package module's name once loaded
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
    name = PACKAGE_MODULE + PurePosixPath(relpath).stem.replace("-", "_")
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(root / relpath):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, root / relpath)
    module = importlib.util.module_from_spec(spec)
    module.__pubkit_path__ = relpath  # how messages name it: its path in the package
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        sys.modules.pop(name, None)
        raise PubkitError(_failure(relpath, root / relpath, err, "loading it")) from None
    return module


def call(modules: list[ModuleType], hook: str, *args) -> list:
    """Each module's result of ``hook``, for the modules that define it. A package's own module that fails
    is named, with its line and the hook: it is the package's code, not the toolkit's."""
    results = []
    for module in modules:
        if not callable(getattr(module, hook, None)):
            continue
        if not module.__name__.startswith(PACKAGE_MODULE):
            results.append(getattr(module, hook)(*args))
            continue
        try:
            results.append(getattr(module, hook)(*args))
        except Exception as err:
            relpath = getattr(module, "__pubkit_path__", module.__name__)
            raise PubkitError(_failure(relpath, Path(module.__file__), err, f"its hook {hook}()")) from None
    return results


def _failure(relpath: str, path: Path, err: Exception, doing: str) -> str:
    """One line: the module, the line of its own code where it failed, what failed, and whose code it is."""
    import traceback

    line = getattr(err, "lineno", None) if isinstance(err, SyntaxError) else None
    for frame in traceback.extract_tb(err.__traceback__):
        if Path(frame.filename) == path:
            line = frame.lineno
    where = f"{relpath}:{line}" if line else relpath
    first = str(err).splitlines()[0][:200] if str(err) else ""
    return (
        f"{where}: the package's own module failed while {doing}: {type(err).__name__}: {first} "
        f"(this is the package's code, named in {PROPERTY}, not the toolkit's: fix it there)"
    )
