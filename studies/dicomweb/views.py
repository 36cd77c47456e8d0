"""WADO-RS: metadata, frames, bulk data and whole instances of stored studies.

A study that is not stored here is asked of the PACS connections (``proxy``); a study that is stored
but lacks the series or instance asked is a 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from pydicom import dcmread

from studies.dicomweb import accept, frames, metadata, multipart, proxy, responses, selectors
from studies.dicomweb.auth import dicomweb_view
from studies.dicomweb.dicom_json import PIXEL_DATA, read_header
from studies.dicomweb.errors import BadRequest, DicomWebError, NotAcceptable, NotFound, check_uid
from studies.dicomweb.selectors import StoredInstance
from studies.models import PacsConnection

FRAME_MAX_AGE_S = 24 * 3600  # a stored instance never changes
CHUNK = 1 << 20


def _remote(study_uid: str) -> PacsConnection:
    """The PACS connection holding a study that is not stored here, or 404."""
    connection = proxy.connection_for_study(study_uid)
    if connection is None:
        raise NotFound(f"study {study_uid} is not stored here")
    return connection


def _instance(study: str, series: str, sop: str) -> StoredInstance | None:
    """The stored instance; None when its study is not stored (ask the PACS); 404 otherwise."""
    (
        check_uid(study, "StudyInstanceUID"),
        check_uid(series, "SeriesInstanceUID"),
        check_uid(sop, "SOPInstanceUID"),
    )
    item = selectors.get_instance(study, series, sop)
    if item is None and selectors.get_study(study) is not None:
        raise NotFound(f"instance {sop} of series {series} is not stored in study {study}")
    return item


@dicomweb_view
def series_metadata(request: HttpRequest, study: str, series: str) -> HttpResponseBase:
    check_uid(study, "StudyInstanceUID"), check_uid(series, "SeriesInstanceUID")
    responses.check_json_accepted(request)
    row = selectors.get_series(study, series)
    if row is None:
        if selectors.get_study(study) is not None:
            raise NotFound(f"series {series} is not stored in study {study}")
        return proxy.metadata(request, _remote(study), study, series)
    base = responses.service_root(request)
    etag = metadata.series_etag(row, base)
    if responses.etag_matches(request, etag):
        return responses.not_modified(etag)
    body = metadata.series_metadata(row, base, want_gzip=responses.accepts_gzip(request))
    return responses.json_body(request, body)


@dicomweb_view
def study_metadata(request: HttpRequest, study: str) -> HttpResponseBase:
    check_uid(study, "StudyInstanceUID")
    responses.check_json_accepted(request)
    row = selectors.get_study(study)
    if row is None:
        return proxy.metadata(request, _remote(study), study)
    base = responses.service_root(request)
    series = selectors.study_series(row)
    etags = [metadata.series_etag(s, base) for s in series]
    etag = f'"st-{hashlib.sha256("".join(etags).encode()).hexdigest()[:32]}"'
    if responses.etag_matches(request, etag):
        return responses.not_modified(etag)
    bodies = [metadata.series_metadata(s, base, want_gzip=False).plain for s in series]
    return responses.json_body(request, metadata.Body(etag, metadata.join_arrays(bodies)))


@dicomweb_view
def instance_metadata(request: HttpRequest, study: str, series: str, sop: str) -> HttpResponseBase:
    responses.check_json_accepted(request)
    item = _instance(study, series, sop)
    if item is None:
        return proxy.metadata(request, _remote(study), study, series, sop)
    content = metadata.dumps([metadata.instance_metadata(item, responses.service_root(request))])
    return responses.plain_json(request, content)


@dicomweb_view
def instance_frames(
    request: HttpRequest, study: str, series: str, sop: str, frame_list: str
) -> HttpResponseBase:
    numbers = responses.frame_numbers(frame_list)
    item = _instance(study, series, sop)
    if item is None:
        return proxy.frames(request, _remote(study), study, series, sop, numbers)
    ds, layout = frames.read_layout(item.path)
    frames.check_numbers(numbers, layout)
    choice = accept.choose_frames(request.headers.get("Accept"), str(layout.transfer_syntax))
    if choice.as_stored:
        data = frames.stored_frames(item.path, layout, numbers)
    else:
        data = frames.decoded_frames(item.path, ds, numbers)
    response = multipart.response([(choice.part_content_type, d) for d in data], choice.media_type)
    response["Cache-Control"] = f"private, max-age={FRAME_MAX_AGE_S}"
    return response


@dicomweb_view
def bulkdata(request: HttpRequest, study: str, series: str, sop: str, tag: str) -> HttpResponseBase:
    try:
        number = int(tag, 16) if len(tag) == 8 else -1
    except ValueError:
        number = -1
    if number < 0:
        raise BadRequest(f"bulk data tag {tag[:20]!r} must be 8 hexadecimal digits (e.g. 7FE00010)")
    item = _instance(study, series, sop)
    if item is None:
        return proxy.bulkdata(request, _remote(study), study, series, sop, number)
    if number == PIXEL_DATA:
        return _pixel_bulkdata(request, item)
    value = frames.element_bytes(item.path, read_header(item.path), number)
    if value is None:
        raise NotFound(f"instance {sop} has no binary element {tag.upper()}")
    response = multipart.response([(accept.OCTET_STREAM, value)], accept.OCTET_STREAM)
    response["Cache-Control"] = f"private, max-age={FRAME_MAX_AGE_S}"
    return response


def _pixel_bulkdata(request: HttpRequest, item: StoredInstance) -> HttpResponse:
    """Native pixel data as one part (the stored value); encapsulated as one part per frame."""
    ds, layout = frames.read_layout(item.path)
    choice = accept.choose_frames(request.headers.get("Accept"), str(layout.transfer_syntax))
    numbers = list(range(1, layout.frames + 1))
    if not choice.as_stored:
        data = [b"".join(frames.decoded_frames(item.path, ds, numbers))]
    elif layout.encapsulated:
        data = frames.stored_frames(item.path, layout, numbers)
    else:
        with item.path.open("rb") as fp:
            fp.seek(layout.offset)
            data = [fp.read(layout.length)]
    response = multipart.response([(choice.part_content_type, d) for d in data], choice.media_type)
    response["Cache-Control"] = f"private, max-age={FRAME_MAX_AGE_S}"
    return response


@dicomweb_view
def retrieve_study(request: HttpRequest, study: str) -> HttpResponseBase:
    check_uid(study, "StudyInstanceUID")
    asked = accept.choose_instances(request.headers.get("Accept"))
    if selectors.get_study(study) is None:
        return proxy.instances(request, _remote(study), study)
    return _instances_response(selectors.study_instances(study), asked)


@dicomweb_view
def retrieve_series(request: HttpRequest, study: str, series: str) -> HttpResponseBase:
    check_uid(study, "StudyInstanceUID"), check_uid(series, "SeriesInstanceUID")
    asked = accept.choose_instances(request.headers.get("Accept"))
    row = selectors.get_series(study, series)
    if row is None:
        if selectors.get_study(study) is not None:
            raise NotFound(f"series {series} is not stored in study {study}")
        return proxy.instances(request, _remote(study), study, series)
    return _instances_response(selectors.series_instances(row), asked)


@dicomweb_view
def retrieve_instance(request: HttpRequest, study: str, series: str, sop: str) -> HttpResponseBase:
    asked = accept.choose_instances(request.headers.get("Accept"))
    item = _instance(study, series, sop)
    if item is None:
        return proxy.instances(request, _remote(study), study, series, sop)
    return _instances_response([item], asked)


def _instances_response(items: list[StoredInstance], asked: str | None) -> StreamingHttpResponse:
    """The files, streamed; as stored unless the client wants a syntax they are not stored in
    (then decoded to Explicit VR Little Endian, the only other syntax offered)."""
    for item in items:
        stored = item.transfer_syntax_uid or accept.NATIVE
        if asked not in (None, "*", accept.NATIVE, stored):
            raise NotAcceptable(
                f"instance {item.sop_uid} is stored in {stored}; it can be sent as stored "
                f"(transfer-syntax=* or {stored}) or as {accept.NATIVE}, not as {asked}"
            )
    return multipart.streaming_response(_instance_parts(items, asked), accept.DICOM)


def _instance_parts(items: list[StoredInstance], asked: str | None) -> Iterator[tuple[str, Iterable[bytes]]]:
    for item in items:
        stored = item.transfer_syntax_uid or accept.NATIVE
        if asked == "*" or asked == stored or stored in accept.NATIVE_SYNTAXES:
            yield f"{accept.DICOM}; transfer-syntax={stored}", _file_chunks(item.path)
        else:
            yield f"{accept.DICOM}; transfer-syntax={accept.NATIVE}", [_decompressed(item.path)]


def _file_chunks(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as fp:
            while chunk := fp.read(CHUNK):
                yield chunk
    except OSError as error:  # the answer has started: end it broken rather than complete
        raise DicomWebError(f"stored file {path.name} cannot be read ({error})", status=500) from None


def _decompressed(path: Path) -> bytes:
    ds = dcmread(path)
    ds.decompress()
    out = BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()
