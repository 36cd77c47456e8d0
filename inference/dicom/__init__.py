"""DICOM input: find, choose, check and load one CT series; screen it against the acquisition protocol.

Public API::

    load_series(path, *, series_uid=None) -> CtVolume
    scan_series(path) -> list[SeriesSummary]            # headers only, any modality
    check_protocol(metadata, *, config=ProtocolConfig(), visible_vertebrae=None) -> ProtocolDecision
    unreadable_decision(error) -> ProtocolDecision

Errors all derive from DicomLoadError and read as one line.
"""

from .errors import (
    DicomLoadError,
    DuplicateSliceError,
    InconsistentSeriesError,
    MissingPixelDataError,
    MissingSliceError,
    MissingTagError,
    NoDicomFilesError,
    NotCtError,
    SeriesNotFoundError,
    UnevenSpacingError,
    UnreadableDicomError,
    UnsupportedDicomError,
)
from .loader import load_series
from .metadata import SeriesMetadata
from .protocol import (
    ExclusionReason,
    ProtocolConfig,
    ProtocolConfigError,
    ProtocolDecision,
    ProtocolSubject,
    check_protocol,
    unreadable_decision,
)
from .scan import SeriesSummary, scan_series
from .stack import AXIAL_TOLERANCE_DEG
from .volume import CtVolume

__all__ = [
    "AXIAL_TOLERANCE_DEG",
    "CtVolume",
    "DicomLoadError",
    "DuplicateSliceError",
    "ExclusionReason",
    "InconsistentSeriesError",
    "MissingPixelDataError",
    "MissingSliceError",
    "MissingTagError",
    "NoDicomFilesError",
    "NotCtError",
    "ProtocolConfig",
    "ProtocolConfigError",
    "ProtocolDecision",
    "ProtocolSubject",
    "SeriesMetadata",
    "SeriesNotFoundError",
    "SeriesSummary",
    "UnevenSpacingError",
    "UnreadableDicomError",
    "UnsupportedDicomError",
    "check_protocol",
    "load_series",
    "scan_series",
    "unreadable_decision",
]
