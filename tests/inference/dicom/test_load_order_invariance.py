"""The same series loads to the same volume whatever its file names, order and folder layout."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from inference.dicom import load_series

from .factory import SeriesSpec, write_junk, write_non_image, write_series

BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"
DICOMDIR = "1.2.840.10008.1.3.10"


def _scrambled_names(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    folders = ["", "a/", "b/c/", "d/e/f/"]
    names = [f"{rng.choice(folders)}{rng.getrandbits(40):010x}" for _ in range(count)]
    rng.shuffle(names)
    return names


def test_loaded_volume_is_in_slice_order(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, written.expected_hu)
    assert volume.metadata.sop_instance_uids == written.sop_instance_uids


def test_names_order_nesting_and_junk_do_not_change_the_volume(tmp_path: Path) -> None:
    spec = SeriesSpec()
    plain = write_series(tmp_path / "plain", spec)
    messy_root = tmp_path / "messy"
    write_series(messy_root, spec, names=_scrambled_names(spec.slices, seed=11))
    junk = write_junk(messy_root / "extra")
    write_non_image(messy_root / "DICOMDIR", DICOMDIR)
    write_non_image(messy_root / "b" / "report", BASIC_TEXT_SR)

    reference = load_series(tmp_path / "plain")
    messy = load_series(messy_root)

    assert np.array_equal(messy.hu, reference.hu)
    assert np.array_equal(messy.hu, plain.expected_hu)
    np.testing.assert_allclose(messy.affine, reference.affine, atol=1e-9)
    assert messy.metadata.skipped_files == len(junk) + 2
    assert reference.metadata.skipped_files == 0


def test_slices_written_top_down_are_sorted_ascending_along_the_normal(tmp_path: Path) -> None:
    spec = SeriesSpec(step_mm=-2.0)  # file k lies 2 mm *below* file k - 1
    written = write_series(tmp_path, spec)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, written.expected_hu[::-1])
    assert volume.affine[2, 2] == 2.0
    assert volume.affine[2, 3] == spec.slice_positions()[-1][2]
    assert volume.metadata.sop_instance_uids == written.sop_instance_uids[::-1]


def test_a_single_file_path_loads_as_a_one_slice_volume(tmp_path: Path) -> None:
    written = write_series(tmp_path, SeriesSpec(slices=1, slice_thickness=3.0))
    volume = load_series(written.paths[0])
    assert volume.hu.shape == (1, 64, 48)
    assert volume.spacing_mm[0] == 3.0
    assert any("single-slice" in w for w in volume.warnings)
