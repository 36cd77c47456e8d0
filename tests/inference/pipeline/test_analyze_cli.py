"""The ``analyze`` command: JSON contract, ineligible series, unreadable input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.cli import main
from inference.device import DeviceError, resolve_device
from inference.phantom import PhantomSpec, generate_phantom, write_phantom
from inference.pipeline.schema import validate_result


@pytest.fixture(scope="module")
def small_series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("series")
    spec = PhantomSpec(seed=5, levels=("T10", "L3"), size=128, pixel_mm=2.5, slice_mm=2.5, age=70)
    write_phantom(generate_phantom(spec), folder)
    return folder


def test_result_follows_the_json_contract(small_series: Path, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    assert main(["analyze", str(small_series), "--out", str(out), "--device", "cpu"]) == 0
    data = json.loads(out.read_text())
    validate_result(data)
    assert data["schema"] == "vcf-analysis/1"
    assert data["series_uid"] and data["model_version"]
    assert data["timings_s"]["load"] >= 0 and data["timings_s"]["total"] >= data["timings_s"]["load"]


def test_ineligible_series_gives_a_result_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "young"
    spec = PhantomSpec(seed=6, levels=("L1", "L3"), size=96, pixel_mm=3.0, slice_mm=4.0, age=40)
    write_phantom(generate_phantom(spec), folder)
    assert main(["analyze", str(folder), "--device", "cpu"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["eligible"] is False
    assert set(data["exclusion_reasons"]) >= {"age_below_minimum", "slice_too_thick"}
    assert data["vertebrae"] == []


@pytest.mark.parametrize("content", [b"", b"DICM but not really", b"\x00" * 200])
def test_unreadable_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    (tmp_path / "broken.dcm").write_bytes(content)
    assert main(["analyze", str(tmp_path), "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_device_choice() -> None:
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in {"cpu", "cuda"}
    with pytest.raises(DeviceError):
        resolve_device("tpu")


def test_non_ct_series_is_a_result_with_not_ct(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pydicom

    spec = PhantomSpec(seed=7, levels=("L1", "L3"), size=96, pixel_mm=3.0, slice_mm=3.0, age=70)
    write_phantom(generate_phantom(spec), tmp_path)
    for path in tmp_path.glob("*.dcm"):
        dataset = pydicom.dcmread(path)
        dataset.Modality = "MR"
        dataset.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4"  # MR Image Storage
        dataset.file_meta.MediaStorageSOPClassUID = dataset.SOPClassUID
        dataset.save_as(path)
    assert main(["analyze", str(tmp_path), "--device", "cpu"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["eligible"] is False
    assert "not_ct" in data["exclusion_reasons"]
    validate_result(data)
