"""Zip archives, opened member by member into a private staging folder and refused where they could harm.

Nothing is trusted from the archive: member names never become paths (each member is written to a
numbered file in a folder of our own), sizes from the headers are checked before reading and the
bytes really written are counted again while writing. Only one member is on disk at a time: it is
deleted when the next one is asked for, and the folder when the iteration ends or is closed.
"""

from __future__ import annotations

import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from studies.ingest.headers import IngestError

CHUNK_BYTES = 1 << 20
# Small members may compress far better than the ratio cap (a blank 64 KiB image does) and cannot
# do harm on their own; the total expanded size still counts them.
RATIO_FLOOR_BYTES = 1 << 20
READ_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
JUNK_DIRECTORIES = frozenset({"__MACOSX"})
# Operating-system litter (also macOS "._" resource forks) and media index files (DICOMDIR lists
# the files of a CD, it is not an image).
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "DICOMDIR"})

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_MAGICS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"PK\x03\x04", "zip"),
    (0, _EOCD, "zip"),
    (0, b"PK\x07\x08", "zip"),
    (0, b"\x1f\x8b", "gzip"),
    (0, b"BZh", "bzip2"),
    (0, b"\xfd7zXZ\x00", "xz"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (0, b"Rar!\x1a\x07", "RAR"),
    (257, b"ustar", "tar"),
)
SNIFF_BYTES = 512
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveError(IngestError):
    """The whole archive is refused (unreadable, too many members, expands too far)."""


@dataclass(frozen=True)
class ArchiveMember:
    name: str  # "<archive name>/<member name>", as shown in reports
    path: Path | None  # the extracted file, None when refused; gone once the next member is asked for
    error: str = ""
    packed_size: int = 0  # bytes of the archive this member took up (for progress)


def archive_kind(head: bytes) -> str | None:
    """The archive format ("zip", "gzip", …) that a file starting with ``head`` is in, or None."""
    if head[128:132] == b"DICM":  # a DICOM preamble is free-form and may start like an archive
        return None
    for offset, magic, kind in _MAGICS:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return None


def file_archive_kind(path: Path) -> str | None:
    with path.open("rb") as handle:
        return archive_kind(handle.read(SNIFF_BYTES))


def is_junk(name: str) -> bool:
    parts = [part for part in re.split(r"[/\\]", name) if part]
    if not parts:
        return True
    last = parts[-1]
    return any(part in JUNK_DIRECTORIES for part in parts[:-1]) or last in JUNK_FILES or last.startswith("._")


def extract_zip(archive: Path, *, label: str, staging_dir: Path) -> Generator[ArchiveMember, None, None]:
    """Extract ``archive`` one member at a time. Refused members come back with an ``error``;
    ArchiveError when the whole archive is refused, before any member. Close the iterator when
    stopping early (``contextlib.closing``) so that the staging folder goes at once."""
    max_members = settings.VCF_ARCHIVE_MAX_MEMBERS
    max_expanded = settings.VCF_ARCHIVE_MAX_EXPANDED_BYTES
    try:
        with archive.open("rb") as handle:
            declared = _declared_entry_count(handle)
        if declared is not None and declared > max_members:
            raise _too_many(declared, max_members)
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise ArchiveError(f"not a readable zip archive ({error})") from None
    with zf:
        folder = Path(tempfile.mkdtemp(prefix="zip-", dir=staging_dir))
        try:
            entries = zf.infolist()
            if len(entries) > max_members:
                raise _too_many(len(entries), max_members)
            members = [info for info in entries if not info.is_dir() and not is_junk(info.filename)]
            declared_bytes = sum(info.file_size for info in members)
            if declared_bytes > max_expanded:
                raise ArchiveError(
                    f"archive would expand to {size_text(declared_bytes)}, "
                    f"more than the limit of {size_text(max_expanded)}"
                )
            for number, info in enumerate(members):
                shown = f"{label}/{info.filename}"
                problem = _member_problem(info)
                if problem:
                    yield ArchiveMember(shown, None, problem, info.compress_size)
                    continue
                target = folder / f"{number:08d}"
                try:
                    _write_member(zf, info, target)
                except _MemberRefused as error:
                    target.unlink(missing_ok=True)
                    yield ArchiveMember(shown, None, str(error), info.compress_size)
                    continue
                except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                    target.unlink(missing_ok=True)
                    yield ArchiveMember(shown, None, f"corrupt archive member ({error})", info.compress_size)
                    continue
                try:
                    yield ArchiveMember(shown, target, "", info.compress_size)
                finally:
                    target.unlink(missing_ok=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def _too_many(count: int, limit: int) -> ArchiveError:
    return ArchiveError(f"archive holds {count} entries, more than the limit of {limit}")


class _MemberRefused(Exception):
    pass


def _member_problem(info: zipfile.ZipInfo) -> str:
    name = info.filename
    parts = re.split(r"[/\\]", name)
    if "\x00" in name or name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
        return "unsafe path in archive (absolute or leading out of the archive): refused"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link in archive: refused"
    if info.flag_bits & 0x1:
        return "encrypted archive member: cannot be read"
    if info.compress_type not in READ_METHODS:
        return f"compression method {info.compress_type} is not supported (use deflate or store)"
    ratio = settings.VCF_ARCHIVE_MAX_RATIO
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio * max(info.compress_size, 1):
        return f"compression ratio above {ratio}:1: refused as a possible zip bomb"
    return ""


def _write_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Write one member, counting the real bytes: none may go past the member's declared size, so the
    checks made on declared sizes (ratio, total) hold for what is really written."""
    written = 0
    with zf.open(info) as source, target.open("xb") as out:
        while chunk := source.read(CHUNK_BYTES):
            if written == 0 and (kind := archive_kind(chunk[:SNIFF_BYTES])) is not None:
                raise _MemberRefused(f"archive inside archive ({kind}): not expanded, unpack it first")
            written += len(chunk)
            if written > info.file_size:
                raise _MemberRefused("member is larger than its header says: refused")
            out.write(chunk)


def _declared_entry_count(handle: BinaryIO) -> int | None:
    """The entry count in the end-of-central-directory record, read before ``zipfile`` builds an
    object per entry (which a directory of millions of entries would make cost gigabytes)."""
    size = handle.seek(0, 2)
    tail_length = min(size, 22 + 0xFFFF)
    handle.seek(size - tail_length)
    tail = handle.read(tail_length)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None  # zipfile will say what is wrong
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    if entries != 0xFFFF:
        return int(entries)
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR:
        return None
    (offset,) = struct.unpack_from("<Q", tail, locator + 8)
    handle.seek(offset)
    record = handle.read(40)
    if len(record) < 40 or record[:4] != _ZIP64_EOCD:
        return None
    return int(struct.unpack_from("<Q", record, 32)[0])
