"""Files of the DICOMweb metadata cache, under ``VCF_DATA_DIR/dicomweb-cache``.

Every file is written to a temporary name in the same folder and renamed into place, so a reader
sees a whole file or none; two requests building the same entry at once both write the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

CACHE_FOLDER = "dicomweb-cache"


def cache_root() -> Path:
    return Path(settings.VCF_DATA_DIR) / CACHE_FOLDER


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise


def read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def prune(folder: Path, *, keep_prefix: str) -> None:
    """Delete the entries of ``folder`` whose names do not start with ``keep_prefix`` (stale
    versions); temporary files of writers still at work are left alone."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.startswith((keep_prefix, ".tmp-")):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
