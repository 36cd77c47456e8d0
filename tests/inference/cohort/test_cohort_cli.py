from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.cli import main


def test_cohort_command_writes_studies_and_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cohort"
    args = ["phantom-cohort", str(out), "--cases", "2", "--seed", "3", "--size", "80", "--pixel-mm", "3.5"]
    assert main([*args, "--slice-mm", "3", "--jobs", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cases"] == 2
    assert "2 studies written" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--cases", "0"], "--cases"),
        (["--cases", "2", "--size", "16"], "--size"),
        (["--cases", "2", "--pixel-mm", "9"], "pixel spacing"),
    ],
)
def test_cohort_command_refuses_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["phantom-cohort", str(tmp_path / "new"), "--seed", "1", *extra]) == 2
    assert message in capsys.readouterr().err


def test_cohort_command_refuses_a_non_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "something.txt").write_text("keep me")
    assert main(["phantom-cohort", str(tmp_path), "--cases", "1", "--seed", "1"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "something.txt").read_text() == "keep me"
