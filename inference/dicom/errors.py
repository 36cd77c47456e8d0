"""Why a DICOM series could not be loaded.

Every error is a :class:`DicomLoadError` whose ``str()`` is one readable line, fit for a log, the
CLI's stderr and the web app's status column.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def _one_line(text: str) -> str:
    return " ".join(text.split())


class DicomLoadError(Exception):
    """Base class: the input cannot be turned into a CT volume."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))

    @property
    def message(self) -> str:
        return str(self)


class NoDicomFilesError(DicomLoadError):
    """The path holds no DICOM image file at all (empty, only junk, only non-image objects)."""


class SeriesNotFoundError(DicomLoadError):
    """A series was asked for by UID and is not in the folder."""

    def __init__(self, series_uid: str, available: Iterable[str]) -> None:
        self.series_uid = series_uid
        self.available = tuple(available)
        listed = ", ".join(self.available) if self.available else "none"
        super().__init__(f"series {series_uid} not found; series present: {listed}")


class NotCtError(DicomLoadError):
    """Image series exist, but none of the eligible ones is CT."""

    def __init__(self, modalities: Iterable[str], *, detail: str = "") -> None:
        self.modalities = tuple(sorted(set(modalities)))
        found = ", ".join(self.modalities) if self.modalities else "unknown"
        prefix = f"{detail}; " if detail else ""
        super().__init__(f"{prefix}no CT image series (modalities found: {found})")


class MissingTagError(DicomLoadError):
    """A tag the volume cannot be built without is absent or malformed."""

    def __init__(self, tag: str, path: Path) -> None:
        self.tag = tag
        self.path = path
        super().__init__(f"{path}: required tag {tag} is missing or malformed")


class MissingPixelDataError(DicomLoadError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path}: CT image has no pixel data")


class UnreadableDicomError(DicomLoadError):
    """A file is truncated, or its pixel data cannot be decoded."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"{path}: {reason}")


class UnsupportedDicomError(DicomLoadError):
    """Readable, but a kind of image this loader deliberately does not handle (e.g. multi-frame)."""


class InconsistentSeriesError(DicomLoadError):
    """Files sharing a SeriesInstanceUID disagree on the image grid (two series mixed under one UID)."""


class DuplicateSliceError(DicomLoadError):
    """Two different images lie at the same position along the slice normal."""


class MissingSliceError(DicomLoadError):
    """A gap in the slice positions: at least one slice is absent."""


class UnevenSpacingError(DicomLoadError):
    """Slice positions are not evenly spaced, so one affine cannot describe the volume."""
