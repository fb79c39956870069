"""A resource's ``pubkit:identity``: the fields that say what each of its primary keys identifies.

Reads the descriptor; writes nothing. SemVer (``pubkit.releases.semver``) uses the declaration to say
whether a changed row is a correction of the same thing or a new thing under a reused key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pubkit.base import errors
from pubkit.base.findings import Finding

if TYPE_CHECKING:
    from pubkit.standard.descriptor import DataPackage

IDENTITY = "pubkit:identity"  # a resource's fields that say what each of its keys identifies


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
    return found
