"""The ingest service (every route ends there): each broken file is rejected with its reason, the
good file after them is stored, and nothing already stored changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from studies.models import Instance, Study, StudySource
from studies.services.ingest import Outcome
from studies.services.uploads import ingest_upload
from tests.hostile import corpus
from tests.hostile.conftest import assert_rejected_with_reasons, staging_left, stored_files

pytestmark = pytest.mark.django_db


def _upload(folder: Path, files: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    paths = corpus.write(folder, files)
    report = ingest_upload(files=[(p, p.name) for p in paths], source=StudySource.UPLOAD)
    return {o.name: (o.outcome.value, o.message) for o in report.outcomes}


def test_every_broken_file_is_rejected_with_its_reason(tmp_path, data_dir, unchanged, good_file) -> None:
    files_before = stored_files(data_dir)
    name, good = good_file()
    outcomes = _upload(tmp_path / "in", {**corpus.broken_files(), name: good})
    assert_rejected_with_reasons(outcomes)
    assert outcomes[name] == (Outcome.STORED.value, "")  # the worker went on after the bad ones
    assert len(stored_files(data_dir) - files_before) == 1
    assert staging_left(data_dir) == []
    unchanged()


def test_hostile_text_is_stored_as_data_not_as_paths(tmp_path, data_dir, unchanged) -> None:
    files_before = stored_files(data_dir)
    outcomes = _upload(tmp_path / "in", {"text.dcm": corpus.with_strings(**corpus.HOSTILE_TEXT)})
    assert outcomes["text.dcm"][0] == Outcome.STORED.value
    instance = Instance.objects.select_related("series__study").latest("pk")
    series = instance.series
    # the file lies under dicom/<study UID>/<series UID>/<SOP UID>.dcm whatever the text says
    assert stored_files(data_dir) - files_before == {
        f"dicom/{series.study.study_instance_uid}/{series.series_instance_uid}/{instance.sop_instance_uid}.dcm"
    }
    assert series.description == "<script>alert('series')</script>NUL"  # NUL dropped, markup kept as text
    assert series.study.institution_name.startswith("../../../../etc/passwd")
    unchanged()


def test_a_series_uid_cannot_be_taken_over(tmp_path, stored_study, unchanged) -> None:
    """A mixed series: instances of another patient, another study or another modality under the
    stored SeriesInstanceUID are refused; the stored series keeps its rows and files."""
    same_series = {"series": stored_study.series_uid}
    outcomes = _upload(
        tmp_path / "in",
        {
            "other-patient.dcm": corpus.ct_slice(
                study=stored_study.study_uid, patient_id="INTRUDER", **same_series
            ),
            "other-study.dcm": corpus.ct_slice(study=corpus.new_uid(), **same_series),
            "other-modality.dcm": corpus.ct_slice(
                study=stored_study.study_uid, modality="MR", sop_class=corpus.MRImageStorage, **same_series
            ),
        },
    )
    assert outcomes["other-patient.dcm"][0] == Outcome.REJECTED.value
    assert "another patient" in outcomes["other-patient.dcm"][1]
    assert outcomes["other-study.dcm"][0] == Outcome.REJECTED.value
    assert "belongs to another study" in outcomes["other-study.dcm"][1]
    assert outcomes["other-modality.dcm"] == (
        Outcome.REJECTED.value,
        "modality MR: only CT is stored and analysed",
    )
    assert Study.objects.filter(study_instance_uid=stored_study.study_uid).count() == 1
    unchanged()


def test_a_known_sop_uid_with_other_content_changes_nothing(tmp_path, stored_study, unchanged) -> None:
    """The same SOPInstanceUID sent again with another patient and other pixels is a duplicate: the
    stored file is not overwritten."""
    forged = corpus.ct_slice(
        study=stored_study.study_uid, series=stored_study.series_uid, sop=stored_study.sop_uids[0], number=9
    )
    outcomes = _upload(tmp_path / "in", {"forged.dcm": forged})
    assert outcomes["forged.dcm"] == (Outcome.DUPLICATE.value, "already stored")
    assert Instance.objects.filter(sop_instance_uid=stored_study.sop_uids[0]).count() == 1
    unchanged()


def test_unusual_but_valid_files_are_stored(tmp_path, data_dir, unchanged) -> None:
    outcomes = _upload(tmp_path / "in", corpus.unusual_but_valid())
    assert outcomes == {name: (Outcome.STORED.value, "") for name in corpus.unusual_but_valid()}
    unchanged()
