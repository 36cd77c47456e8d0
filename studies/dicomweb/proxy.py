"""Studies that are not stored here but on a PACS: asked through dicomweb-client and passed on.

The first enabled PacsConnection (by name) whose QIDO-RS search finds the study answers; which one
is remembered for a few minutes. URLs in what comes back (BulkDataURI, RetrieveURL) are rewritten
to point at this server, so a viewer never talks to the PACS itself. Frames come from the PACS as
native Explicit VR Little Endian (it transcodes); instances as the PACS holds them. Any failure of
the PACS is a 502 with the one-line message of ``studies.ingest.dicomweb.talking_to``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from io import BytesIO
from typing import Any

from dicomweb_client import DICOMwebClient
from dicomweb_client.session_utils import create_session, create_session_from_user_pass
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from pydicom import Dataset, dcmwrite

from studies.dicomweb import accept, multipart, responses
from studies.dicomweb.errors import BadGateway, NotFound
from studies.dicomweb.metadata import dumps
from studies.ingest.dicomweb import (
    ANY_TRANSFER_SYNTAX,
    SERIES_UID,
    SOP_INSTANCE_UID,
    STUDY_UID,
    Item,
    PacsError,
    first_value,
    talking_to,
)
from studies.models import PacsAuth, PacsConnection

TIMEOUT_S = (5.0, 60.0)  # connect; between two bytes of an answer
FOUND_FOR_S = 300  # how long "study X is on connection Y" is remembered
RETRIEVE_URL = "00081190"
NATIVE_FRAMES = ((accept.OCTET_STREAM, accept.NATIVE),)


def client_for(connection: PacsConnection) -> DICOMwebClient:
    """A client with the connection's credentials, short timeouts and no retries (a viewer waits)."""
    if connection.auth == PacsAuth.BASIC:
        session = create_session_from_user_pass(connection.username, connection.secret)
    else:
        session = create_session()
        if connection.auth == PacsAuth.BEARER:
            session.headers["Authorization"] = f"Bearer {connection.secret}"
    client = DICOMwebClient(connection.base_url.rstrip("/"), session=session, timeout=TIMEOUT_S)
    client.set_http_retry_params(retry=False)
    return client


def _cache_key(study_uid: str) -> str:
    return f"dicomweb-proxy-study-{study_uid}"


def connection_for_study(study_uid: str) -> PacsConnection | None:
    """The enabled connection that has the study; None when none has it (or none exists);
    BadGateway when none has it and at least one could not be asked."""
    connections = list(PacsConnection.objects.filter(enabled=True).order_by("name"))
    remembered = cache.get(_cache_key(study_uid))
    for connection in connections:
        if connection.pk == remembered:
            return connection
    failures = []
    for connection in connections:
        try:
            with talking_to(connection, f"searching study {study_uid}"):
                found = client_for(connection).search_for_studies(
                    search_filters={"StudyInstanceUID": study_uid}, limit=1
                )
        except PacsError as error:
            failures.append(str(error))
            continue
        if any(first_value(item, STUDY_UID) == study_uid for item in found):
            cache.set(_cache_key(study_uid), connection.pk, FOUND_FOR_S)
            return connection
    if failures:
        raise BadGateway(f"study {study_uid} is not stored here and the PACS failed: " + "; ".join(failures))
    return None


def _ask(connection: PacsConnection, action: str, call: Any) -> Any:
    try:
        with talking_to(connection, action):
            return call()
    except PacsError as error:
        raise BadGateway(str(error)) from None


def rewrite(items: list[Item], base: str) -> list[Item]:
    """Point RetrieveURL and top-level BulkDataURIs at this server; drop nested BulkDataURIs."""
    for item in items:
        study, series, sop = (first_value(item, tag) for tag in (STUDY_UID, SERIES_UID, SOP_INSTANCE_UID))
        url = f"{base}/studies/{study}"
        if series:
            url += f"/series/{series}"
            if sop:
                url += f"/instances/{sop}"
        if RETRIEVE_URL in item:
            item[RETRIEVE_URL] = {"vr": "UR", "Value": [url]}
        for tag, element in item.items():
            if isinstance(element, dict) and "BulkDataURI" in element:
                element["BulkDataURI"] = f"{url}/bulkdata/{tag.upper()}"
            elif isinstance(element, dict) and element.get("vr") == "SQ":
                _drop_nested_uris(element.get("Value") or [])
    return items


def _drop_nested_uris(values: list[Any]) -> None:
    for nested in values:
        if not isinstance(nested, dict):
            continue
        for element in nested.values():
            if isinstance(element, dict):
                element.pop("BulkDataURI", None)
                if element.get("vr") == "SQ":
                    _drop_nested_uris(element.get("Value") or [])


def metadata(
    request: HttpRequest,
    connection: PacsConnection,
    study: str,
    series: str | None = None,
    sop: str | None = None,
) -> HttpResponse:
    client = client_for(connection)
    if sop is not None and series is not None:
        items = _ask(
            connection,
            f"reading the metadata of instance {sop}",
            lambda: client.retrieve_instance_metadata(study, series, sop),
        )
        items = [items] if isinstance(items, dict) else items
    elif series is not None:
        items = _ask(
            connection,
            f"reading the metadata of series {series}",
            lambda: client.retrieve_series_metadata(study, series),
        )
    else:
        items = _ask(
            connection,
            f"reading the metadata of study {study}",
            lambda: client.retrieve_study_metadata(study),
        )
    content = dumps(rewrite(items, responses.service_root(request)))
    return responses.plain_json(request, content)


def search(
    request: HttpRequest, connection: PacsConnection, study: str, level: str, query: dict[str, Any]
) -> HttpResponse:
    """QIDO-RS of a study's series or instances (``level``), the query passed on as it was given."""
    client = client_for(connection)
    method = client.search_for_series if level == "series" else client.search_for_instances
    items = _ask(
        connection,
        f"searching the {level} of study {study}",
        lambda: method(study_instance_uid=study, **query),
    )
    content = dumps(rewrite(items, responses.service_root(request)))
    return responses.plain_json(request, content)


def frames(
    request: HttpRequest,
    connection: PacsConnection,
    study: str,
    series: str,
    sop: str,
    numbers: Sequence[int],
) -> HttpResponse:
    choice = accept.choose_frames(request.headers.get("Accept"), accept.NATIVE)
    data = _ask(
        connection,
        f"reading frames of instance {sop}",
        lambda: client_for(connection).retrieve_instance_frames(
            study, series, sop, list(numbers), media_types=NATIVE_FRAMES
        ),
    )
    return multipart.response([(choice.part_content_type, d) for d in data], choice.media_type)


def bulkdata(
    request: HttpRequest, connection: PacsConnection, study: str, series: str, sop: str, tag: int
) -> HttpResponse:
    client = client_for(connection)
    found = _ask(
        connection,
        f"reading the metadata of instance {sop}",
        lambda: client.retrieve_instance_metadata(study, series, sop),
    )
    item = found[0] if isinstance(found, list) and found else found
    element = item.get(f"{tag:08X}") if isinstance(item, dict) else None
    uri = element.get("BulkDataURI") if isinstance(element, dict) else None
    if not uri:
        raise NotFound(f"instance {sop} has no bulk data element {tag:08X} on PACS {connection.name!r}")
    # The PACS builds its URIs from the Host header, which dicomweb-client sends without the port:
    # keep only the path below the service root and put it under the connection's base URL.
    if "/studies/" in uri:
        uri = f"{connection.base_url.rstrip('/')}/studies/{uri.split('/studies/', 1)[1]}"
    choice = accept.choose_frames(request.headers.get("Accept"), accept.NATIVE)
    data = _ask(
        connection,
        f"reading bulk data {tag:08X} of instance {sop}",
        lambda: client.retrieve_bulkdata(uri, media_types=NATIVE_FRAMES),
    )
    return multipart.response([(choice.part_content_type, d) for d in data], choice.media_type)


def instances(
    request: HttpRequest,
    connection: PacsConnection,
    study: str,
    series: str | None = None,
    sop: str | None = None,
) -> StreamingHttpResponse:
    """The instances as the PACS sends them; the first is fetched before answering, so a PACS that
    fails at once is a 502, not a broken 200."""
    asked = accept.choose_instances(request.headers.get("Accept"))
    client = client_for(connection)
    what = f"instance {sop}" if sop else f"series {series}" if series else f"study {study}"
    action = f"retrieving {what}"
    if sop is not None and series is not None:
        stream: Iterator[Dataset] = iter(
            [
                _ask(
                    connection,
                    action,
                    lambda: client.retrieve_instance(study, series, sop, media_types=ANY_TRANSFER_SYNTAX),
                )
            ]
        )
    elif series is not None:
        stream = _ask(
            connection, action, lambda: client.iter_series(study, series, media_types=ANY_TRANSFER_SYNTAX)
        )
    else:
        stream = _ask(connection, action, lambda: client.iter_study(study, media_types=ANY_TRANSFER_SYNTAX))
    first = _ask(connection, action, lambda: next(stream, None))
    if first is None:
        raise NotFound(f"PACS {connection.name!r} sent no instance of {what}")
    return multipart.streaming_response(_parts(connection, action, first, stream, asked), accept.DICOM)


def _parts(
    connection: PacsConnection, action: str, first: Dataset, stream: Iterator[Dataset], asked: str | None
) -> Iterator[tuple[str, list[bytes]]]:
    dataset: Dataset | None = first
    while dataset is not None:
        syntax = str(dataset.file_meta.TransferSyntaxUID)
        if asked not in ("*", syntax) and syntax not in accept.NATIVE_SYNTAXES:
            dataset.decompress()
            syntax = accept.NATIVE
        out = BytesIO()
        dcmwrite(out, dataset, enforce_file_format=True)
        yield f"{accept.DICOM}; transfer-syntax={syntax}", [out.getvalue()]
        # A failure now cannot change the status (the answer has started): the exception aborts it,
        # so the client sees a broken body rather than a complete one.
        with talking_to(connection, action):
            dataset = next(stream, None)
