"""``load_series``: a folder of DICOM files to one checked CT volume in HU with its LPS affine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import values
from .errors import MissingPixelDataError, NoDicomFilesError, UnreadableDicomError
from .headers import SliceHeader
from .metadata import build_metadata
from .pixels import Rescale, assemble_hu, rescale_of
from .scan import FolderScan, scan_folder, summarize
from .selection import SeriesChoice, choose_series
from .stack import SliceOrder, build_affine, check_same_grid, order_slices
from .volume import CtVolume


def load_series(path: Path, *, series_uid: str | None = None) -> CtVolume:
    """Load one CT series from a folder (any names, nested folders, junk files skipped).

    Without ``series_uid`` the preferred CT series is chosen: axial first (normal within 10° of z),
    then most slices, smallest spacing, lowest SeriesNumber. Raises a DicomLoadError subclass.
    """
    scan = scan_folder(Path(path))
    _raise_for_unreadable(scan)
    skipped = len(scan.skipped)
    if not scan.series:
        raise NoDicomFilesError(f"{path}: no DICOM image files found ({skipped} other files skipped)")
    choice = _choose(scan, series_uid)
    headers = scan.series[choice.chosen.series_instance_uid]
    return _build_volume(
        headers,
        series_uid=choice.chosen.series_instance_uid,
        other_series_uids=[s.series_instance_uid for s in choice.other_candidates],
        skipped_files=skipped,
    )


def _raise_for_unreadable(scan: FolderScan) -> None:
    # A damaged file may be a slice of the series we are about to load, so never load around it.
    if scan.unreadable:
        first = scan.unreadable[0]
        more = len(scan.unreadable) - 1
        raise UnreadableDicomError(
            first.path, first.reason + (f" (and {more} more unreadable files)" if more else "")
        )


def _choose(scan: FolderScan, series_uid: str | None) -> SeriesChoice:
    summaries = [summarize(uid, headers) for uid, headers in scan.series.items()]
    return choose_series(summaries, series_uid=series_uid)


def _build_volume(
    headers: Sequence[SliceHeader], *, series_uid: str, other_series_uids: Sequence[str], skipped_files: int
) -> CtVolume:
    for header in headers:
        if not header.has_pixel_data:
            raise MissingPixelDataError(header.path)
    geometries = [header.require_geometry() for header in headers]
    paths = [header.path for header in headers]
    check_same_grid(geometries, paths, series_uid=series_uid)
    order = order_slices(geometries, paths, single_slice_spacing_mm=_header_spacing(headers[0]))
    ordered = [headers[i] for i in order.indices]
    rescales, rescale_warnings = _rescales(ordered)
    first = geometries[order.indices[0]]
    hu = assemble_hu(ordered, rescales, rows=first.rows, columns=first.columns)
    metadata = build_metadata(
        ordered[0].dataset,
        series_uid=series_uid,
        sop_instance_uids=[h.sop_instance_uid or "" for h in ordered],
        slice_spacing_mm=_spacing(order),
        other_series_uids=other_series_uids,
        skipped_files=skipped_files,
    )
    return CtVolume(
        hu=hu,
        affine=build_affine(first, order.step),
        metadata=metadata,
        warnings=order.warnings + rescale_warnings,
    )


def _rescales(headers: Sequence[SliceHeader]) -> tuple[list[Rescale], tuple[str, ...]]:
    rescales: list[Rescale] = []
    missing = 0
    for header in headers:
        rescale = rescale_of(header.dataset)
        if rescale is None:
            missing += 1
            rescale = Rescale(slope=1.0, intercept=0.0)
        rescales.append(rescale)
    if not missing:
        return rescales, ()
    return rescales, (f"{missing} slice(s) without RescaleSlope/RescaleIntercept: stored values used as HU",)


def _header_spacing(header: SliceHeader) -> float | None:
    return values.number(header.dataset, "SpacingBetweenSlices") or values.number(
        header.dataset, "SliceThickness"
    )


def _spacing(order: SliceOrder) -> float | None:
    return order.spacing_mm if len(order.indices) > 1 else None
