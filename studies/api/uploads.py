"""POST /api/v1/uploads/: DICOM files and zip archives from a browser or a script.

The request size is capped twice: a declared Content-Length above ``VCF_UPLOAD_MAX_BYTES`` is
answered 413 before any of the body is read, and the upload handler counts the bytes it really
receives, so a body that lies about its length (or has none) is stopped at the same limit. Uploaded
files always go to disk (the staging folder), never into memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studies.api.permissions import HasPermission
from studies.ingest.archives import size_text
from studies.ingest.store import StoreFullError
from studies.models import Analysis, StudySource
from studies.services.ingest import Outcome
from studies.services.uploads import ingest_upload

NO_FILE = "No file was sent: attach DICOM files or zip archives in the 'files' field."


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The upload is larger than the limit of {size_text(limit)} per request; send the files in "
            "smaller batches."
        )


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams every uploaded file to the staging folder and stops past ``limit`` bytes received."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length > self.limit:
            raise UploadTooLarge(self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.upload_interrupted()  # the parser closes the files already complete
            raise UploadTooLarge(self.limit)
        return super().receive_data_chunk(raw_data, start)


class UploadInputSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),  # an empty file is reported, not fatal
        allow_empty=False,
        error_messages={"required": NO_FILE, "empty": NO_FILE},
    )


class FileOutcomeOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    outcome = serializers.CharField()
    message = serializers.CharField()


class QueuedAnalysisOutputSerializer(serializers.ModelSerializer):
    series_instance_uid = serializers.CharField(source="series.series_instance_uid")

    class Meta:
        model = Analysis
        fields = ("id", "series_instance_uid", "model_version", "status", "exclusion_reasons")


class UploadOutputSerializer(serializers.Serializer):
    summary = serializers.DictField(child=serializers.IntegerField())
    files = FileOutcomeOutputSerializer(many=True)
    analyses = QueuedAnalysisOutputSerializer(many=True)


class UploadApi(APIView):
    """Store the files (each on its own: bad ones are reported, good ones kept) and queue the
    analyses of the series that grew. 201 when something new was stored, 200 otherwise."""

    permission_classes = (HasPermission,)
    required_permission = "studies.upload_studies"
    parser_classes = (MultiPartParser,)

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        request.upload_handlers = [
            LimitedTemporaryFileUploadHandler(request, limit=settings.VCF_UPLOAD_MAX_BYTES)
        ]
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before authentication: a session login's CSRF check reads the form, so the body.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ParseError("Content-Length is not a number.") from None
        if declared > settings.VCF_UPLOAD_MAX_BYTES:
            raise UploadTooLarge(settings.VCF_UPLOAD_MAX_BYTES)
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, StoreFullError):  # what was stored stays, whole; the rest can be sent again
            return Response({"detail": str(exc.strerror)}, status=status.HTTP_507_INSUFFICIENT_STORAGE)
        if isinstance(exc, TooManyFilesSent):
            exc = ParseError(
                f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files per request; send them in batches."
            )
        return super().handle_exception(exc)

    def post(self, request: Request) -> Response:
        serializer = UploadInputSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            uploads: list[UploadedFile] = serializer.validated_data["files"]
            report = ingest_upload(
                files=[
                    (Path(_on_disk(upload).temporary_file_path()), upload.name or "") for upload in uploads
                ],
                source=StudySource.UPLOAD,
            )
        finally:
            for upload in request.FILES.getlist("files"):
                upload.close()  # deletes the temporary file now rather than at the end of the response
        data = {
            "summary": report.summary(),
            "files": [outcome.to_json_dict() for outcome in report.outcomes],
            "analyses": report.analyses,
        }
        created = report.count(Outcome.STORED) > 0
        return Response(
            UploadOutputSerializer(data).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _on_disk(upload: UploadedFile) -> TemporaryUploadedFile:
    if not isinstance(upload, TemporaryUploadedFile):  # only LimitedTemporaryFileUploadHandler runs
        raise AssertionError(f"upload {upload.name!r} is not a temporary file")
    return upload
