"""SeriesMetadata: header facts in plain types; absent or malformed optional tags become None."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import BaseTag

from inference.dicom import load_series

from .factory import SeriesSpec, write_series


def test_fields_from_the_headers(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    metadata = load_series(tmp_path).metadata
    assert metadata.study_instance_uid == written.spec.study_uid
    assert metadata.series_instance_uid == written.spec.series_uid
    assert metadata.modality == "CT"
    assert metadata.patient_id == "VCF-0001"
    assert metadata.patient_sex == "F"
    assert metadata.patient_age == "067Y"
    assert metadata.patient_birth_date == date(1958, 3, 14)
    assert metadata.study_date == date(2025, 6, 10)
    assert metadata.study_time == "101500"
    assert metadata.accession_number == "ACC123"
    assert metadata.study_description == "CT THORAX ABDOMEN"
    assert metadata.series_description == "Body 2.5"
    assert metadata.series_number == 2
    assert metadata.convolution_kernel == "B30f"
    assert metadata.slice_thickness_mm == 2.5
    assert metadata.slice_spacing_mm == 2.5
    assert metadata.manufacturer == "SIEMENS"
    assert metadata.manufacturer_model_name == "SOMATOM Test"
    assert metadata.institution_name == "Test Hospital"
    assert metadata.image_orientation == (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    assert (metadata.rows, metadata.columns, metadata.number_of_slices) == (64, 48, 12)
    assert metadata.other_series_uids == ()
    assert metadata.skipped_files == 0


def test_multi_valued_kernel_is_joined_with_a_backslash(tmp_path: Path) -> None:
    write_series(tmp_path, SeriesSpec(kernel=["Br40d", "3"]))
    assert load_series(tmp_path).metadata.convolution_kernel == "Br40d\\3"


def test_absent_optional_tags_are_none(tmp_path: Path) -> None:
    def strip(ds: Dataset) -> None:
        for keyword in ("PatientSex", "AccessionNumber", "Manufacturer", "InstitutionName", "StudyTime"):
            delattr(ds, keyword)

    spec = SeriesSpec(
        patient_age=None,
        patient_birth_date=None,
        study_date=None,
        kernel=None,
        slice_thickness=None,
        series_number=None,
    )
    write_series(tmp_path, spec, transform=strip)
    metadata = load_series(tmp_path).metadata
    for field in (
        "patient_sex",
        "patient_age",
        "patient_birth_date",
        "study_date",
        "study_time",
        "accession_number",
        "manufacturer",
        "institution_name",
        "convolution_kernel",
        "slice_thickness_mm",
        "series_number",
    ):
        assert getattr(metadata, field) is None, field


def _raw(tag: int, vr: str, value: bytes) -> RawDataElement:
    # pydicom refuses to build invalid values, so they go in as raw bytes, as a file would hold them
    return RawDataElement(BaseTag(tag), vr, len(value), value, 0, False, True)


@pytest.mark.filterwarnings("ignore:Invalid value for VR IS")  # pydicom writing the spoilt test file
def test_malformed_optional_values_are_none(tmp_path: Path) -> None:
    def spoil(ds: Dataset) -> None:
        ds.PatientSex = "X"
        ds[0x00100030] = _raw(0x00100030, "DA", b"19581340")  # PatientBirthDate, month 13
        ds[0x00080020] = _raw(0x00080020, "DA", b"2025-06 ")  # StudyDate
        ds[0x00180050] = _raw(0x00180050, "DS", b"abc ")  # SliceThickness
        ds[0x00200011] = _raw(0x00200011, "IS", b"two ")  # SeriesNumber

    write_series(tmp_path, transform=spoil)
    metadata = load_series(tmp_path).metadata
    assert metadata.patient_sex is None
    assert metadata.patient_birth_date is None
    assert metadata.study_date is None
    assert metadata.slice_thickness_mm is None
    assert metadata.series_number is None
