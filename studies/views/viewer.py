from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from studies.api.viewer import CORRECT_PERMISSION, dicomweb_root
from studies.models import Analysis
from studies.selectors.viewer import viewer_analysis

VIEWER_ENTRY = "viewer/viewer.js"


def viewer_context(request: HttpRequest, analysis: Analysis) -> dict[str, Any]:
    """What a page that embeds the #vcf-viewer block needs (see templates/studies/_viewer.html)."""
    corrections_url = reverse("api-finding-corrections", kwargs={"finding_id": 0}).replace(
        "/0/", "/{finding_id}/"
    )
    return {
        "analysis": analysis,
        "study": analysis.series.study,
        "analysis_url": reverse("api-analysis-viewer", kwargs={"analysis_id": analysis.pk}),
        "corrections_url": corrections_url,
        "dicomweb_root": dicomweb_root(),
        "can_correct": request.user.has_perm(CORRECT_PERMISSION),
        # The viewer is built by scripts/frontend.sh; say so instead of showing an empty page.
        "viewer_built": finders.find(VIEWER_ENTRY) is not None,
    }


@require_GET
@permission_required("studies.view_analysis", raise_exception=True)
def analysis_viewer(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = viewer_analysis(analysis_id=analysis_id)
    if analysis is None:
        raise Http404("No such analysis.")
    # ?embed=1: inside a frame of this site (the review's side-by-side comparison), without the top bar.
    embed = request.GET.get("embed") == "1"
    response = render(request, "studies/viewer.html", {**viewer_context(request, analysis), "embed": embed})
    if embed:
        response["X-Frame-Options"] = "SAMEORIGIN"  # the clickjacking middleware leaves a set header alone
    return response
