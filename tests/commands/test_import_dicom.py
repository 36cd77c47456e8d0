"""manage.py import_dicom: folders and zips in, a summary out, and an exit status scripts can use."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studies.models import Instance, Study, StudySource
from tests.services.conftest import dicom_files, write_series
from tests.services.zips import folder_members, write_zip

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def series_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_series(tmp_path_factory.mktemp("import-command"))


@pytest.fixture
def export(series_folder: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Half the series as a nested folder, the other half as a zip archive."""
    files = dicom_files(series_folder)
    folder = tmp_path / "export" / "series-1"
    folder.mkdir(parents=True)
    for f in files[: len(files) // 2]:
        shutil.copy(f, folder / f.name)
    archive = write_zip(tmp_path / "rest.zip", folder_members(series_folder)[len(files) // 2 :])
    return tmp_path / "export", archive


def run(*args: str, stderr: io.StringIO | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    call_command("import_dicom", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_folder_and_zip_are_imported_then_reimport_changes_nothing(
    export: tuple[Path, Path], series_folder: Path
) -> None:
    count = len(dicom_files(series_folder))
    out, err = run(*map(str, export))
    assert f"{count} stored, 0 already stored, 0 rejected" in out
    assert Instance.objects.count() == count
    assert Study.objects.get().source == StudySource.IMPORT
    progress = err.splitlines()
    assert progress[0].startswith("import   0%") and progress[-1].startswith("import 100%")
    assert len(progress) <= 11
    before = list(Instance.objects.values_list("pk", "relative_path"))
    out, _ = run(*map(str, export), "--source", "upload")
    assert f"0 stored, {count} already stored, 0 rejected; 0 analyses queued" in out
    assert list(Instance.objects.values_list("pk", "relative_path")) == before


def test_rejected_files_are_listed_and_exit_1(export: tuple[Path, Path]) -> None:
    folder, archive = export
    (folder / "notes.txt").write_text("not dicom")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 file\(s\) rejected") as raised:
        call_command("import_dicom", str(folder), str(archive), stdout=out, stderr=io.StringIO())
    assert raised.value.returncode == 1
    assert f"Rejected:\n  {folder / 'notes.txt'}: " in out.getvalue()
    assert Instance.objects.exists()  # the good files went in all the same


def test_a_missing_path_exits_2_before_anything_is_imported(
    export: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=r"not found: .*nowhere") as raised:
        run(str(export[0]), str(tmp_path / "nowhere"))
    assert raised.value.returncode == 2
    assert not Instance.objects.exists()


def test_on_a_terminal_the_bar_is_redrawn_in_place(export: tuple[Path, Path]) -> None:
    _, err = run(str(export[1]), stderr=Terminal())
    assert err.count("\r") > 2 and err.endswith("\n")
    assert "\r[" + "#" * 30 + "] 100%" in err


def test_the_exit_status_reaches_the_shell(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vcfweb.settings_test"}
    done = subprocess.run(
        [sys.executable, str(root / "manage.py"), "import_dicom", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "not found" in done.stderr
