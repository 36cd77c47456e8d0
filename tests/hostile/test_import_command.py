"""``manage.py import_dicom`` over a folder of the hostile corpus (files, archives, a pipe and a link
loop): exit status 1, every rejected file listed with its reason, the good ones stored, the study
stored before untouched."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.hostile import corpus
from tests.hostile.conftest import REASONS, staging_left, stored_files

pytestmark = pytest.mark.django_db


def _import(*paths: Path) -> tuple[str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_dicom", *(str(p) for p in paths), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_a_folder_of_hostile_files(tmp_path, data_dir, unchanged) -> None:
    folder = tmp_path / "incoming"
    good = corpus.ct_slice(patient_id="HOSTILE-IMPORT")
    corpus.write(folder, corpus.broken_files())
    corpus.write(folder / "zz", {"slip.zip": corpus.zip_slip(good), "zz-good.dcm": good})
    os.mkfifo(folder / "pipe.dcm")  # would block a reader that opens it
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # not followed
    files_before = stored_files(data_dir)

    output, status = _import(folder)

    assert status == 1
    assert "1 stored, 0 already stored" in output
    for name, reason in REASONS.items():
        line = next(line for line in output.splitlines() if line.strip().startswith(f"{folder / name}:"))
        assert reason in line, line
    assert f"{folder / 'pipe.dcm'}: not a regular file" in output
    assert output.count("unsafe path in archive") == 4
    assert len(stored_files(data_dir) - files_before) == 1
    assert staging_left(data_dir) == []
    unchanged()


def test_a_hostile_zip_alone(tmp_path, data_dir, unchanged, settings) -> None:
    settings.VCF_ARCHIVE_MAX_MEMBERS = 10
    many = tmp_path / "many.zip"
    many.write_bytes(corpus.zip_of_many(11))
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(corpus.zip_bomb())

    output, status = _import(many, bomb)

    assert status == 1
    assert f"{many}: archive holds 11 entries, more than the limit of 10" in output
    assert "zip bomb" in output
    assert staging_left(data_dir) == []
    unchanged()
