"""Which routes show or change patient data, and so leave an audit event on every request.

Every named route of the site is listed here, as patient data or not (the Django admin is
classified by model), and tests/audit/test_every_route_is_classified.py fails for a route that
is in neither list, so a new page cannot slip past the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studies.models import AuditAction


@dataclass(frozen=True)
class AuditedRoute:
    target_kind: str
    # The route argument naming the target (None: a list or a search).
    id_kwarg: str | None = None
    # What a POST/PUT/PATCH does to the target; safe methods are views, DELETE is a delete.
    write_action: AuditAction = AuditAction.CHANGE


_CREATE = AuditAction.CREATE

PATIENT_DATA_ROUTES: dict[str, AuditedRoute] = {
    # Pages
    "radiology-home": AuditedRoute("referral"),  # the radiologist's own referrals
    "worklist": AuditedRoute("review"),
    "ir-home": AuditedRoute("referral"),  # referrals waiting for this IR
    "referral-queue": AuditedRoute("referral"),
    "referral": AuditedRoute("referral", "referral_id"),
    "referral-assess": AuditedRoute("referral", "referral_id", _CREATE),
    "referral-decide": AuditedRoute("referral", "referral_id"),
    "referral-move": AuditedRoute("referral", "referral_id"),
    "study-list": AuditedRoute("study"),
    "study": AuditedRoute("study", "study_instance_uid"),
    "study-export-deidentified": AuditedRoute("study", "study_instance_uid"),  # images leave the site
    "analysis-viewer": AuditedRoute("analysis", "analysis_id"),
    "review": AuditedRoute("review", "review_id"),
    "review-start": AuditedRoute("review", "review_id", _CREATE),
    "review-consensus": AuditedRoute("review", "review_id", _CREATE),
    "review-outcome-refer": AuditedRoute("outcome", "outcome_id", _CREATE),
    "review-compare": AuditedRoute("review", "review_id"),
    # REST API
    "api-study-list": AuditedRoute("study"),
    "api-study-detail": AuditedRoute("study", "study_instance_uid"),
    "api-upload": AuditedRoute("study", None, _CREATE),
    "api-analysis-viewer": AuditedRoute("analysis", "analysis_id"),
    "api-finding-corrections": AuditedRoute("finding", "finding_id", _CREATE),
    "api-review-list": AuditedRoute("review"),
    "api-review-detail": AuditedRoute("review", "review_id"),
    "api-review-reads": AuditedRoute("review", "review_id", _CREATE),
    "api-review-consensus": AuditedRoute("review", "review_id", _CREATE),
    "api-review-events": AuditedRoute("review", "review_id"),
    "api-read": AuditedRoute("read", "read_id"),
    "api-referral-list": AuditedRoute("referral"),
    "api-referral-export": AuditedRoute("referral"),
    "api-referral-export-csv": AuditedRoute("referral"),
    "api-referral-detail": AuditedRoute("referral", "referral_id"),
    "api-referral-assessments": AuditedRoute("referral", "referral_id", _CREATE),
    "api-referral-decision": AuditedRoute("referral", "referral_id"),
    "api-referral-transitions": AuditedRoute("referral", "referral_id"),
    "api-outcome-referral": AuditedRoute("outcome", "outcome_id", _CREATE),
    # DICOMweb (QIDO-RS searches and WADO-RS retrieval)
    "dicomweb:studies": AuditedRoute("study"),
    "dicomweb:series": AuditedRoute("series"),
    "dicomweb:instances": AuditedRoute("instance"),
    "dicomweb:study-series": AuditedRoute("study", "study"),
    "dicomweb:study-instances": AuditedRoute("study", "study"),
    "dicomweb:series-instances": AuditedRoute("series", "series"),
    "dicomweb:study": AuditedRoute("study", "study"),
    "dicomweb:study-metadata": AuditedRoute("study", "study"),
    "dicomweb:series-retrieve": AuditedRoute("series", "series"),
    "dicomweb:series-metadata": AuditedRoute("series", "series"),
    "dicomweb:instance": AuditedRoute("instance", "sop"),
    "dicomweb:instance-metadata": AuditedRoute("instance", "sop"),
    "dicomweb:frames": AuditedRoute("instance", "sop"),
    "dicomweb:bulkdata": AuditedRoute("instance", "sop"),
}

# Named routes that show no patient data: sign-in, aggregates, forms, the audit trail itself.
OTHER_ROUTES: frozenset[str] = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "home",
        "department-home",  # aggregate counts only
        "statistics",
        "statistics-export-csv",
        "statistics-export-xlsx",
        "upload",  # the form; the files go to api-upload
        "audit-log",
        "api-me",
        "api-statistics",
        "api-audit-log",
    }
)

# Django admin: model pages are patient data when the model is; the rest of the admin is not.
ADMIN_PATIENT_MODELS: frozenset[str] = frozenset(
    {"patient", "study", "series", "instance", "analysis", "vertebrafinding", "findingcorrection"}
)
ADMIN_OTHER_MODELS: frozenset[str] = frozenset({"user", "pacsconnection", "auditevent"})
_ADMIN_MODEL_ROUTE = re.compile(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<page>[a-z]+)$")
_ADMIN_WRITE_ACTIONS = {"add": AuditAction.CREATE, "delete": AuditAction.DELETE}


class UnclassifiedRoute(LookupError):
    """A route is neither patient data nor listed as other; add it to studies/audit_routes.py."""


def audited_route(view_name: str) -> AuditedRoute | None:
    """How to audit a request to this route (None: not patient data). Raises UnclassifiedRoute."""
    found = PATIENT_DATA_ROUTES.get(view_name)
    if found is not None:
        return found
    if view_name in OTHER_ROUTES:
        return None
    if view_name.startswith("admin:"):
        return _admin_route(view_name)
    raise UnclassifiedRoute(view_name)


def _admin_route(view_name: str) -> AuditedRoute | None:
    match = _ADMIN_MODEL_ROUTE.match(view_name)
    if match is None or match["app"] != "studies":
        return None  # the admin's own pages and other apps' models (groups, tokens, the queue)
    model = match["model"]
    if model in ADMIN_OTHER_MODELS:
        return None
    if model not in ADMIN_PATIENT_MODELS:
        raise UnclassifiedRoute(view_name)
    action = _ADMIN_WRITE_ACTIONS.get(match["page"], AuditAction.CHANGE)
    return AuditedRoute(model, "object_id", action)
