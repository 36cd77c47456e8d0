"""manage.py export_study --deidentify STUDY_UID --out FILE.zip"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studies.models import Study
from tests.production.export_checks import assert_deidentified_export


def test_the_command_writes_the_deidentified_zip(
    stored_study: Study, identified_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export.zip"
    call_command("export_study", stored_study.study_instance_uid, "--deidentify", "--out", str(out))
    assert_deidentified_export(out.read_bytes(), study=stored_study, originals=identified_folder)
    assert [path.name for path in tmp_path.iterdir()] == ["export.zip"]


def test_without_deidentify_nothing_is_written(stored_study: Study, tmp_path: Path) -> None:
    out = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="--deidentify"):
        call_command("export_study", stored_study.study_instance_uid, "--out", str(out))
    assert not out.exists()


def test_an_existing_file_is_kept_unless_forced(stored_study: Study, tmp_path: Path) -> None:
    out = tmp_path / "export.zip"
    out.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="--force"):
        call_command("export_study", stored_study.study_instance_uid, "--deidentify", "--out", str(out))
    assert out.read_bytes() == b"keep me"
    call_command(
        "export_study", stored_study.study_instance_uid, "--deidentify", "--out", str(out), "--force"
    )
    assert out.read_bytes()[:2] == b"PK"


def test_an_unknown_study_is_an_error(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no study"):
        call_command("export_study", "1.2.3.4", "--deidentify", "--out", str(tmp_path / "x.zip"))
    assert list(tmp_path.iterdir()) == []
