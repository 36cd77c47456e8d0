"""Find the DICOM images under a path, group them by series and summarise each series from headers.

``scan_series`` never decodes a pixel, so callers can report on series that ``load_series``
refuses (for instance the protocol filter's ``not_ct``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import values
from .errors import NoDicomFilesError
from .headers import Skipped, SliceGeometry, SliceHeader, Unreadable, read_header
from .metadata import SeriesMetadata, build_metadata
from .stack import AXIAL_TOLERANCE_DEG, is_axial, median_step_mm, slice_normal


@dataclass(frozen=True)
class FolderScan:
    """Every file under the path, sorted into image series, skipped files and unreadable files."""

    series: dict[str, tuple[SliceHeader, ...]]
    skipped: tuple[Skipped, ...]
    unreadable: tuple[Unreadable, ...]


@dataclass(frozen=True)
class SeriesSummary:
    """One series as its headers describe it; ``metadata`` is the same type a loaded volume carries."""

    metadata: SeriesMetadata
    is_axial: bool | None  # None when a slice has no usable orientation/position
    files: tuple[Path, ...]

    @property
    def series_instance_uid(self) -> str:
        return self.metadata.series_instance_uid

    @property
    def modality(self) -> str | None:
        return self.metadata.modality

    @property
    def is_ct(self) -> bool:
        return (self.metadata.modality or "").upper() == "CT"

    @property
    def number_of_slices(self) -> int:
        return self.metadata.number_of_slices


def iter_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        yield root
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            yield Path(directory) / name


def scan_folder(path: Path) -> FolderScan:
    if not path.exists():
        raise NoDicomFilesError(f"{path}: no such file or folder")
    series: dict[str, list[SliceHeader]] = {}
    seen_instances: set[tuple[str, str]] = set()
    skipped: list[Skipped] = []
    unreadable: list[Unreadable] = []
    for file in iter_files(path):
        result = read_header(file)
        if isinstance(result, Skipped):
            skipped.append(result)
        elif isinstance(result, Unreadable):
            unreadable.append(result)
        else:
            key = (result.series_uid, result.sop_instance_uid or str(file))
            if key in seen_instances:
                skipped.append(Skipped(file, "second copy of an instance already read"))
                continue
            seen_instances.add(key)
            series.setdefault(result.series_uid, []).append(result)
    return FolderScan(
        series={uid: tuple(headers) for uid, headers in series.items()},
        skipped=tuple(skipped),
        unreadable=tuple(unreadable),
    )


def summarize(
    series_uid: str,
    headers: Sequence[SliceHeader],
    *,
    other_series_uids: Sequence[str] = (),
    skipped_files: int = 0,
) -> SeriesSummary:
    geometries = [h.geometry for h in headers]
    complete = [g for g in geometries if g is not None]
    ordered = _header_order(headers, complete if len(complete) == len(headers) else None)
    first = headers[ordered[0]]
    metadata = build_metadata(
        first.dataset,
        series_uid=series_uid,
        sop_instance_uids=[headers[i].sop_instance_uid or "" for i in ordered],
        slice_spacing_mm=_spacing(complete) if len(complete) == len(headers) else None,
        other_series_uids=other_series_uids,
        skipped_files=skipped_files,
    )
    axial = is_axial(complete[0].orientation, tolerance_deg=AXIAL_TOLERANCE_DEG) if complete else None
    return SeriesSummary(metadata=metadata, is_axial=axial, files=tuple(headers[i].path for i in ordered))


def scan_series(path: Path) -> list[SeriesSummary]:
    """Headers-only summary of every image series under ``path``, in the order load_series prefers.

    An empty list when there is no DICOM image; unreadable files are counted in ``skipped_files``.
    """
    scan = scan_folder(Path(path))
    skipped = len(scan.skipped) + len(scan.unreadable)
    summaries = [
        summarize(uid, headers, other_series_uids=[o for o in scan.series if o != uid], skipped_files=skipped)
        for uid, headers in scan.series.items()
    ]
    return sorted(summaries, key=preference_key)


def preference_key(summary: SeriesSummary) -> tuple[bool, bool, int, float, int, str]:
    """Sort key, best first: CT, axial, most slices, smallest spacing, lowest SeriesNumber."""
    metadata = summary.metadata
    spacing = metadata.slice_spacing_mm if metadata.slice_spacing_mm is not None else float("inf")
    series_number = metadata.series_number if metadata.series_number is not None else 2**31
    return (
        not summary.is_ct,
        not summary.is_axial,
        -metadata.number_of_slices,
        spacing,
        series_number,
        metadata.series_instance_uid,
    )


def _header_order(headers: Sequence[SliceHeader], geometries: Sequence[SliceGeometry] | None) -> list[int]:
    """Along the slice normal when every slice has geometry, else by InstanceNumber, then file name."""
    if geometries:
        normal = slice_normal(geometries[0].orientation)
        projections = np.array([g.position for g in geometries]) @ normal
        return [int(i) for i in np.argsort(projections, kind="stable")]

    def instance(index: int) -> tuple[int, str]:
        number = values.integer(headers[index].dataset, "InstanceNumber")
        return (number if number is not None else 0, headers[index].path.name)

    return sorted(range(len(headers)), key=instance)


def _spacing(geometries: Sequence[SliceGeometry]) -> float | None:
    step = median_step_mm(geometries)
    return None if step is None else abs(step)
