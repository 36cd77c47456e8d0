"""A fast reader of a DICOM file's header: one read, elements kept raw, bulk values left unread.

It walks the elements itself (Explicit or Implicit VR Little Endian, and the encapsulated syntaxes,
whose data sets are Explicit VR Little Endian) and hands pydicom a ``Dataset`` of
``RawDataElement``\\ s, as ``dcmread`` would build, at a fraction of the cost. Values of the bulk
representations (OB, OW, UN, ...) over ``defer_over`` bytes are not read: their element keeps the
value's file offset (``value_tell``) and ``None``. The walk stops at Pixel Data. Anything it does
not handle (big endian, deflate, no preamble, a truncated or odd file) returns None, and the caller
uses pydicom's reader.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.tag import Tag
from pydicom.uid import UID, ImplicitVRLittleEndian
from pydicom.valuerep import VR

PIXEL_DATA = 0x7FE00010
UNDEFINED = 0xFFFFFFFF
ITEM, ITEM_END, SEQUENCE_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD
_LONG_VRS = frozenset(
    {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
)
_BULK_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
_KNOWN_VRS = frozenset(vr.value.encode("ascii") for vr in VR if len(vr.value) == 2)
_READABLE = frozenset({"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"})  # and every encapsulated syntax
_FIRST_READ = 1 << 16
_TAG_LENGTH = struct.Struct("<HHI")
_TAG_VR_SHORT = struct.Struct("<HH2sH")
_LONG_LENGTH = struct.Struct("<I")


class _Unhandled(Exception):
    pass


class _Buffer:
    """The file's bytes, read further on demand."""

    def __init__(self, fp: object, first: bytes) -> None:
        self.fp = fp
        self.data = bytearray(first)

    def need(self, end: int) -> None:
        while len(self.data) < end:
            more = self.fp.read(max(_FIRST_READ, end - len(self.data)))  # type: ignore[attr-defined]
            if not more:
                raise _Unhandled("file ends inside an element")
            self.data += more


def read_header(path: Path, *, defer_over: int) -> Dataset | None:
    try:
        with path.open("rb") as fp:
            buffer = _Buffer(fp, fp.read(_FIRST_READ))
            return _parse(buffer, defer_over)
    except (_Unhandled, struct.error, KeyError, ValueError, RecursionError):  # deeply nested sequences
        return None


def _parse(buffer: _Buffer, defer_over: int) -> Dataset:
    buffer.need(132)
    if buffer.data[128:132] != b"DICM":
        raise _Unhandled("no preamble")
    meta: dict[int, RawDataElement] = {}
    position = _elements(buffer, 132, meta, implicit=False, defer_over=defer_over, group=2)
    syntax_raw = meta.get(0x00020010)
    if syntax_raw is None or syntax_raw.value is None:
        raise _Unhandled("no transfer syntax")
    syntax = _uid(syntax_raw.value.decode("ascii").strip(" \x00"))
    if syntax not in _READABLE and not syntax.is_encapsulated:
        raise _Unhandled(f"transfer syntax {syntax}")
    implicit = syntax == ImplicitVRLittleEndian
    elements: dict[int, RawDataElement] = {}
    _elements(buffer, position, elements, implicit=implicit, defer_over=defer_over)
    ds = Dataset({element.tag: element for element in elements.values()})
    ds.file_meta = FileMetaDataset({element.tag: element for element in meta.values()})  # raw: no checks
    ds.set_original_encoding(implicit, True, None)
    return ds


@lru_cache(maxsize=64)
def _uid(value: str) -> UID:
    return UID(value)


def _elements(
    buffer: _Buffer,
    position: int,
    out: dict[int, RawDataElement],
    *,
    implicit: bool,
    defer_over: int,
    group: int | None = None,
) -> int:
    """Read top-level elements from ``position`` into ``out`` (only ``group`` when given) until
    Pixel Data, the end of the file or another group; returns where it stopped."""
    data = buffer.data
    while True:
        try:
            buffer.need(position + 8)
        except _Unhandled:
            return position  # a clean end of file
        data = buffer.data
        group_number, element_number = struct.unpack_from("<HH", data, position)
        tag = group_number << 16 | element_number
        if group is not None and group_number != group:
            return position
        if implicit:
            _, _, length = _TAG_LENGTH.unpack_from(data, position)
            vr = _implicit_vr(tag)
            header = 8
        else:
            _, _, vr_bytes, short = _TAG_VR_SHORT.unpack_from(data, position)
            if vr_bytes not in _KNOWN_VRS:  # a damaged file: pydicom's reader says what it makes of it
                raise _Unhandled(f"unknown VR {vr_bytes!r}")
            vr = vr_bytes.decode("ascii")
            if vr_bytes in _LONG_VRS:
                buffer.need(position + 12)
                (length,) = _LONG_LENGTH.unpack_from(buffer.data, position + 8)
                header = 12
            else:
                length, header = short, 8
        start = position + header
        if tag == PIXEL_DATA:
            value = None if length == UNDEFINED or length > defer_over else _value(buffer, start, length)
            out[tag] = RawDataElement(Tag(tag), vr, length, value, start, implicit, True)
            return start
        if length == UNDEFINED:
            if not implicit and vr != "SQ":  # e.g. UN of undefined length: implicit VR inside
                raise _Unhandled(f"undefined length for VR {vr}")
            end = _skip_undefined(buffer, start, implicit)
            value = bytes(buffer.data[start:end])
            out[tag] = RawDataElement(Tag(tag), "SQ", UNDEFINED, value, start, implicit, True)
            position = end + 8  # past the sequence delimiter
            continue
        if vr in _BULK_VRS and length > defer_over:
            out[tag] = RawDataElement(Tag(tag), vr, length, None, start, implicit, True)
        else:
            out[tag] = RawDataElement(
                Tag(tag), vr, length, _value(buffer, start, length), start, implicit, True
            )
        position = start + length


def _value(buffer: _Buffer, start: int, length: int) -> bytes:
    buffer.need(start + length)
    return bytes(buffer.data[start : start + length])


def _implicit_vr(tag: int) -> str | None:
    """The dictionary VR; None (pydicom decides) for private and ambiguous ones."""
    if (tag >> 16) % 2 == 1:
        return None
    try:
        vr = dictionary_VR(tag)
    except KeyError:
        return None
    return None if " " in vr else vr


def _skip_undefined(buffer: _Buffer, position: int, implicit: bool) -> int:
    """The position of the Sequence Delimitation Item ending the value that starts at ``position``."""
    while True:
        buffer.need(position + 8)
        group_number, element_number, length = _TAG_LENGTH.unpack_from(buffer.data, position)
        tag = group_number << 16 | element_number
        if tag == SEQUENCE_END:
            return position
        if tag != ITEM:
            raise _Unhandled(f"unexpected tag {tag:08X} in a sequence")
        position += 8
        position = _skip_item(buffer, position, implicit) if length == UNDEFINED else position + length


def _skip_item(buffer: _Buffer, position: int, implicit: bool) -> int:
    """Past the Item Delimitation Item of an undefined-length item starting at ``position``."""
    while True:
        buffer.need(position + 8)
        data = buffer.data
        group_number, element_number = struct.unpack_from("<HH", data, position)
        tag = group_number << 16 | element_number
        if tag == ITEM_END:
            return position + 8
        if implicit:
            (length,) = _LONG_LENGTH.unpack_from(data, position + 4)
            header = 8
        else:
            vr_bytes = bytes(data[position + 4 : position + 6])
            if vr_bytes in _LONG_VRS:
                buffer.need(position + 12)
                (length,) = _LONG_LENGTH.unpack_from(buffer.data, position + 8)
                header = 12
            else:
                (length,) = struct.unpack_from("<H", data, position + 6)
                header = 8
        position += header
        position = (
            _skip_undefined(buffer, position, implicit) + 8 if length == UNDEFINED else position + length
        )
