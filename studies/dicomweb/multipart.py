"""multipart/related bodies (PS3.18 8.6.1.2): one part per frame, bulk data value or instance.

Each part starts with ``--boundary`` and one ``Content-Type`` header (spelt exactly so:
Cornerstone's loader looks for ``Content-Type:``) that carries the transfer syntax; the body ends
with ``--boundary--``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse


def new_boundary() -> str:
    return uuid.uuid4().hex


def content_type(part_type: str, boundary: str) -> str:
    return f'multipart/related; type="{part_type}"; boundary={boundary}'


def part_header(boundary: str, part_content_type: str) -> bytes:
    return f"--{boundary}\r\nContent-Type: {part_content_type}\r\n\r\n".encode("ascii")


def closing(boundary: str) -> bytes:
    return f"--{boundary}--\r\n".encode("ascii")


def encode(parts: Iterable[tuple[str, bytes]], boundary: str) -> bytes:
    """``parts`` as (content type, payload) in one body."""
    chunks: list[bytes] = []
    for part_content_type, payload in parts:
        chunks += (part_header(boundary, part_content_type), payload, b"\r\n")
    chunks.append(closing(boundary))
    return b"".join(chunks)


def response(parts: list[tuple[str, bytes]], part_type: str) -> HttpResponse:
    boundary = new_boundary()
    return HttpResponse(encode(parts, boundary), content_type=content_type(part_type, boundary))


def stream(parts: Iterable[tuple[str, Iterable[bytes]]], boundary: str) -> Iterator[bytes]:
    """A body of parts whose payloads arrive in chunks (whole files, read piece by piece)."""
    for part_content_type, chunks in parts:
        yield part_header(boundary, part_content_type)
        yield from chunks
        yield b"\r\n"
    yield closing(boundary)


def streaming_response(parts: Iterable[tuple[str, Iterable[bytes]]], part_type: str) -> StreamingHttpResponse:
    boundary = new_boundary()
    return StreamingHttpResponse(stream(parts, boundary), content_type=content_type(part_type, boundary))
