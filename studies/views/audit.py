"""The audit trail page (/audit/): who saw or changed patient data; administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studies.api.audit import AUDIT_PERMISSION
from studies.api.audit_serializers import AuditQuerySerializer
from studies.models import AuditAction
from studies.selectors.audit import SYSTEM_ACTOR, audit_events, target_kinds

EVENTS_PER_PAGE = 100
FILTER_KEYS = ("user", "action", "target_kind", "target_id", "date_from", "date_to")


@require_GET
@permission_required(AUDIT_PERMISSION, raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    query = AuditQuerySerializer(data=request.GET)
    values = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    pager_query = request.GET.copy()
    pager_query.pop("page", None)
    context: dict[str, Any] = {
        "values": values,
        "actions": AuditAction.choices,
        "kinds": target_kinds(),
        "system_actor": SYSTEM_ACTOR,
        # The filters again, for the pager's links.
        "filter_query": pager_query.urlencode(),
    }
    if not query.is_valid():
        context["errors"] = {field: [str(e) for e in problems] for field, problems in query.errors.items()}
        return render(request, "studies/audit_log.html", context, status=400)
    page = Paginator(audit_events(filters=query.filters()), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context["page"] = page
    return render(request, "studies/audit_log.html", context)
