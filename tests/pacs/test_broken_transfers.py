"""Transfers that break off halfway: what was fully received stays stored, nothing else does, the
series is not analysed until a later pull completes it.

Orthanc cannot be made to cut an answer short, so a small scripted DICOMweb server plays the PACS
(bound to 127.0.0.1; the real dicomweb-client, store and ingest are used)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pydicom
import pytest

from studies.ingest.store import DicomStore
from studies.models import Analysis, Instance, PacsConnection, Series
from studies.services.pacs import PacsError, pull_studies
from tests.services.conftest import dicom_files, write_series

pytestmark = pytest.mark.django_db

BOUNDARY = "vcf-test-boundary"
DAY = date(2024, 3, 4)


class ScriptedPacs:
    """Serves one study with one series of ``files``; ``mode`` says how the series answer ends:
    "whole", "cut" (the last instance cut off in the middle, connection closed) or "short" (a
    well-formed answer that leaves the last instance out)."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        first = pydicom.dcmread(files[0], stop_before_pixels=True)
        self.study_uid, self.series_uid = str(first.StudyInstanceUID), str(first.SeriesInstanceUID)
        self.sops = [str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID) for f in files]
        self.mode = "whole"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/dicom-web"

    def _qido(self, path: list[str]) -> list[dict[str, object]]:
        def tag(vr: str, value: object) -> dict[str, object]:
            return {"vr": vr, "Value": [value]}

        if path == ["studies"]:
            return [{"0020000D": tag("UI", self.study_uid), "00080061": tag("CS", "CT")}]
        if path[-1] == "series":
            return [{"0020000E": tag("UI", self.series_uid), "00201209": tag("IS", len(self.files))}]
        return [{"00080018": tag("UI", sop)} for sop in self.sops]

    def _parts(self, path: list[str]) -> bytes:
        if path[-2] == "instances":
            chosen = [self.files[self.sops.index(path[-1])]]
        else:
            chosen = self.files[:-1] if self.mode == "short" else self.files
        body = b""
        for number, file in enumerate(chosen, start=1):
            data = file.read_bytes()
            if self.mode == "cut" and number == len(chosen) and len(chosen) > 1:
                return body + self._head() + data[: len(data) // 2]  # no closing delimiter either
            body += self._head() + data + b"\r\n"
        return body + f"--{BOUNDARY}--\r\n".encode()

    @staticmethod
    def _head() -> bytes:
        return f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n".encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        pacs = self

        class Handler(BaseHTTPRequestHandler):  # HTTP/1.0: no length, the body ends when we close
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                path = url.path.removeprefix("/dicom-web/").split("/")
                if path[-1] in {"studies", "series", "instances"}:
                    offset = int(parse_qs(url.query).get("offset", ["0"])[0])
                    body = json.dumps(pacs._qido(path) if offset == 0 else []).encode()
                    content_type = "application/dicom+json"
                else:
                    body = pacs._parts(path)
                    content_type = f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> ScriptedPacs:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pacs(tmp_path: Path) -> Iterator[ScriptedPacs]:
    files = dicom_files(write_series(tmp_path / "series", levels=("L1", "L2")))[:3]
    with ScriptedPacs(files) as server:
        yield server


def pull(pacs: ScriptedPacs) -> PacsConnection:
    connection, _ = PacsConnection.objects.get_or_create(name="scripted", defaults={"base_url": pacs.url})
    pull_studies(connection=connection, since=DAY, until=DAY)
    return connection


def assert_only_whole_instances_stored(pacs: ScriptedPacs, count: int) -> None:
    assert sorted(Instance.objects.values_list("sop_instance_uid", flat=True)) == sorted(pacs.sops[:count])
    store = DicomStore()
    for instance, file in zip(Instance.objects.order_by("instance_number"), pacs.files, strict=False):
        assert store.absolute(instance.relative_path).read_bytes() == file.read_bytes()
    assert list(store.staging_dir.iterdir()) == []


def test_answer_cut_off_inside_an_instance(pacs: ScriptedPacs) -> None:
    pacs.mode = "cut"
    with pytest.raises(PacsError) as caught:
        pull(pacs)
    assert str(caught.value).startswith(
        f"PACS 'scripted' sent a cut-off instance while retrieving series {pacs.series_uid} ("
    )
    assert_only_whole_instances_stored(pacs, 2)
    assert Analysis.objects.count() == 0
    assert PacsConnection.objects.get().last_error == str(caught.value)


def test_answer_missing_an_instance_then_a_later_pull_completes_the_series(pacs: ScriptedPacs) -> None:
    pacs.mode = "short"
    with pytest.raises(
        PacsError, match=rf"^PACS 'scripted' sent 2 of the 3 instances of series {pacs.series_uid}$"
    ):
        pull(pacs)
    assert_only_whole_instances_stored(pacs, 2)
    assert Analysis.objects.count() == 0

    pacs.mode = "whole"
    connection = pull(pacs)
    assert_only_whole_instances_stored(pacs, 3)
    assert Series.objects.get().instance_count == 3
    assert Analysis.objects.filter(series__series_instance_uid=pacs.series_uid).count() == 1
    assert connection.last_error == ""
