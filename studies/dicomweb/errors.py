"""The errors a DICOMweb request can end in, each answered with its status and a one-line message."""

from __future__ import annotations

import re

from django.http import JsonResponse

# A DICOM UID (PS3.5 9.1): digits and dots, no leading zero in a component, at most 64 characters.
UID_PATTERN = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
UID_MAX_LENGTH = 64


class DicomWebError(Exception):
    """Ends a request with ``status`` and a JSON body ``{"detail": message}``."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status

    def response(self) -> JsonResponse:
        return JsonResponse({"detail": str(self)}, status=self.status)


class BadRequest(DicomWebError):
    status = 400


class NotFound(DicomWebError):
    status = 404


class NotAcceptable(DicomWebError):
    status = 406


class BadGateway(DicomWebError):
    status = 502


def check_uid(value: str, what: str) -> str:
    """``value`` when it is a syntactically valid UID, else BadRequest naming ``what``."""
    if len(value) > UID_MAX_LENGTH or not UID_PATTERN.match(value):
        raise BadRequest(f"{what} {value[:80]!r} is not a valid DICOM UID")
    return value
