"""scan_series: headers only, every image series, ranked as load_series would choose."""

from __future__ import annotations

from pathlib import Path

from inference.dicom import scan_series

from .factory import SAGITTAL, SeriesSpec, mr_spec, write_junk, write_series


def test_non_ct_series_are_summarised_with_metadata(tmp_path: Path) -> None:
    mr = write_series(tmp_path / "mr", mr_spec(slices=4, patient_age="044Y"))
    write_junk(tmp_path / "junk")
    [summary] = scan_series(tmp_path)
    assert not summary.is_ct
    assert summary.modality == "MR"
    assert summary.number_of_slices == 4
    assert summary.metadata.patient_age == "044Y"
    assert summary.metadata.sop_instance_uids == mr.sop_instance_uids
    assert summary.metadata.skipped_files == 4


def test_summaries_are_ranked_by_preference(tmp_path: Path) -> None:
    mr = write_series(tmp_path / "mr", mr_spec(slices=20))
    sagittal = write_series(tmp_path / "sag", SeriesSpec(slices=15, orientation=SAGITTAL))
    axial = write_series(tmp_path / "ax", SeriesSpec(slices=5))
    summaries = scan_series(tmp_path)
    assert [s.series_instance_uid for s in summaries] == [
        axial.spec.series_uid,
        sagittal.spec.series_uid,
        mr.spec.series_uid,
    ]
    assert [s.is_axial for s in summaries] == [True, False, True]
    assert summaries[0].metadata.slice_spacing_mm == 2.5
    assert set(summaries[0].metadata.other_series_uids) == {sagittal.spec.series_uid, mr.spec.series_uid}


def test_scan_does_not_need_pixel_data_to_be_sound(tmp_path: Path) -> None:
    written = write_series(tmp_path, SeriesSpec(slices=3))
    written.paths[1].write_bytes(written.paths[1].read_bytes()[:-500])  # load_series would refuse this
    [summary] = scan_series(tmp_path)
    assert summary.number_of_slices == 2
    assert summary.metadata.skipped_files == 1


def test_empty_folder_gives_no_summaries(tmp_path: Path) -> None:
    assert scan_series(tmp_path) == []
