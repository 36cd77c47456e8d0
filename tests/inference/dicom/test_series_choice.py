"""Which series load_series picks when a folder holds several, and what it records about the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.dicom import NotCtError, load_series

from .factory import SAGITTAL, SeriesSpec, mr_spec, write_series


def test_axial_is_preferred_over_a_sagittal_reformat_with_more_slices(tmp_path: Path) -> None:
    axial = write_series(tmp_path / "axial", SeriesSpec(slices=8, series_number=3))
    sagittal = write_series(tmp_path / "sag", SeriesSpec(slices=20, orientation=SAGITTAL, series_number=1))
    volume = load_series(tmp_path)
    assert volume.metadata.series_instance_uid == axial.spec.series_uid
    assert volume.metadata.other_series_uids == (sagittal.spec.series_uid,)


def test_a_small_tilt_still_counts_as_axial(tmp_path: Path) -> None:
    tilted = (1.0, 0.0, 0.0, 0.0, 0.9961946981, -0.0871557427)  # gantry tilt 5°
    chosen = write_series(tmp_path / "tilted", SeriesSpec(slices=10, orientation=tilted))
    write_series(tmp_path / "sag", SeriesSpec(slices=30, orientation=SAGITTAL))
    assert load_series(tmp_path).metadata.series_instance_uid == chosen.spec.series_uid


def test_most_slices_wins_among_axial_series(tmp_path: Path) -> None:
    write_series(tmp_path / "short", SeriesSpec(slices=6))
    longest = write_series(tmp_path / "long", SeriesSpec(slices=10))
    assert load_series(tmp_path).metadata.series_instance_uid == longest.spec.series_uid


def test_smaller_spacing_breaks_a_tie_in_slice_count(tmp_path: Path) -> None:
    write_series(tmp_path / "thick", SeriesSpec(slices=6, step_mm=5.0))
    fine = write_series(tmp_path / "fine", SeriesSpec(slices=6, step_mm=1.0))
    assert load_series(tmp_path).metadata.series_instance_uid == fine.spec.series_uid


def test_lower_series_number_breaks_the_remaining_tie(tmp_path: Path) -> None:
    write_series(tmp_path / "later", SeriesSpec(slices=6, series_number=9))
    first = write_series(tmp_path / "first", SeriesSpec(slices=6, series_number=4))
    assert load_series(tmp_path).metadata.series_instance_uid == first.spec.series_uid


def test_ct_is_chosen_even_when_an_mr_series_is_larger(tmp_path: Path) -> None:
    ct = write_series(tmp_path / "ct", SeriesSpec(slices=5))
    write_series(tmp_path / "mr", mr_spec(slices=15))
    volume = load_series(tmp_path)
    assert volume.metadata.series_instance_uid == ct.spec.series_uid
    assert volume.metadata.other_series_uids == ()  # only other CT series are candidates


def test_a_named_series_is_loaded_even_if_not_preferred(tmp_path: Path) -> None:
    write_series(tmp_path / "axial", SeriesSpec(slices=10))
    sagittal = write_series(tmp_path / "sag", SeriesSpec(slices=6, orientation=SAGITTAL))
    volume = load_series(tmp_path, series_uid=sagittal.spec.series_uid)
    assert volume.metadata.series_instance_uid == sagittal.spec.series_uid
    assert volume.hu.shape == (6, 64, 48)


def test_naming_a_non_ct_series_raises_not_ct(tmp_path: Path) -> None:
    write_series(tmp_path / "ct", SeriesSpec(slices=5))
    mr = write_series(tmp_path / "mr", mr_spec(slices=5))
    with pytest.raises(NotCtError, match="MR"):
        load_series(tmp_path, series_uid=mr.spec.series_uid)
