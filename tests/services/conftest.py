from __future__ import annotations

from pathlib import Path

import pytest

from inference.phantom import FractureSpec, PhantomSpec, SeriesIdentity, generate_phantom, write_phantom


def small_spec(**changes: object) -> PhantomSpec:
    values: dict[str, object] = {
        "seed": 77,
        "levels": ("T11", "L3"),
        "size": 128,
        "pixel_mm": 2.6,
        "slice_mm": 2.5,
        "fractures": (FractureSpec("L1", "wedge", 35.0),),
    }
    values.update(changes)
    return PhantomSpec(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def phantom_series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small CT phantom series as DICOM files (read-only for tests: copy before changing)."""
    folder = tmp_path_factory.mktemp("phantom-series")
    write_phantom(generate_phantom(small_spec()), folder)
    return folder


def write_series(folder: Path, **changes: object) -> Path:
    identity = changes.pop("identity", None)
    phantom = generate_phantom(small_spec(**changes))
    if identity is not None:
        assert isinstance(identity, SeriesIdentity)
        write_phantom(phantom, folder, identity=identity)
    else:
        write_phantom(phantom, folder)
    return folder


def dicom_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.dcm"))
