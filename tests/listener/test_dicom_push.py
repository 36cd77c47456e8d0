"""DICOM push end to end: dcmtk's storescu/echoscu against a real ``manage.py dicom_listener``."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import generate_uid

from tests.listener.conftest import ListenerSite
from tests.services.conftest import dicom_files

pytestmark = pytest.mark.slow

ANALYSIS_ROWS = "SELECT series_id, model_version, status, queued_at FROM studies_analysis"
QUIET_PASSES_S = 3.5  # a few passes of the once-a-second quiet loop


def test_pushed_series_is_stored_once_and_queued_once(site: ListenerSite, ct_series: Path) -> None:
    files = dicom_files(ct_series)
    header = pydicom.dcmread(files[0], stop_before_pixels=True)
    site.start("--allow-aet", "SENDER", "--quiet-seconds", "1")

    pushed = site.storescu(files)
    assert pushed.returncode == 0, pushed.stderr
    site.wait_for("SELECT COUNT(*) FROM studies_analysis", [(1,)])
    time.sleep(QUIET_PASSES_S)

    assert site.count("studies_instance") == len(files) == len(site.stored_files())
    [(uid, instance_count, last_instance_at, source)] = site.query(
        "SELECT se.series_instance_uid, se.instance_count, se.last_instance_at, st.source "
        "FROM studies_series se JOIN studies_study st ON st.id = se.study_id"
    )
    assert (uid, instance_count, source) == (header.SeriesInstanceUID, len(files), "push")
    [(series_id, model_version, status, queued_at)] = site.query(ANALYSIS_ROWS)
    assert status == "queued" and model_version
    assert site.count("django_q_ormq") == 1  # the analysis task, in the broker's table
    assert site.staging_files() == []

    again = site.storescu(files)
    assert again.returncode == 0, again.stderr
    time.sleep(QUIET_PASSES_S)
    assert site.count("studies_instance") == len(files) == len(site.stored_files())
    assert site.query("SELECT instance_count, last_instance_at FROM studies_series") == [
        (len(files), last_instance_at)
    ]
    assert site.query(ANALYSIS_ROWS) == [(series_id, model_version, "queued", queued_at)]
    assert site.count("django_q_ormq") == 1

    assert site.stop() == 0
    log = site.log()
    assert "listener stopped" in log
    assert header.SOPInstanceUID in log  # instances are logged by UID…
    for private in (str(header.PatientName), str(header.PatientID)):
        assert private not in log  # …never by patient


def test_pending_series_survives_a_listener_restart(site: ListenerSite, ct_series: Path) -> None:
    files = dicom_files(ct_series)
    site.start("--quiet-seconds", "600")
    assert site.storescu(files).returncode == 0
    assert site.stop() == 0
    assert site.count("studies_instance") == len(files) and site.count("studies_analysis") == 0

    site.start("--quiet-seconds", "1")
    site.wait_for("SELECT status FROM studies_analysis", [("queued",)])
    time.sleep(QUIET_PASSES_S)
    assert site.count("studies_analysis") == 1 and site.count("django_q_ormq") == 1


def test_sigterm_lets_the_running_association_finish(site: ListenerSite, ct_series: Path) -> None:
    files = dicom_files(ct_series)
    site.start("--quiet-seconds", "600")
    sender = subprocess.Popen(
        ["storescu", "-aet", "SENDER", "-aec", "VCF", "127.0.0.1", str(site.port), *map(str, files * 3)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while site.count("studies_instance") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert site.stop() == 0
        output, _ = sender.communicate(timeout=120)
    finally:
        sender.kill()
    assert sender.returncode == 0, output
    assert site.count("studies_instance") == len(files)
    assert "waiting for 1 running association(s)" in site.log() and "listener stopped" in site.log()
    assert site.staging_files() == []


def test_calling_ae_not_on_the_allow_list_is_rejected(site: ListenerSite, ct_series: Path) -> None:
    site.start("--allow-aet", "SENDER", "PACS1")
    refused = site.storescu(dicom_files(ct_series)[:3], calling="STRANGER")
    assert refused.returncode != 0
    assert "Calling AE Title Not Recognized" in refused.stdout + refused.stderr
    assert site.count("studies_instance") == 0 and site.stored_files() == []

    allowed = site.storescu(dicom_files(ct_series)[:3], calling="PACS1")
    assert allowed.returncode == 0, allowed.stderr
    assert site.count("studies_instance") == 3
    assert "association from STRANGER@127.0.0.1" in site.log()


def test_non_ct_instance_is_refused_while_ct_of_the_same_association_is_stored(
    site: ListenerSite, ct_series: Path, tmp_path: Path
) -> None:
    ct = dicom_files(ct_series)[:4]
    mr = pydicom.dcmread(ct[0])
    mr.Modality = "MR"
    mr.SOPClassUID = mr.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.4"  # MR Image Storage
    mr.SOPInstanceUID = mr.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    mr.SeriesInstanceUID = generate_uid()
    mr_file = tmp_path / "mr.dcm"
    mr.save_as(mr_file, enforce_file_format=True)
    site.start("--quiet-seconds", "1")

    sent = site.storescu([ct[0], ct[1], mr_file, ct[2], ct[3]], "--no-halt", "--debug")
    output = sent.stdout + sent.stderr
    statuses = re.findall(r"DIMSE Status\s*: (0x[0-9a-fA-F]{4})", output)
    assert [int(code, 16) for code in statuses] == [0x0000, 0x0000, 0xC000, 0x0000, 0x0000], output
    assert "(0000,0902) LO [modality MR: only CT is stored and analysed]" in output  # the sender is told why
    assert site.query("SELECT DISTINCT modality FROM studies_series") == [("CT",)]
    assert site.count("studies_instance") == 4 == len(site.stored_files())
    assert site.query("SELECT 1 FROM studies_instance WHERE sop_instance_uid = ?", mr.SOPInstanceUID) == []
    assert site.staging_files() == []
    assert f"{mr.SOPInstanceUID} from SENDER@127.0.0.1" in site.log() and "modality MR" in site.log()


def test_echo_answers_and_a_wrong_called_ae_is_refused(site: ListenerSite) -> None:
    site.start("--ae-title", "VCFTEST")
    echoed = site.dcmtk("echoscu", called="VCFTEST")
    assert echoed.returncode == 0, echoed.stdout + echoed.stderr
    assert "Received Echo Response (Success)" in echoed.stdout + echoed.stderr
    wrong = site.dcmtk("echoscu", called="SOMEONE")
    assert wrong.returncode != 0
    assert "Called AE Title Not Recognized" in wrong.stdout + wrong.stderr
