"""Small synthetic DICOM series for the loader and protocol tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    PYDICOM_IMPLEMENTATION_UID,
    UID,
    CTImageStorage,
    ExplicitVRLittleEndian,
    JPEGLosslessSV1,
    MRImageStorage,
    generate_uid,
)

from .jpeg_lossless import encode_jpeg_lossless

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)

Rescale = tuple[float, float]


def constant_rescale(slope: float = 1.0, intercept: float = -1024.0) -> Callable[[int], Rescale]:
    return lambda k: (slope, intercept)


@dataclass(frozen=True)
class SeriesSpec:
    slices: int = 12
    rows: int = 64
    columns: int = 48
    pixel_spacing: tuple[float, float] = (0.8, 0.7)  # (row spacing, column spacing)
    orientation: tuple[float, ...] = AXIAL
    origin: tuple[float, float, float] = (-20.0, -30.0, 100.0)
    step_mm: float = 2.5  # along the slice normal
    positions: tuple[tuple[float, float, float], ...] | None = None  # overrides origin/step
    rescale: Callable[[int], Rescale] = field(default=constant_rescale())
    modality: str = "CT"
    sop_class_uid: str = CTImageStorage
    series_uid: str = field(default_factory=generate_uid)
    study_uid: str = "1.2.826.0.1.3680043.8.498.1"
    series_number: int | None = 2
    patient_age: str | None = "067Y"
    patient_birth_date: str | None = "19580314"
    study_date: str | None = "20250610"
    kernel: str | Sequence[str] | None = "B30f"
    slice_thickness: float | None = 2.5
    seed: int = 7

    def with_(self, **changes: object) -> SeriesSpec:
        return replace(self, **changes)  # type: ignore[arg-type]

    def normal(self) -> np.ndarray:
        o = np.asarray(self.orientation, dtype=float)
        return np.cross(o[:3], o[3:])

    def slice_positions(self) -> list[tuple[float, float, float]]:
        if self.positions is not None:
            return list(self.positions)
        origin, normal = np.asarray(self.origin), self.normal()
        return [tuple(float(v) for v in origin + k * self.step_mm * normal) for k in range(self.slices)]  # type: ignore[misc]


@dataclass(frozen=True)
class WrittenSeries:
    spec: SeriesSpec
    paths: tuple[Path, ...]  # in slice order
    stored: np.ndarray  # stored values [k, j, i]
    sop_instance_uids: tuple[str, ...]

    @property
    def expected_hu(self) -> np.ndarray:
        return np.stack(
            [
                self.stored[k] * self.spec.rescale(k)[0] + self.spec.rescale(k)[1]
                for k in range(len(self.paths))
            ]
        )


def stored_values(spec: SeriesSpec) -> np.ndarray:
    """Stored int16 values with structure (a ramp) plus noise, so any misordering shows."""
    rng = np.random.default_rng(spec.seed)
    k, j, i = np.meshgrid(
        np.arange(len(spec.slice_positions())), np.arange(spec.rows), np.arange(spec.columns), indexing="ij"
    )
    ramp = 1024 + 40 * k + 3 * j - 2 * i
    return (ramp + rng.integers(-50, 50, size=ramp.shape)).astype(np.int16)


def make_dataset(spec: SeriesSpec, k: int, pixels: np.ndarray, *, sop_uid: str) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(spec.sop_class_uid)
    meta.MediaStorageSOPInstanceUID = UID(sop_uid)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = spec.sop_class_uid
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = spec.study_uid
    ds.SeriesInstanceUID = spec.series_uid
    ds.FrameOfReferenceUID = spec.study_uid + ".9"
    ds.Modality = spec.modality
    ds.PatientID = "VCF-0001"
    ds.PatientName = "Phantom^Test"
    ds.PatientSex = "F"
    _set_if(ds, "PatientAge", spec.patient_age)
    _set_if(ds, "PatientBirthDate", spec.patient_birth_date)
    _set_if(ds, "StudyDate", spec.study_date)
    ds.StudyTime = "101500"
    ds.AccessionNumber = "ACC123"
    ds.StudyDescription = "CT THORAX ABDOMEN"
    ds.SeriesDescription = "Body 2.5"
    _set_if(ds, "SeriesNumber", spec.series_number)
    ds.InstanceNumber = k + 1
    _set_if(ds, "ConvolutionKernel", spec.kernel)
    _set_if(ds, "SliceThickness", spec.slice_thickness)
    ds.Manufacturer = "SIEMENS"
    ds.ManufacturerModelName = "SOMATOM Test"
    ds.InstitutionName = "Test Hospital"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.ImagePositionPatient = [f"{v:.10g}" for v in spec.slice_positions()[k]]
    ds.ImageOrientationPatient = [f"{v:.10g}" for v in spec.orientation]
    ds.PixelSpacing = [f"{v:.6g}" for v in spec.pixel_spacing]
    slope, intercept = spec.rescale(k)
    ds.RescaleSlope = f"{slope:.6g}"
    ds.RescaleIntercept = f"{intercept:.6g}"
    ds.RescaleType = "HU"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.PixelData = np.ascontiguousarray(pixels, dtype="<i2").tobytes()
    return ds


def _set_if(ds: Dataset, keyword: str, value: object) -> None:
    if value is not None:
        setattr(ds, keyword, value)


def write_series(
    folder: Path,
    spec: SeriesSpec | None = None,
    *,
    names: Sequence[str] | None = None,
    transform: Callable[[Dataset], None] | None = None,
) -> WrittenSeries:
    """One file per slice under ``folder``; names may contain sub-folders; ``transform`` edits datasets."""
    spec = spec or SeriesSpec()
    stored = stored_values(spec)
    paths, uids = [], []
    for k in range(stored.shape[0]):
        uid = generate_uid()
        ds = make_dataset(spec, k, stored[k], sop_uid=uid)
        if transform is not None:
            transform(ds)
        path = folder / (names[k] if names is not None else f"slice_{k:03d}.dcm")
        path.parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
        uids.append(uid)
    return WrittenSeries(spec=spec, paths=tuple(paths), stored=stored, sop_instance_uids=tuple(uids))


def mr_spec(**changes: object) -> SeriesSpec:
    return SeriesSpec(modality="MR", sop_class_uid=MRImageStorage).with_(**changes)


def copy_series(
    source: WrittenSeries, folder: Path, edit: Callable[[Dataset], None], *, prefix: str = "c"
) -> tuple[Path, ...]:
    """Rewrite each file of ``source`` under ``folder`` after ``edit`` (e.g. compression)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, path in enumerate(source.paths):
        ds = dcmread(path)
        edit(ds)
        target = folder / f"{prefix}{k:03d}.dcm"
        ds.save_as(target, enforce_file_format=True)
        paths.append(target)
    return tuple(paths)


def compress_with(syntax: str, **options: Any) -> Callable[[Dataset], None]:
    """pydicom's own encoders: RLE Lossless, JPEG-LS (pyjpegls), JPEG 2000 (pylibjpeg-openjpeg)."""

    def edit(ds: Dataset) -> None:
        ds.compress(syntax, generate_instance_uid=False, **options)

    return edit


def compress_jpeg_lossless(ds: Dataset) -> None:
    frame = encode_jpeg_lossless(ds.pixel_array)
    ds.file_meta.TransferSyntaxUID = JPEGLosslessSV1
    ds.PixelData = encapsulate([frame])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True


def write_non_image(path: Path, sop_class_uid: str, *, series_uid: str | None = None) -> Path:
    """A DICOM object without pixel data (structured report, DICOMDIR, …)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(sop_class_uid)
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class_uid
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.Modality = "SR"
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def write_junk(folder: Path) -> list[Path]:
    """Files any export folder may hold next to the images."""
    folder.mkdir(parents=True, exist_ok=True)
    junk = {
        "README.txt": b"exported by PACS\n",
        "thumb.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "empty": b"",
        ".DS_Store": bytes(range(256)) * 2,
    }
    paths = []
    for name, content in junk.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    return paths
