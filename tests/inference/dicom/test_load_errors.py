"""Broken inputs raise the specific DicomLoadError, with one readable line naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydicom.dataset import Dataset

from inference.dicom import (
    DicomLoadError,
    DuplicateSliceError,
    InconsistentSeriesError,
    MissingPixelDataError,
    MissingSliceError,
    MissingTagError,
    NoDicomFilesError,
    NotCtError,
    SeriesNotFoundError,
    UnevenSpacingError,
    UnreadableDicomError,
    UnsupportedDicomError,
    load_series,
)

from .factory import SeriesSpec, mr_spec, write_junk, write_series


def _load_error(path: Path, **kwargs: str) -> DicomLoadError:
    with pytest.raises(DicomLoadError) as caught:
        load_series(path, **kwargs)
    message = str(caught.value)
    assert message and "\n" not in message
    return caught.value


def test_empty_folder(tmp_path: Path) -> None:
    assert isinstance(_load_error(tmp_path), NoDicomFilesError)


def test_folder_of_junk_only(tmp_path: Path) -> None:
    write_junk(tmp_path)
    error = _load_error(tmp_path)
    assert isinstance(error, NoDicomFilesError)
    assert "4 other files skipped" in str(error)


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    assert isinstance(_load_error(tmp_path / "nope"), NoDicomFilesError)


def test_truncated_pixel_data(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    victim = written.paths[5]
    victim.write_bytes(victim.read_bytes()[:-1000])
    error = _load_error(tmp_path)
    assert isinstance(error, UnreadableDicomError)
    assert victim.name in str(error) and "truncated" in str(error)


def test_truncated_header(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    victim = written.paths[0]
    victim.write_bytes(victim.read_bytes()[:600])
    error = _load_error(tmp_path)
    assert isinstance(error, UnreadableDicomError)
    assert victim.name in str(error)


def test_undecodable_compressed_pixel_data(tmp_path: Path) -> None:
    def garbage_jpeg(ds: Dataset) -> None:
        from pydicom.encaps import encapsulate
        from pydicom.uid import JPEGLosslessSV1

        ds.file_meta.TransferSyntaxUID = JPEGLosslessSV1
        ds.PixelData = encapsulate([b"\xff\xd8" + bytes(100) + b"\xff\xd9"])
        ds["PixelData"].VR = "OB"

    written = write_series(tmp_path, transform=garbage_jpeg)
    error = _load_error(tmp_path)
    assert isinstance(error, UnreadableDicomError)
    assert "cannot decode pixel data" in str(error)
    assert any(path.name in str(error) for path in written.paths)


def test_ct_image_without_pixel_data(tmp_path: Path) -> None:
    def drop_pixels(ds: Dataset) -> None:
        if ds.InstanceNumber == 4:
            del ds.PixelData

    written = write_series(tmp_path, transform=drop_pixels)
    error = _load_error(tmp_path)
    assert isinstance(error, MissingPixelDataError)
    assert written.paths[3].name in str(error)


def test_missing_geometry_tag_names_tag_and_file(tmp_path: Path) -> None:
    def drop_position(ds: Dataset) -> None:
        if ds.InstanceNumber == 2:
            del ds.ImagePositionPatient

    written = write_series(tmp_path, transform=drop_position)
    error = _load_error(tmp_path)
    assert isinstance(error, MissingTagError)
    assert error.tag == "ImagePositionPatient"
    assert written.paths[1].name in str(error)


def test_two_matrix_sizes_under_one_uid(tmp_path: Path) -> None:
    first = write_series(tmp_path / "a", SeriesSpec(slices=6))
    write_series(
        tmp_path / "b", SeriesSpec(slices=6, series_uid=first.spec.series_uid, rows=32, origin=(0, 0, 0))
    )
    error = _load_error(tmp_path)
    assert isinstance(error, InconsistentSeriesError)
    assert "matrix size" in str(error) and "two series" in str(error)


def test_two_orientations_under_one_uid(tmp_path: Path) -> None:
    first = write_series(tmp_path / "a", SeriesSpec(slices=6))
    tilted = (1.0, 0.0, 0.0, 0.0, 0.9961946981, -0.0871557427)  # 5° about x
    write_series(tmp_path / "b", SeriesSpec(slices=6, series_uid=first.spec.series_uid, orientation=tilted))
    error = _load_error(tmp_path)
    assert isinstance(error, InconsistentSeriesError)
    assert "ImageOrientationPatient" in str(error)


def test_non_ct_only(tmp_path: Path) -> None:
    write_series(tmp_path / "mr", mr_spec())
    write_series(tmp_path / "pet", SeriesSpec(modality="PT", sop_class_uid="1.2.840.10008.5.1.4.1.1.128"))
    error = _load_error(tmp_path)
    assert isinstance(error, NotCtError)
    assert error.modalities == ("MR", "PT")
    assert "MR" in str(error) and "PT" in str(error)


def test_a_missing_slice(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    written.paths[6].unlink()  # positions 100 + 2.5 k: the gap is between 112.5 and 117.5
    error = _load_error(tmp_path)
    assert isinstance(error, MissingSliceError)
    assert "112.50" in str(error) and "117.50" in str(error)


def test_uneven_spacing(tmp_path: Path) -> None:
    positions = [(0.0, 0.0, z) for z in (0, 2.5, 5.0, 7.5, 10.3, 12.5, 15.0, 17.5)]
    write_series(tmp_path, SeriesSpec(positions=tuple(positions)))
    error = _load_error(tmp_path)
    assert isinstance(error, UnevenSpacingError)
    assert "7.50" in str(error) and "10.30" in str(error)


def test_rounding_jitter_is_not_uneven(tmp_path: Path) -> None:
    positions = [(0.0, 0.0, 2.5 * k + (0.01 if k % 2 else -0.01)) for k in range(8)]
    write_series(tmp_path, SeriesSpec(positions=tuple(positions)))
    assert load_series(tmp_path).hu.shape[0] == 8


def test_duplicate_positions(tmp_path: Path) -> None:
    positions = [(0.0, 0.0, z) for z in (0, 2.5, 5.0, 5.0, 7.5)]
    write_series(tmp_path, SeriesSpec(positions=tuple(positions)))
    assert isinstance(_load_error(tmp_path), DuplicateSliceError)


def test_an_identical_copy_of_a_file_is_skipped_not_duplicated(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "again.dcm").write_bytes(written.paths[3].read_bytes())
    volume = load_series(tmp_path)
    assert volume.hu.shape[0] == 12
    assert volume.metadata.skipped_files == 1


def test_named_series_that_does_not_exist(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    error = _load_error(tmp_path, series_uid="1.2.3.4")
    assert isinstance(error, SeriesNotFoundError)
    assert "1.2.3.4" in str(error) and written.spec.series_uid in str(error)


def test_multi_frame_images_are_refused_clearly(tmp_path: Path) -> None:
    def two_frames(ds: Dataset) -> None:
        ds.NumberOfFrames = 2

    write_series(tmp_path, SeriesSpec(slices=3), transform=two_frames)
    error = _load_error(tmp_path)
    assert isinstance(error, UnsupportedDicomError)
    assert "multi-frame" in str(error)
