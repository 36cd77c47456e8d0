"""Building zip archives for tests, including the malformed kinds a real archiver will not write."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

Member = tuple[str | zipfile.ZipInfo, bytes]


def write_zip(path: Path, members: Iterable[Member], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                archive.writestr(name, data, compress_type=method)
    return path


def folder_members(folder: Path, prefix: str = "") -> list[Member]:
    return [(f"{prefix}{file.name}", file.read_bytes()) for file in sorted(folder.glob("*.dcm"))]


def patch_member(
    path: Path, name: str, *, flag_bits: int | None = None, file_size: int | None = None
) -> None:
    """Rewrite header fields of ``name`` in both its local and its central directory header."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, flags_at, size_at, name_at in ((b"PK\x03\x04", 6, 22, 30), (b"PK\x01\x02", 8, 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                if flag_bits is not None:
                    (flags,) = struct.unpack_from("<H", data, at + flags_at)
                    struct.pack_into("<H", data, at + flags_at, flags | flag_bits)
                if file_size is not None:
                    struct.pack_into("<I", data, at + size_at, file_size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
