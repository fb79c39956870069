"""A resource's declared lists of its fields: ``pubkit:identity`` and ``pubkit:lead``.

``pubkit:identity`` holds the fields that say what each of its primary keys identifies: SemVer
(``pubkit.releases.semver``) uses it to say whether a changed row is a correction of the same thing or a
new thing under a reused key. ``pubkit:lead`` holds the fields that lead the resource's table in the
datasheet (``pubkit.formats.datasheet``), and that a narrow screen shows. Reads the descriptor; writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pubkit.base import errors
from pubkit.base.findings import Finding

if TYPE_CHECKING:
    from pubkit.standard.descriptor import DataPackage

IDENTITY = "pubkit:identity"  # a resource's fields that say what each of its keys identifies
LEAD = "pubkit:lead"  # a resource's fields that lead its table on the datasheet, and that a narrow screen shows


def declaration_findings(pkg: DataPackage) -> list[Finding]:
    """A resource's ``pubkit:identity`` is a list of its fields."""
    found = []
    for n, table in enumerate(pkg.tables):
        declared = table.resource.get(IDENTITY)
        if declared is None:
            continue
        unknown = [f for f in declared if f not in table.field_names] if isinstance(declared, list) else [declared]
        if unknown or not declared:
            detail = (
                f"resources[{n}] ({table.name}): {IDENTITY} is a list of the fields that say what each primary "
                f"key identifies; {', '.join(map(str, unknown)) or 'an empty list'} is none of its fields"
            )
            found.append(errors.VERSION_BUMP.at(pkg.descriptor_file, None, IDENTITY, detail=detail))
    return found + lead_findings(pkg)


def lead_findings(pkg: DataPackage) -> list[Finding]:
    """A resource's ``pubkit:lead`` is a list of its fields, each once."""
    found = []
    for n, table in enumerate(pkg.tables):
        declared = table.resource.get(LEAD)
        if declared is None:
            continue
        unknown = [f for f in declared if f not in table.field_names] if isinstance(declared, list) else [declared]
        if unknown or not declared or len(set(map(str, declared))) != len(declared):
            detail = (
                f"resources[{n}] ({table.name}): {LEAD} is a list of distinct fields of the resource, which lead "
                f"its table on the datasheet; {', '.join(map(str, unknown)) or 'this list'} is not"
            )
            found.append(errors.DESCRIPTOR.at(pkg.descriptor_file, None, LEAD, detail=detail))
    return found
