"""A CSV table's bytes as the reader takes them: reads a resource's files, writes nothing.

Decoded from a declared encoding into UTF-8, without a byte-order mark unless the package
is strict, and the parts of a multipart resource joined as frictionless joins them.
"""

from __future__ import annotations

from pubkit.base import errors
from pubkit.base.findings import CheckFailed
from pubkit.standard.csvscan import BOM
from pubkit.standard.descriptor import DataPackage, Table
from pubkit.standard.files import table_bytes


def multipart(pkg: DataPackage, table: Table) -> tuple[bytes, tuple]:
    """The parts of a multipart resource as one file, as frictionless reads them: each later part's first
    line (its header) is left out. Returns the bytes, and where each part starts: (line, path, shift)."""
    chunks, starts, line = [], [], 1
    for number, part in enumerate(table.parts):
        data = utf8(table, table_bytes(pkg.root, part, table.resource))
        shift = line - 1
        if number:
            data = data.split(b"\n", 1)[1] if b"\n" in data else b""
            shift -= 1  # its line 1, the header, is not in the whole
        if chunks and not chunks[-1].endswith(b"\n"):
            chunks[-1] += b"\n"
        chunks.append(data)
        starts.append((line, part, shift))
        line += data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return b"".join(chunks), tuple(starts)


def utf8(table: Table, data: bytes) -> bytes:
    """The file's bytes as UTF-8: decoded from a declared encoding, and without a BOM unless the package is strict.

    frictionless reads a UTF-8 file that starts with a byte-order mark as ``utf-8-sig``; a strict
    package (``pubkit:strict``) refuses the mark instead, so that its files stay byte-stable.
    """
    encoding = str(table.resource.get("encoding", "utf-8")).lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        try:
            return data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            detail = (
                f"is not {encoding}: byte 0x{data[err.start]:02x} cannot be decoded; the resource declares {encoding}"
            )
            raise CheckFailed([errors.ENCODING.at(table.path, line, detail=detail)]) from None
    if not table.strict and data.startswith(BOM.encode()):
        return data[len(BOM.encode()) :]
    return data
