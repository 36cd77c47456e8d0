"""A real Orthanc with its DICOMweb plugin, as a subprocess on 127.0.0.1, for the PACS pull tests.

Orthanc binds every interface whatever its configuration says, so it may only run inside a network
namespace whose only interface is loopback: ``loopback_only_reason()`` says why not when it is not,
and ``OrthancServer.start`` refuses to run then. scripts/test-pacs.sh makes such a namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests

ORTHANC_BINARIES = ("Orthanc", "/usr/sbin/Orthanc")
PLUGIN_PACKAGE = "orthanc-dicomweb"
START_TIMEOUT_S = 30.0
USER = "vcf-test"
PASSWORD = "orthanc-test-password"


def loopback_only_reason() -> str | None:
    """None when this process may start Orthanc; otherwise why not."""
    if os.environ.get("VCF_TEST_NETNS") != "1":
        return "needs a loopback-only network namespace: run scripts/test-pacs.sh (sets VCF_TEST_NETNS=1)"
    interfaces = sorted(os.listdir("/sys/class/net"))
    if interfaces != ["lo"]:
        return (
            f"VCF_TEST_NETNS=1 but this process sees network interfaces {', '.join(interfaces)}; "
            "Orthanc listens on all interfaces, so only loopback may exist (run scripts/test-pacs.sh)"
        )
    return None


def orthanc_binary() -> str:
    for candidate in ORTHANC_BINARIES:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("Orthanc is not installed (scripts/system-packages.sh installs it)")


def dicomweb_plugin() -> Path:
    """The DICOMweb plugin library, as the Debian package lists it."""
    listing = subprocess.run(["dpkg", "-L", PLUGIN_PACKAGE], capture_output=True, text=True, check=False)
    libraries = [Path(line) for line in listing.stdout.splitlines() if ".so" in Path(line).name]
    in_plugins = [p for p in libraries if "plugins" in p.parts] or libraries
    if listing.returncode != 0 or not in_plugins:
        raise RuntimeError(f"{PLUGIN_PACKAGE} is not installed (scripts/system-packages.sh installs it)")
    return in_plugins[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OrthancServer:
    def __init__(self, folder: Path, *, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = folder / "orthanc.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dicomweb_url(self) -> str:
        return f"{self.url}/dicom-web"

    def write_config(self) -> Path:
        for name in ("storage", "index", "tmp"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        config = {
            "Name": "VCF-TEST-PACS",
            "StorageDirectory": str(self.folder / "storage"),
            "IndexDirectory": str(self.folder / "index"),
            "TemporaryDirectory": str(self.folder / "tmp"),
            "StorageCompression": False,
            "HttpServerEnabled": True,
            "HttpPort": self.port,
            "HttpThreadsCount": 4,
            "DicomServerEnabled": False,
            "DicomPort": free_port(),
            "RemoteAccessAllowed": False,
            "AuthenticationEnabled": True,
            "RegisteredUsers": {USER: PASSWORD},
            "SslEnabled": False,
            "ConcurrentJobs": 1,
            "SaveJobs": False,
            "Plugins": [str(dicomweb_plugin())],
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": False, "Ssl": False},
        }
        path = self.folder / "orthanc.json"
        path.write_text(json.dumps(config, indent=1))
        return path

    def start(self) -> None:
        reason = loopback_only_reason()
        if reason is not None:
            raise RuntimeError(f"refusing to start Orthanc: {reason}")
        config = self.write_config()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [orthanc_binary(), str(config)], cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Orthanc exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                answer = requests.get(f"{self.url}/system", auth=(USER, PASSWORD), timeout=2)
                if answer.ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Orthanc did not answer /system within {START_TIMEOUT_S:g} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def upload(self, files: list[Path]) -> None:
        """POST each file to /instances (Orthanc's own REST API)."""
        with requests.Session() as session:
            session.auth = (USER, PASSWORD)
            for path in files:
                answer = session.post(
                    f"{self.url}/instances",
                    data=path.read_bytes(),
                    headers={"Content-Type": "application/dicom"},
                    timeout=30,
                )
                answer.raise_for_status()
                if answer.json().get("Status") not in {"Success", "AlreadyStored"}:
                    raise RuntimeError(f"Orthanc did not store {path.name}: {answer.text[:200]}")
