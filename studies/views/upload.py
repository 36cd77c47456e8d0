from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

# The page sends files in batches that each fit one request; a batch never exceeds this many
# bytes even where the request limit is larger, so results come back while the rest uploads.
BATCH_MAX_BYTES = 256 * 1024**2
BATCH_MAX_FILES = 100


@require_GET
@permission_required("studies.upload_studies", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES or BATCH_MAX_FILES
    return render(
        request,
        "studies/upload.html",
        {
            "max_request_bytes": settings.VCF_UPLOAD_MAX_BYTES,
            "batch_max_bytes": min(BATCH_MAX_BYTES, settings.VCF_UPLOAD_MAX_BYTES),
            "batch_max_files": min(max_files, BATCH_MAX_FILES),
            "archive_max_members": settings.VCF_ARCHIVE_MAX_MEMBERS,
        },
    )
