"""The DICOM series reads back with pydicom: right tags, geometry and HU; truth.json carries the UIDs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

from inference.phantom import Phantom, default_identity, write_phantom

from .helpers import phantom, small

SPEC = small(seed=17, levels=("L1", "L2"), age=71, sex="M", kernel="B30f")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Phantom, Path]:
    ph = phantom(SPEC)
    out = tmp_path_factory.mktemp("series")
    return ph, write_phantom(ph, out, png=True)


def test_one_readable_ct_file_per_slice(written: tuple[Phantom, Path]) -> None:
    ph, truth_path = written
    files = sorted(truth_path.parent.glob("*.dcm"))
    assert len(files) == ph.hu.shape[0]
    identity = default_identity(SPEC)
    seen = set()
    for path in files:
        ds = pydicom.dcmread(path)
        assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        assert ds.SOPClassUID == CTImageStorage == ds.file_meta.MediaStorageSOPClassUID
        assert ds.SOPInstanceUID == ds.file_meta.MediaStorageSOPInstanceUID
        assert ds.Modality == "CT" and ds.ConvolutionKernel == "B30f"
        assert ds.StudyInstanceUID == identity.study_instance_uid
        assert ds.SeriesInstanceUID == identity.series_instance_uid
        assert ds.PatientID == identity.patient_id and ds.PatientAge == "071Y" and ds.PatientSex == "M"
        assert [float(v) for v in ds.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
        assert [float(v) for v in ds.PixelSpacing] == [SPEC.pixel_mm] * 2
        assert float(ds.SliceThickness) == float(ds.SpacingBetweenSlices) == SPEC.slice_mm
        assert float(ds.RescaleIntercept) == -1024 and float(ds.RescaleSlope) == 1
        assert ds.ReferringPhysicianName == "" and ds.StudyID and ds.FrameOfReferenceUID
        k = round((float(ds.ImagePositionPatient[2]) - ph.affine[2, 3]) / float(ph.affine[2, 2]))
        assert float(ds.ImagePositionPatient[0]) == pytest.approx(ph.affine[0, 3], abs=1e-3)
        hu = ds.pixel_array.astype(np.int32) * int(ds.RescaleSlope) + int(ds.RescaleIntercept)
        assert np.array_equal(hu, ph.hu[k])
        seen.add(ds.SOPInstanceUID)
    assert len(seen) == len(files)


def test_truth_json_names_the_series_and_previews_exist(written: tuple[Phantom, Path]) -> None:
    ph, truth_path = written
    truth = json.loads(truth_path.read_text())
    identity = default_identity(SPEC)
    assert truth["schema"] == "vcf-truth/1" and truth["model_version"] == "phantom-truth"
    assert truth["study_uid"] == identity.study_instance_uid
    assert truth["series_uid"] == identity.series_instance_uid
    assert truth["vertebrae"] == ph.truth["vertebrae"]
    for name in ("preview_sagittal.png", "preview_sagittal_landmarks.png", "preview_axial.png"):
        assert (truth_path.parent / name).stat().st_size > 1000


def test_identity_from_the_caller_is_written_and_sop_uids_are_stable(tmp_path: Path) -> None:
    ph = phantom(SPEC)
    identity = replace(
        default_identity(SPEC),
        patient_id="P-42",
        patient_birth_date=None,
        patient_age=None,
        study_date=date(2023, 5, 6),
        accession_number="ACC1",
    )
    first = write_phantom(ph, tmp_path / "a", identity=identity)
    again = write_phantom(ph, tmp_path / "b", identity=identity)
    ds = pydicom.dcmread(sorted(first.parent.glob("*.dcm"))[0])
    assert ds.PatientID == "P-42" and ds.StudyDate == "20230506" and ds.AccessionNumber == "ACC1"
    assert ds.PatientBirthDate == "" and ds.PatientAge == ""
    uids_a = [pydicom.dcmread(p).SOPInstanceUID for p in sorted(first.parent.glob("*.dcm"))]
    uids_b = [pydicom.dcmread(p).SOPInstanceUID for p in sorted(again.parent.glob("*.dcm"))]
    assert uids_a == uids_b


def test_rewriting_a_folder_replaces_the_old_slices(tmp_path: Path) -> None:
    write_phantom(phantom(small(seed=17, levels=("L1", "L3"))), tmp_path)
    write_phantom(phantom(SPEC), tmp_path)
    assert len(list(tmp_path.glob("*.dcm"))) == phantom(SPEC).hu.shape[0]
