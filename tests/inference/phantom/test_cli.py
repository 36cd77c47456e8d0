"""``python -m inference phantom``: writes a series; bad input is one line on stderr and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.cli import main

SMALL = ["--size", "96", "--pixel-mm", "3", "--slice-mm", "3", "--noise-hu", "5"]


def test_writes_series_truth_and_previews(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "case"
    argv = ["phantom", str(out), "--seed", "3", "--levels", "T12-L2", "--fracture", "l1:Wedge:35", *SMALL]
    assert (
        main([*argv, "--sclerotic", "T12", "--osteophytes", "L2", "--age", "70", "--sex", "m", "--png"]) == 0
    )
    truth = json.loads((out / "truth.json").read_text())
    l1 = next(v for v in truth["vertebrae"] if v["label"] == "L1")
    assert l1["fracture_type"] == "wedge" and l1["height_loss_pct"] == pytest.approx(35.0, abs=0.5)
    assert truth["patient"] == {"age": 70, "sex": "M"}
    assert list(out.glob("*.dcm")) and (out / "preview_sagittal.png").exists()
    assert "truth.json" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--levels", "T1-X3"], "unknown level"),
        (["--levels", "L5-T1"], "cranial to caudal"),
        (["--fracture", "L1:wedge"], "LEVEL:TYPE:VHL"),
        (["--fracture", "L1:burst:30"], "unknown type"),
        (["--fracture", "L1:wedge:95"], "between 0 and 90"),
        (["--fracture", "L1:wedge:abc"], "must be a number"),
        (["--fracture", "C7:wedge:30", "--levels", "C7-L5"], "never graded"),
        (["--fracture", "L4:crush:30", "--levels", "T10-L2"], "outside the field of view"),
        (["--fracture", "L1:crush:30", "--cement", "L1"], "excluded"),
        (["--sclerotic", "Q1"], "unknown level"),
        (["--kernel", "SHARPEST"], "unknown kernel"),
        (["--sex", "X"], "F or M"),
        (["--slice-mm", "0"], "slice thickness"),
        (["--scoliosis", "80"], "scoliosis"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["phantom", str(tmp_path / "x"), "--seed", "1", *SMALL, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "x").exists()
