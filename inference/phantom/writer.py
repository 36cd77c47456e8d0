"""Write a phantom as a DICOM CT series (one file per slice) with truth.json beside it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

from inference.phantom.identity import SeriesIdentity, default_identity, phantom_uid
from inference.phantom.kernels import find_kernel

if TYPE_CHECKING:
    from inference.phantom import Phantom

RESCALE_INTERCEPT = -1024
_SLICE_NAME = re.compile(r"^CT\d{5}\.dcm$")


def _da(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _body_part(levels: tuple[str, str]) -> str:
    first, last = levels
    chest = first.startswith(("C", "T"))
    belly = last.startswith(("L", "S"))
    return "CHEST_ABDOMEN" if chest and belly else ("CHEST" if chest else "ABDOMEN")


def _template(phantom: Phantom, identity: SeriesIdentity) -> Dataset:
    spec = phantom.spec
    kernel = find_kernel(spec.kernel)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = CTImageStorage
    for prefix in ("Study", "Series", "Acquisition", "Content"):
        setattr(ds, f"{prefix}Date", _da(identity.study_date))
        setattr(ds, f"{prefix}Time", identity.study_time)
    ds.AccessionNumber = identity.accession_number
    ds.Modality = "CT"
    ds.Manufacturer = identity.manufacturer
    ds.InstitutionName = identity.institution_name
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = identity.study_description
    ds.SeriesDescription = identity.series_description
    ds.ManufacturerModelName = identity.manufacturer_model_name
    ds.PatientName = identity.patient_name
    ds.PatientID = identity.patient_id
    ds.PatientBirthDate = _da(identity.patient_birth_date)
    ds.PatientSex = spec.sex
    ds.PatientAge = identity.patient_age or ""
    if phantom.truth.get("acquisition", {}).get("contrast"):
        ds.ContrastBolusAgent = "IV CONTRAST"
    ds.BodyPartExamined = _body_part(spec.levels)
    ds.SliceThickness = f"{spec.slice_mm:g}"
    ds.KVP = "120"
    ds.SpacingBetweenSlices = f"{spec.slice_mm:g}"
    ds.ConvolutionKernel = kernel.name if kernel else spec.kernel
    ds.PatientPosition = "HFS"
    ds.StudyInstanceUID = identity.study_instance_uid
    ds.SeriesInstanceUID = identity.series_instance_uid
    ds.StudyID = "1"
    ds.SeriesNumber = identity.series_number
    ds.AcquisitionNumber = 1
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = phantom_uid(identity.study_instance_uid, "frame")
    ds.PositionReferenceIndicator = ""
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = int(phantom.hu.shape[1]), int(phantom.hu.shape[2])
    ds.PixelSpacing = [f"{spec.pixel_mm:g}", f"{spec.pixel_mm:g}"]
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = ["40", "400"]
    ds.WindowWidth = ["400", "1800"]
    ds.WindowCenterWidthExplanation = ["SOFT TISSUE", "BONE"]
    ds.RescaleIntercept = str(RESCALE_INTERCEPT)
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    return ds


def write_series(phantom: Phantom, out_dir: Path, identity: SeriesIdentity) -> list[Path]:
    """One file per slice, numbered from the top (head-first scanning order)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.iterdir():
        if _SLICE_NAME.match(stale.name):
            stale.unlink()
    ds = _template(phantom, identity)
    affine = phantom.affine
    slices = phantom.hu.shape[0]
    paths = []
    for k in range(slices - 1, -1, -1):
        instance = slices - k
        x, y, z = (float(c) for c in affine[:3, :3] @ np.array([0.0, 0.0, k]) + affine[:3, 3])
        uid = phantom_uid(identity.series_instance_uid, instance)
        ds.SOPInstanceUID = uid
        ds.file_meta.MediaStorageSOPInstanceUID = uid
        ds.InstanceNumber = instance
        ds.ImagePositionPatient = [f"{x:.4f}", f"{y:.4f}", f"{z:.4f}"]
        ds.SliceLocation = f"{z:.4f}"
        ds.PixelData = (phantom.hu[k].astype(np.int32) - RESCALE_INTERCEPT).astype("<u2").tobytes()
        path = out_dir / f"CT{instance:05d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_phantom(
    phantom: Phantom, out_dir: Path, *, identity: SeriesIdentity | None = None, png: bool = False
) -> Path:
    """Write the series and truth.json (and previews when ``png``); returns the truth.json path."""
    identity = identity or default_identity(phantom.spec)
    out_dir = Path(out_dir)
    write_series(phantom, out_dir, identity)
    truth = {
        **phantom.truth,
        "study_uid": identity.study_instance_uid,
        "series_uid": identity.series_instance_uid,
    }
    path = out_dir / "truth.json"
    path.write_text(json.dumps(truth, indent=1) + "\n")
    if png:
        from inference.phantom.preview import write_previews

        write_previews(phantom, out_dir)
    return path
