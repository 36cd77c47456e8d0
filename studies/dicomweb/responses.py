"""Building DICOMweb answers: JSON with ETag/gzip, the service's base URL, request parsing helpers."""

from __future__ import annotations

import gzip
import hashlib
import re

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from studies.dicomweb.errors import BadRequest, NotAcceptable
from studies.dicomweb.metadata import Body

DICOM_JSON = "application/dicom+json"
_JSON_TYPES = ("application/dicom+json", "application/json", "application/*", "*/*", "multipart/related")


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def service_root(request: HttpRequest) -> str:
    """The absolute URL of the DICOMweb service as this client reaches it (no trailing slash).

    dicomweb-client (0.59–0.61 at least) sends ``Host`` without the port for its non-streamed
    requests. For a loopback host on a non-default port (the development server, tests, a local
    benchmark) the port the request came in on is put back; a public host name is used as sent
    (behind a proxy the port of this process is not the one clients use)."""
    root = request.build_absolute_uri(reverse("dicomweb:studies")).removesuffix("/studies")
    host = request.get_host()
    port = str(request.META.get("SERVER_PORT") or "")
    if host in _LOOPBACK_HOSTS and port and port != _DEFAULT_PORTS.get(request.scheme or "", ""):
        root = root.replace(f"://{host}", f"://{host}:{port}", 1)
    return root


def accepts_gzip(request: HttpRequest) -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def check_json_accepted(request: HttpRequest) -> None:
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return
    if not any(t in accept.lower() for t in _JSON_TYPES):
        raise NotAcceptable(
            f"this resource is sent as {DICOM_JSON}; the Accept header asks for {accept[:100]!r}"
        )


def etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def json_body(request: HttpRequest, body: Body) -> HttpResponse:
    """200 with ``body`` (gzipped when the client takes gzip), or 304 when the client has it."""
    if etag_matches(request, body.etag):
        return not_modified(body.etag)
    use_gzip = accepts_gzip(request)
    content = body.plain
    if use_gzip:
        content = body.gzipped if body.gzipped is not None else gzip.compress(body.plain, 6, mtime=0)
    response = HttpResponse(content, content_type=DICOM_JSON)
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = body.etag
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def plain_json(request: HttpRequest, content: bytes) -> HttpResponse:
    """A JSON answer without a cache entry; its ETag is a hash of the bytes."""
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    return json_body(request, Body(etag, content))


def frame_numbers(text: str) -> list[int]:
    """ "1,2,5" → [1, 2, 5]; BadRequest for anything else."""
    numbers = []
    for part in text.split(","):
        part = part.strip()
        if not re.fullmatch(r"[0-9]{1,9}", part) or int(part) < 1:  # isdigit() also takes "²"
            raise BadRequest(f"frame list {text[:80]!r} must be frame numbers from 1, separated by commas")
        numbers.append(int(part))
    return numbers
