"""Checks shared by the web and command-line export tests."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pydicom

from studies.models import Study
from tests.production.identified import IDENTIFYING
from tests.production.scan import element_texts, leaks

MEMBER_NAME = re.compile(r"series-\d{3}/\d{5}\.dcm")


def assert_deidentified_export(archive_bytes: bytes, *, study: Study, originals: Path) -> None:
    """No original identifier or UID in any member, UIDs grouped, pixels as stored."""
    original_files = sorted(originals.glob("*.dcm"))
    original = {int(ds.InstanceNumber): ds for ds in (pydicom.dcmread(path) for path in original_files)}
    original_uids = {study.study_instance_uid}
    for dataset in original.values():
        original_uids |= {dataset.SeriesInstanceUID, dataset.SOPInstanceUID, dataset.FrameOfReferenceUID}
    needles = [*IDENTIFYING, *original_uids]
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        names = archive.namelist()
        assert len(names) == len(original_files)
        assert all(MEMBER_NAME.fullmatch(name) for name in names), names
        studies, series, instances = set(), set(), set()
        for name in names:
            raw = archive.read(name)
            dataset = pydicom.dcmread(io.BytesIO(raw))
            assert leaks(texts=element_texts(dataset), raw=raw, needles=needles) == [], name
            assert dataset.PatientID == study.patient.pseudo_id
            assert dataset.PatientIdentityRemoved == "YES"
            studies.add(dataset.StudyInstanceUID)
            series.add(dataset.SeriesInstanceUID)
            instances.add(dataset.SOPInstanceUID)
            np.testing.assert_array_equal(
                dataset.pixel_array, original[int(dataset.InstanceNumber)].pixel_array
            )
    assert len(studies) == 1 and len(series) == 1 and len(instances) == len(names)
    assert not any(needle in " ".join(names) for needle in needles)
