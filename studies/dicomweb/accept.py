"""Content negotiation of WADO-RS (PS3.18 8.7): what a client's Accept header lets us send.

Frames and bulk data: ``multipart/related; type="application/octet-stream"`` gives native Explicit
VR Little Endian frames (decoded when stored compressed) unless the range names
``transfer-syntax=*`` or the stored syntax, in which case frames go as stored. The image types of
the compressed syntaxes (``image/jls``, ``image/jp2``, ...) are accepted when the stored syntax is
one of theirs. ``*/*`` (or no Accept) means native frames.

Instances: ``multipart/related; type="application/dicom"`` gives the stored file when it is native
little endian, or when the range says ``transfer-syntax=*`` or the stored syntax; otherwise the
instance is decoded to Explicit VR Little Endian.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from studies.dicomweb.errors import NotAcceptable

OCTET_STREAM = "application/octet-stream"
DICOM = "application/dicom"
NATIVE = str(ExplicitVRLittleEndian)
NATIVE_SYNTAXES = frozenset({NATIVE, str(ImplicitVRLittleEndian)})

# PS3.18 Table 8.7.3-5: the image media types of compressed transfer syntaxes.
IMAGE_TYPES: dict[str, tuple[str, ...]] = {
    "1.2.840.10008.1.2.4.50": ("image/jpeg",),
    "1.2.840.10008.1.2.4.51": ("image/jpeg",),
    "1.2.840.10008.1.2.4.57": ("image/jpeg",),
    "1.2.840.10008.1.2.4.70": ("image/jpeg", "image/jll"),
    "1.2.840.10008.1.2.4.80": ("image/jls", "image/x-jls"),
    "1.2.840.10008.1.2.4.81": ("image/jls", "image/x-jls"),
    "1.2.840.10008.1.2.4.90": ("image/jp2",),
    "1.2.840.10008.1.2.4.91": ("image/jp2",),
    "1.2.840.10008.1.2.4.92": ("image/jpx",),
    "1.2.840.10008.1.2.4.93": ("image/jpx",),
    "1.2.840.10008.1.2.5": ("image/dicom-rle", "image/x-dicom-rle"),
}


@dataclass(frozen=True)
class MediaRange:
    media_type: str  # the part type: "multipart/related; type=X" gives X
    params: dict[str, str] = field(default_factory=dict)
    quality: float = 1.0

    @property
    def transfer_syntax(self) -> str | None:
        return self.params.get("transfer-syntax")


@dataclass(frozen=True)
class Choice:
    """What to send: each part's media type, its transfer syntax, and whether to send as stored."""

    media_type: str
    transfer_syntax: str
    as_stored: bool

    @property
    def part_content_type(self) -> str:
        return f"{self.media_type}; transfer-syntax={self.transfer_syntax}"


def _split(header: str, separator: str) -> list[str]:
    """Split on ``separator`` outside double quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_accept(header: str | None) -> list[MediaRange]:
    """The Accept header's ranges, best first; ``multipart/related`` unwrapped to its ``type``."""
    if not header or not header.strip():
        return [MediaRange("*/*")]
    ranges = []
    for item in _split(header, ","):
        parts = _split(item, ";")
        if not parts:  # ";;" alone: no media range
            continue
        media_type, *raw_params = parts
        params: dict[str, str] = {}
        for raw in raw_params:
            name, _, value = raw.partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 1.0
        media_type = media_type.lower()
        if media_type == "multipart/related":
            media_type = params.pop("type", "").lower() or "*"
        if media_type == "*":
            media_type = "*/*"
        if quality > 0:
            ranges.append(MediaRange(media_type, params, quality))
    ranges.sort(key=lambda r: -r.quality)
    return ranges


def choose_frames(header: str | None, stored_syntax: str) -> Choice:
    """How to send frames (and pixel bulk data) of an instance stored in ``stored_syntax``."""
    compressed = stored_syntax not in NATIVE_SYNTAXES
    for item in parse_accept(header):
        asked = item.transfer_syntax
        if item.media_type in ("*/*", OCTET_STREAM, "application/*"):
            if (asked == "*" and item.media_type == OCTET_STREAM) or asked == stored_syntax:
                return _stored(stored_syntax)
            if asked in (None, NATIVE) or (asked == "*" and not compressed):
                return Choice(OCTET_STREAM, NATIVE, as_stored=not compressed)
            if asked == "*":  # */* with any syntax: the stored compression, as its image type
                return _stored(stored_syntax)
            continue
        types = IMAGE_TYPES.get(stored_syntax, ())
        if (item.media_type in types or (item.media_type == "image/*" and types)) and asked in (
            None,
            "*",
            stored_syntax,
        ):
            media_type = item.media_type if item.media_type != "image/*" else types[0]
            return Choice(media_type, stored_syntax, as_stored=True)
    offer = f'multipart/related; type="{OCTET_STREAM}"'
    if compressed:
        kinds = ", ".join(f'multipart/related; type="{t}"' for t in IMAGE_TYPES.get(stored_syntax, ()))
        offer += f" (transfer-syntax {NATIVE}, * or {stored_syntax})" + (f", {kinds}" if kinds else "")
    raise NotAcceptable(f"frames of this instance can be sent as {offer}; the Accept header asks for none")


def _stored(stored_syntax: str) -> Choice:
    if stored_syntax in NATIVE_SYNTAXES:
        return Choice(OCTET_STREAM, NATIVE, as_stored=True)
    return Choice(OCTET_STREAM, stored_syntax, as_stored=True)


def choose_instances(header: str | None) -> str | None:
    """For whole instances: the transfer syntax asked ("*" for any, None for the default, native),
    or NotAcceptable when no range accepts application/dicom."""
    for item in parse_accept(header):
        if item.media_type in ("*/*", DICOM, "application/*"):
            asked = item.transfer_syntax
            if item.media_type != DICOM and asked is None:
                return "*"  # anything goes: the files as stored
            return asked
    raise NotAcceptable(
        f'instances are sent as multipart/related; type="{DICOM}"; the Accept header asks for none'
    )
