"""Where stored DICOM files live: ``VCF_DATA_DIR/dicom/<study>/<series>/<sop>.dcm``.

UIDs are checked (digits and dots) before they become path parts, so no name can climb out of the
store. Files arrive in ``VCF_DATA_DIR/staging`` first and are moved into place with an atomic
rename on the same file system: a reader never sees half a file, and a crash leaves at most a
staging file, never a broken stored one. A full disk is a ``StoreFullError`` that names the data
folder, and the half-written staging file is removed.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TypeGuard

from django.conf import settings

from studies.ingest.headers import UID_PATTERN, IngestError

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class StoreFullError(OSError):
    """No space (or quota) left in the data folder: nothing more can be stored until some is freed.
    Not an ``IngestError``: the file is fine, so it is not rejected; the whole ingest stops."""

    def __init__(self, root: Path, error: OSError) -> None:
        super().__init__(
            error.errno,
            f"the data folder {root} is full ({os.strerror(error.errno or errno.ENOSPC).lower()}): "
            "nothing more was stored; free some space and send the rest again",
        )


def disk_full(error: BaseException) -> TypeGuard[OSError]:
    return isinstance(error, OSError) and error.errno in _FULL


class DicomStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root if root is not None else settings.VCF_DATA_DIR)

    @property
    def staging_dir(self) -> Path:
        path = self.root / "staging"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def series_dir(self, study_uid: str, series_uid: str) -> str:
        for uid in (study_uid, series_uid):
            if not UID_PATTERN.match(uid):
                raise IngestError(f"{uid[:80]!r} is not a valid DICOM UID")
        return str(PurePosixPath("dicom", study_uid, series_uid))

    def instance_path(self, study_uid: str, series_uid: str, sop_uid: str) -> str:
        if not UID_PATTERN.match(sop_uid):
            raise IngestError(f"{sop_uid[:80]!r} is not a valid DICOM UID")
        return str(PurePosixPath(self.series_dir(study_uid, series_uid), f"{sop_uid}.dcm"))

    def absolute(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise IngestError("stored path leaves the data folder")
        return path

    def stage_copy(self, source: Path) -> Path:
        """A private copy of ``source`` in the staging folder (same file system as the store)."""
        handle, name = self._mkstemp()
        staged = Path(name)
        try:
            with os.fdopen(handle, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, length=1 << 20)
                out.flush()
                os.fsync(out.fileno())
        except BaseException as error:
            staged.unlink(missing_ok=True)
            if disk_full(error):
                raise StoreFullError(self.root, error) from error
            raise
        return staged

    def stage_chunks(self, chunks: Iterable[bytes]) -> Path:
        handle, name = self._mkstemp()
        staged = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException as error:
            staged.unlink(missing_ok=True)
            if disk_full(error):
                raise StoreFullError(self.root, error) from error
            raise
        return staged

    def _mkstemp(self) -> tuple[int, str]:
        try:
            return tempfile.mkstemp(prefix="in-", suffix=".dcm", dir=self.staging_dir)
        except OSError as error:
            if disk_full(error):
                raise StoreFullError(self.root, error) from error
            raise

    def place(self, staged: Path, relative: str) -> Path:
        """Move a staged file to its stored place (atomic rename)."""
        target = self.absolute(relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            if disk_full(error):
                raise StoreFullError(self.root, error) from error
            raise
        os.replace(staged, target)
        return target
