"""A small real CT (lumbar spine, L2–L4 partly, 1.5 mm, with vertebra masks) fetched at run time
from the PyPI wheel of TPTBox 1.1.0 into var/cache (never committed)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CACHE = PROJECT_ROOT / "var" / "cache" / "tptbox-1.1.0"
SAMPLE = "TPTBox/tests/sample_ct/"
FILES = {
    "ct": "sub-ct_label-22_ct.nii.gz",
    "vertebrae": "sub-ct_seg-vert_label-22_msk.nii.gz",
    "subregions": "sub-ct_seg-subreg_label-22_msk.nii.gz",
}
# TPTBox label conventions: vertebrae 20–25 are L1–L6; subregions 49 and 50 are the vertebral body.
LUMBAR_BASE = 19
BODY_SUBREGIONS = (49, 50)


@dataclass(frozen=True)
class RealSample:
    hu: np.ndarray  # [k, j, i] as CtVolume expects
    affine_lps: np.ndarray  # (i, j, k, 1) -> LPS mm
    vertebrae: np.ndarray  # same layout as the NIfTI array
    subregions: np.ndarray

    def body_centroid_lps(self, label: str) -> np.ndarray:
        code = LUMBAR_BASE + int(label.removeprefix("L"))
        body = (self.vertebrae == code) & np.isin(self.subregions, BODY_SUBREGIONS)
        index = np.argwhere(body).mean(axis=0)
        return (self.affine_lps @ np.r_[index, 1.0])[:3]


def _fetch() -> Path:
    folder = CACHE / "sample_ct"
    if all((folder / name).is_file() for name in FILES.values()):
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "tptbox==1.1.0", "-d", str(CACHE)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    wheels = sorted(CACHE.glob("tptbox-1.1.0-*.whl"))
    if done.returncode != 0 or not wheels:
        pytest.skip(f"cannot download tptbox==1.1.0 from PyPI: {done.stderr.strip()[-300:]}")
    folder.mkdir(exist_ok=True)
    with zipfile.ZipFile(wheels[0]) as wheel:
        for name in FILES.values():
            (folder / name).write_bytes(wheel.read(SAMPLE + name))
    return folder


@pytest.fixture(scope="session")
def real_sample() -> RealSample:
    nibabel = pytest.importorskip("nibabel")
    folder = _fetch()
    ct = nibabel.load(folder / FILES["ct"])
    data = np.asarray(ct.dataobj).astype(np.int16)
    return RealSample(
        hu=np.ascontiguousarray(data.transpose(2, 1, 0)),
        affine_lps=np.diag([-1.0, -1.0, 1.0, 1.0]) @ ct.affine,
        vertebrae=np.asarray(nibabel.load(folder / FILES["vertebrae"]).dataobj),
        subregions=np.asarray(nibabel.load(folder / FILES["subregions"]).dataobj),
    )
