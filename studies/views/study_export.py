"""Download of a study's DICOM files, de-identified, as a zip (studies/services/deidentify.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from studies.selectors.studies import study_detail
from studies.services.deidentify import export_filename, study_export_chunks


@require_GET
@permission_required("studies.view_study", raise_exception=True)
def study_export_deidentified(request: HttpRequest, study_instance_uid: str) -> StreamingHttpResponse:
    study = study_detail(study_instance_uid=study_instance_uid)
    if study is None:
        raise Http404("No study with this StudyInstanceUID.")
    response = StreamingHttpResponse(study_export_chunks(study=study), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(study=study)}"'
    response["Cache-Control"] = "no-store"
    return response
