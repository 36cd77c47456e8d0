"""The real DICOM listener (``manage.py dicom_listener``) fed the hostile corpus over C-STORE, sent
raw from the files (pynetdicom sends a file's data set as it is, without decoding): each bad instance
is answered "cannot understand" (0xC000) with the reason in its error comment, the listener keeps
running, a good instance after them is stored and the study stored before is untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, MRImageStorage
from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from tests.hostile import corpus
from tests.listener.conftest import ListenerSite

pytestmark = pytest.mark.slow

SUCCESS, CANNOT_UNDERSTAND = 0x0000, 0xC000
# Only those whose file meta is whole can be sent (the sender reads it to pick the context), and
# not the deep sequences, which the sender itself cannot read. A giant Pixel Data length is re-framed
# by the sender into a valid instance, so it is no test of the listener.
SENT = {
    "truncated-pixels.dcm": "pixel data holds 256 bytes",  # the sender re-frames the short value
    "giant-element.dcm": "without pixel data",  # the sender re-frames what it read: the rest
    "huge-image.dcm": "60000×60000",
    "mr.dcm": "modality MR",
    "sr.dcm": "modality SR",
    "dotdot-uid.dcm": "not a valid DICOM UID",
}


def _state(site: ListenerSite) -> dict[str, Any]:
    return {
        "rows": [
            site.query(f"SELECT * FROM {table} ORDER BY id")
            for table in ("studies_patient", "studies_study", "studies_series", "studies_instance")
        ],
        "files": {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in site.stored_files()},
    }


def _send(port: int, paths: list[Path]) -> list[tuple[int, str]]:
    ae = AE(ae_title="HOSTILE")
    for sop_class in (CTImageStorage, MRImageStorage, corpus.SR_STORAGE):
        ae.add_requested_context(sop_class, ExplicitVRLittleEndian)
    ae.add_requested_context(Verification)
    assoc = ae.associate("127.0.0.1", port, ae_title="VCF")
    assert assoc.is_established
    try:
        answers = []
        for path in paths:
            status = assoc.send_c_store(path)
            answers.append((int(status.Status), str(status.get("ErrorComment", ""))))
        assert assoc.send_c_echo().Status == SUCCESS
    finally:
        assoc.release()
    return answers


def test_the_listener_refuses_each_bad_instance_and_stores_the_next_good_one(
    site: ListenerSite, tmp_path: Path
) -> None:
    site.start("--quiet-seconds", "600")
    before_path = tmp_path / "before.dcm"
    before_path.write_bytes(corpus.ct_slice(patient_id="HOSTILE-BEFORE"))
    assert _send(site.port, [before_path]) == [(SUCCESS, "")]
    before = _state(site)

    files = {name: data for name, data in corpus.broken_files().items() if name in SENT}
    paths = corpus.write(tmp_path / "bad", files)
    good = corpus.write(tmp_path / "good", {"after.dcm": corpus.ct_slice(patient_id="HOSTILE-AFTER")})
    answers = _send(site.port, [*paths, *good])

    for path, (status, comment) in zip(paths, answers[:-1], strict=True):
        assert status == CANNOT_UNDERSTAND, (path.name, hex(status), comment)
        assert SENT[path.name] in comment, (path.name, comment)
    assert answers[-1] == (SUCCESS, "")
    assert site.process is not None and site.process.poll() is None  # still listening
    after = _state(site)
    assert len(after["files"]) == len(before["files"]) + 1
    assert {k: v for k, v in after["files"].items() if k in before["files"]} == before["files"]
    for rows_before, rows_after in zip(before["rows"], after["rows"], strict=True):
        assert rows_after[: len(rows_before)] == rows_before  # stored rows unchanged, one series added
    assert site.staging_files() == []
    assert site.stop() == 0
