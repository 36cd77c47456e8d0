"""Talking DICOMweb to a PACS: a client per connection, paged QIDO-RS searches, and errors a person
can act on.

Every request failure (refused, timed out, HTTP error status, a body that is not DICOMweb) becomes a
``PacsError`` with a one-line message naming the connection and what was being asked. Nothing here
writes to the database; ``studies.services.pacs`` does.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from dicomweb_client import DICOMwebClient
from dicomweb_client.session_utils import create_session, create_session_from_user_pass
from pydicom import Dataset, dcmwrite
from pydicom.errors import InvalidDicomError

from studies.ingest.store import StoreFullError, disk_full
from studies.models import PacsAuth, PacsConnection

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 120.0  # between two bytes of an answer, not for the whole answer
# dicomweb-client retries refused/broken connections and 408/429/503/504 answers, waiting 1 s then
# 2 s; other HTTP errors (401, 404, ...) fail at once.
RETRY_ATTEMPTS = 3
# Retrieve in whatever transfer syntax the PACS holds: no transcoding on its side, and the
# compressed syntaxes are decoded here (pylibjpeg plugins).
ANY_TRANSFER_SYNTAX: tuple[tuple[str, str], ...] = (("application/dicom", "*"),)

STUDY_UID = "0020000D"
SERIES_UID = "0020000E"
SOP_INSTANCE_UID = "00080018"
MODALITIES_IN_STUDY = "00080061"
NUMBER_OF_SERIES_RELATED_INSTANCES = "00201209"

Item = dict[str, Any]  # one DICOM JSON data set of a QIDO-RS answer


class PacsError(Exception):
    """The PACS could not be searched or read; the message is one line a person can act on."""


def client_for(connection: PacsConnection) -> DICOMwebClient:
    """A client with the connection's credentials and the module's timeouts."""
    if connection.auth == PacsAuth.BASIC:
        session = create_session_from_user_pass(connection.username, connection.secret)
    else:
        session = create_session()
        if connection.auth == PacsAuth.BEARER:
            session.headers["Authorization"] = f"Bearer {connection.secret}"
    client = DICOMwebClient(
        connection.base_url.rstrip("/"), session=session, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
    )
    client.set_http_retry_params(retry=True, max_attempts=RETRY_ATTEMPTS, wait_exponential_multiplier=500)
    return client


_CREDENTIAL_HINTS = {
    PacsAuth.NONE: "it wants credentials",
    PacsAuth.BASIC: "check the user name and password",
    PacsAuth.BEARER: "check the token",
}
_ERRNO_TEXT = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _reason(error: BaseException) -> str:
    match = _ERRNO_TEXT.search(str(error))
    if match:
        return match.group(1).strip().rstrip(".").lower()
    return type(error).__name__


@contextmanager
def talking_to(connection: PacsConnection, action: str) -> Iterator[None]:
    """Turn whatever goes wrong while ``action`` (e.g. "searching studies") into a PacsError."""
    where = f"PACS {connection.name!r}"
    try:
        yield
    except requests.HTTPError as error:
        response = error.response
        status = f"HTTP {response.status_code} {response.reason}" if response is not None else "an HTTP error"
        hint = ""
        if response is not None and response.status_code in (401, 403):
            hint = f": {_CREDENTIAL_HINTS[PacsAuth(connection.auth)]}"
        raise PacsError(f"{where} answered {status} while {action}{hint}") from None
    except requests.ConnectTimeout:
        raise PacsError(
            f"{where} is unreachable at {connection.base_url} (no connection within {CONNECT_TIMEOUT_S:g} s)"
        ) from None
    except requests.Timeout:
        raise PacsError(
            f"{where} did not answer within {READ_TIMEOUT_S:g} s while {action} ({connection.base_url})"
        ) from None
    except requests.ConnectionError as error:
        raise PacsError(f"{where} is unreachable at {connection.base_url} ({_reason(error)})") from None
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
        raise PacsError(f"{where}: the answer broke off while {action}") from None
    except requests.RequestException as error:
        raise PacsError(f"{where}: request failed while {action} ({type(error).__name__})") from None
    except (ValueError, KeyError, TypeError, InvalidDicomError, EOFError) as error:
        # A body that is not DICOM JSON / multipart DICOM (requests' JSONDecodeError is a ValueError).
        detail = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise PacsError(
            f"{where} sent an answer that is not valid DICOMweb while {action} ({detail})"
        ) from None


def paged(search: Callable[[int, int], list[Item]], *, key: str, page_size: int) -> Iterator[Item]:
    """Every result of a QIDO-RS search, asked for ``page_size`` at a time (limit/offset) until an
    empty page. Results are told apart by ``key`` (a UID tag): one seen before is not yielded again,
    and a page with nothing new ends the search (a server that ignores offset)."""
    seen: set[str] = set()
    offset = 0
    while True:
        page = search(page_size, offset)
        fresh = [item for item in page if (uid := first_value(item, key)) and uid not in seen]
        if not fresh:
            return
        for item in fresh:
            seen.add(str(first_value(item, key)))
            yield item
        offset += len(page)


def first_value(item: Item, tag: str) -> Any:
    """The first value of ``tag`` in a DICOM JSON data set, or None."""
    element = item.get(tag)
    if not isinstance(element, dict):
        return None
    values = element.get("Value")
    return values[0] if isinstance(values, list) and values else None


def has_modality(study: Item, modality: str) -> bool:
    """Whether a study result lists ``modality`` in ModalitiesInStudy (True when it lists none)."""
    element = study.get(MODALITIES_IN_STUDY)
    values = element.get("Value") if isinstance(element, dict) else None
    if not isinstance(values, list) or not values:
        return True
    return modality.upper() in {str(v).strip().upper() for v in values}


def count_value(item: Item, tag: str) -> int | None:
    value = first_value(item, tag)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def cut_short(dataset: Dataset) -> str | None:
    """What is missing when a retrieved instance's native pixel data is shorter than its header
    says (an answer cut off inside the last part is otherwise read without complaint); else None.
    Compressed pixel data is not checked here: a cut-off HTTP answer raises on its own."""
    syntax = getattr(getattr(dataset, "file_meta", None), "TransferSyntaxUID", None)
    if "PixelData" not in dataset or syntax is None or syntax.is_compressed:
        return None
    try:
        rows, columns, bits = int(dataset.Rows), int(dataset.Columns), int(dataset.BitsAllocated)
        samples = int(dataset.get("SamplesPerPixel") or 1)
        frames = int(dataset.get("NumberOfFrames") or 1)
    except (AttributeError, TypeError, ValueError):
        return None
    expected = (rows * columns * samples * frames * bits + 7) // 8
    actual = len(dataset.PixelData)
    return f"{actual} of {expected} bytes of pixel data" if actual < expected else None


def write_staged(dataset: Dataset, *, staging_dir: Path) -> Path:
    """Write a retrieved instance as a DICOM file in ``staging_dir``; the caller deletes it. A full
    disk is a ``StoreFullError`` (the pull fails with it; nothing half-written stays)."""
    try:
        handle, name = tempfile.mkstemp(prefix="pacs-", suffix=".dcm", dir=staging_dir)
    except OSError as error:
        if disk_full(error):
            raise StoreFullError(staging_dir.parent, error) from error
        raise
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            dcmwrite(out, dataset, enforce_file_format=True)
    except BaseException as error:
        path.unlink(missing_ok=True)
        if disk_full(error):
            raise StoreFullError(staging_dir.parent, error) from error
        raise
    return path
