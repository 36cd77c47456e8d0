"""One stored instance as DICOM JSON (PS3.18 F.2), read in one pass without its pixel data.

The file is parsed with pydicom's deferred reading: values larger than ``BULK_THRESHOLD`` (the
pixel data, large private OB) are skipped, not read, and become ``BulkDataURI`` entries. The common
value representations of the top level are converted straight from the raw bytes, which is several
times faster than pydicom's own ``to_json_dict``; sequences, implicit-VR elements whose
representation is ambiguous, and text in character sets other than Latin-1/UTF-8 go through pydicom.
"""

from __future__ import annotations

import base64
import logging
import math
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import BaseTag

from studies.dicomweb import rawheader

log = logging.getLogger(__name__)

BULK_THRESHOLD = 4096  # bytes: a binary value larger than this is a BulkDataURI, not InlineBinary
PIXEL_DATA = 0x7FE00010
TRANSFER_SYNTAX_UID = "00020010"
SPECIFIC_CHARACTER_SET = 0x00080005
UNDEFINED_LENGTH = 0xFFFFFFFF

_TEXT_MULTI = frozenset({"AE", "AS", "CS", "DA", "DT", "LO", "SH", "TM", "UC", "UI"})
_TEXT_SINGLE = frozenset({"LT", "ST", "UT", "UR"})
_CHARSET_VRS = frozenset({"LO", "LT", "PN", "SH", "ST", "UC", "UT"})
_BULK_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
_BINARY_NUMBERS = {"US": "H", "SS": "h", "UL": "I", "SL": "i", "FL": "f", "FD": "d", "UV": "Q", "SV": "q"}
_FAST_CHARSETS = {"": "latin-1", "ISO_IR 6": "latin-1", "ISO 2022 IR 6": "latin-1", "ISO_IR 100": "latin-1"}
_FAST_CHARSETS["ISO_IR 192"] = "utf-8"

BulkUri = Callable[[int], str]  # tag → the URI its value can be fetched from
Element = dict[str, Any]


class _Slow(Exception):
    """This element needs pydicom's conversion."""


def read_header(path: Path) -> Dataset:
    """The data set of ``path`` up to its pixel data, binary values over BULK_THRESHOLD left unread
    (``rawheader``; pydicom's deferred reading for the files it does not handle)."""
    fast = rawheader.read_header(path, defer_over=BULK_THRESHOLD)
    return fast if fast is not None else dcmread(path, defer_size=BULK_THRESHOLD)


def instance_json(path: Path, bulk_uri: BulkUri) -> dict[str, Element]:
    """DICOM JSON of the file at ``path`` with the file meta Transfer Syntax UID."""
    return dataset_json(read_header(path), bulk_uri)


def dataset_json(ds: Dataset, bulk_uri: BulkUri) -> dict[str, Element]:
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    out: dict[str, Element] = {}
    if syntax:
        out[TRANSFER_SYNTAX_UID] = {"vr": "UI", "Value": [str(syntax)]}
    encoding = _encoding(ds)
    # items() gives the elements as read (raw, deferred values left unread), in tag order.
    for tag, element in sorted(ds.items()):
        if tag & 0xFFFF == 0:  # group lengths are not part of DICOM JSON
            continue
        key = f"{tag:08X}"
        try:
            converted = _element_json(ds, tag, element, encoding, bulk_uri)
        except Exception as error:  # a malformed value: left out rather than failing the series
            # The type only: the message of a conversion error quotes the value (patient data).
            log.warning("DICOM JSON: element %s left out (%s)", key, type(error).__name__)
            continue
        if converted is not None:
            out[key] = converted
    return out


def _encoding(ds: Dataset) -> str | None:
    raw = ds.get_item(SPECIFIC_CHARACTER_SET)
    if raw is None:
        return "latin-1"
    value = raw.value
    if isinstance(value, bytes):
        text = value.decode("ascii", "replace").strip(" \x00")
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None  # several character sets (ISO 2022 code extensions): pydicom decodes
    return _FAST_CHARSETS.get(text)


def _element_json(
    ds: Dataset, tag: BaseTag, element: Any, encoding: str | None, bulk_uri: BulkUri
) -> Element | None:
    if tag == PIXEL_DATA:
        return {"vr": _pixel_vr(ds, element), "BulkDataURI": bulk_uri(int(tag))}
    if not isinstance(element, RawDataElement):
        return _slow(ds, tag, bulk_uri)
    vr = element.VR or _dictionary_vr(tag)
    if vr is None or vr == "SQ":
        return _slow(ds, tag, bulk_uri)
    value = element.value
    if vr in _BULK_VRS:
        if element.length == 0:  # pydicom's reader leaves an empty value None, not b""
            return {"vr": vr}
        if value is None or element.length > BULK_THRESHOLD:
            return {"vr": vr, "BulkDataURI": bulk_uri(int(tag))}
        return {"vr": vr, "InlineBinary": base64.b64encode(value).decode("ascii")} if value else {"vr": vr}
    if value is None:  # a deferred (large) value of another representation
        return _slow(ds, tag, bulk_uri)
    try:
        values = _values(vr, value, encoding, element.is_little_endian)
    except _Slow:
        return _slow(ds, tag, bulk_uri)
    return {"vr": vr, "Value": values} if values else {"vr": vr}


def _values(vr: str, value: bytes, encoding: str | None, little_endian: bool) -> list[Any]:
    if not value:
        return []
    if vr in _BINARY_NUMBERS:
        fmt = _BINARY_NUMBERS[vr]
        size = struct.calcsize(fmt)
        if len(value) % size:
            raise _Slow
        numbers = list(struct.unpack(f"{'<' if little_endian else '>'}{len(value) // size}{fmt}", value))
        if fmt in "fd" and not all(math.isfinite(n) for n in numbers):
            raise _Slow
        return numbers
    if vr == "AT":
        if len(value) % 4:
            raise _Slow
        pairs = struct.unpack(f"{'<' if little_endian else '>'}{len(value) // 2}H", value)
        return [f"{pairs[i]:04X}{pairs[i + 1]:04X}" for i in range(0, len(pairs), 2)]
    if encoding is None and vr in _CHARSET_VRS:
        raise _Slow
    try:
        text = value.decode(encoding or "latin-1")
    except UnicodeDecodeError:
        raise _Slow from None
    if vr in _TEXT_SINGLE:
        text = text.rstrip(" \x00")
        return [text] if text else []
    parts = text.split("\\")
    if vr == "PN":
        names = [p.rstrip(" \x00") for p in parts]
        return [{"Alphabetic": n} if n else None for n in names] if any(names) else []
    if vr in ("DS", "IS"):
        return _numbers(vr, parts)
    if vr not in _TEXT_MULTI:
        raise _Slow
    if len(parts) == 1:  # the common case
        single = parts[0].strip(" \x00" if vr == "UI" else " ")
        return [single] if single else []
    strip = " \x00" if vr == "UI" else " "
    cleaned: list[str | None] = [p.strip(strip) or None for p in parts]
    return cleaned if any(c is not None for c in cleaned) else []


def _numbers(vr: str, parts: list[str]) -> list[int | float | None]:
    numbers: list[int | float | None] = []
    empty = True
    for part in parts:
        text = part.strip(" \x00")
        if not text:
            numbers.append(None)
            continue
        empty = False
        try:
            numbers.append(int(text))
            continue
        except ValueError:
            if vr == "IS":
                raise _Slow from None
        try:
            number = float(text)
        except ValueError:
            raise _Slow from None
        if not math.isfinite(number):
            raise _Slow
        numbers.append(number)
    return [] if empty else numbers


def _dictionary_vr(tag: BaseTag) -> str | None:
    """The registered VR of a public tag when unambiguous; None otherwise (private, "US or SS")."""
    if tag.is_private:
        return None
    try:
        vr = dictionary_VR(tag)
    except KeyError:
        return None
    return vr if " " not in vr else None


def _pixel_vr(ds: Dataset, element: Any) -> str:
    vr = element.VR
    if vr in ("OB", "OW"):
        return str(vr)
    if isinstance(element, RawDataElement) and element.length == UNDEFINED_LENGTH:
        return "OB"
    bits = ds.get("BitsAllocated")
    return "OW" if bits is None or int(bits) > 8 else "OB"


def _slow(ds: Dataset, tag: BaseTag, bulk_uri: BulkUri) -> Element | None:
    """pydicom's conversion; nested binary values stay inline (they have no URI of their own)."""
    element = ds[tag]
    if element.VR in _BULK_VRS:
        value = element.value
        if value is not None and len(value) > BULK_THRESHOLD:
            return {"vr": element.VR, "BulkDataURI": bulk_uri(int(tag))}
    converted: Element = element.to_json_dict(bulk_data_element_handler=None, bulk_data_threshold=1 << 30)
    return converted
