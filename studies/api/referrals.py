"""The referral API: IR referrals of confirmed fractures, blind assessments, decision, status flow.

IR doctors (assess_referral) and department leads (use_department_workspace) see every referral; radiologists
(refer_fracture) see those they raised or whose fractures they read, refer a fracture by hand, and
never see assessment details. Service errors: ReferralError → 400, ReferralConflict → 409.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studies.api.errors import Conflict, Refused, calling_user
from studies.api.permissions import HasAnyPermission, HasPermission
from studies.api.referrals_serializers import (
    AssessmentInputSerializer,
    DecisionInputSerializer,
    ManualReferralInputSerializer,
    ReferralDetailOutputSerializer,
    ReferralListItemOutputSerializer,
    ReferralQuerySerializer,
    TransitionInputSerializer,
)
from studies.models import REFERRAL_TRANSITIONS, Referral, ReferralFracture, ReviewOutcome, User
from studies.selectors.referral_access import (
    ASSESS_PERMISSION,
    MAY_VIEW,
    REFER_PERMISSION,
    SEES_ALL,
    days_waiting,
    export_rows,
    referral_for,
    visible_assessments,
    visible_referrals,
)
from studies.services.referrals import (
    ReferralConflict,
    ReferralError,
    assess,
    decide,
    refer_by_radiologist,
    transition,
)


@contextmanager
def referral_errors() -> Iterator[None]:
    """Service errors as HTTP answers: 404, 409 (changed meanwhile), 400 (a referral rule)."""
    try:
        yield
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None
    except ReviewOutcome.DoesNotExist:
        raise Http404("No such outcome.") from None
    except ReferralConflict as conflict:
        raise Conflict(str(conflict)) from None
    except ReferralError as error:
        raise Refused(str(error)) from None


def _with_days(referral: Referral) -> Referral:
    referral.days_waiting = days_waiting(referral)  # type: ignore[attr-defined]
    return referral


def _detail(referral_id: int, user: User) -> Referral:
    """The referral as ``user`` may see it (assessments blind until both are in); 404 if hidden."""
    referral = referral_for(user, referral_id)
    if referral is None:
        raise Http404("No such referral.")
    assessments = visible_assessments(referral, user)
    extra: dict[str, Any] = {
        "days_waiting": days_waiting(referral),
        "allowed_next": list(REFERRAL_TRANSITIONS[referral.status]),
        "fracture_list": list(
            ReferralFracture.objects.filter(referral=referral).select_related(
                "outcome__review__analysis__series__study"
            )
        ),
        "assessments_blind": assessments is not None and len(assessments) < referral.assessment_count,  # type: ignore[attr-defined]
        "visible_assessments": assessments,
    }
    for name, value in extra.items():
        setattr(referral, name, value)
    return referral


def _detail_response(referral_id: int, user: User, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(ReferralDetailOutputSerializer(_detail(referral_id, user)).data, status=code)


class ReferralListApi(APIView):
    """Referrals the caller may see, oldest first; filters: status, grade, reported."""

    permission_classes = (HasAnyPermission,)
    required_permissions = MAY_VIEW

    def get(self, request: Request) -> Response:
        query = ReferralQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            visible_referrals(calling_user(request), query.filters()), request, view=self
        )
        items = [_with_days(referral) for referral in page or []]
        return paginator.get_paginated_response(ReferralListItemOutputSerializer(items, many=True).data)


class ReferralDetailApi(APIView):
    permission_classes = (HasAnyPermission,)
    required_permissions = MAY_VIEW

    def get(self, request: Request, referral_id: int) -> Response:
        return _detail_response(referral_id, calling_user(request))


class AssessmentApi(APIView):
    """An IR doctor's independent assessment (once each; the first puts the referral in assessment)."""

    permission_classes = (HasPermission,)
    required_permission = ASSESS_PERMISSION

    def post(self, request: Request, referral_id: int) -> Response:
        payload = AssessmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with referral_errors():
            assess(referral_id=referral_id, assessor=calling_user(request), **payload.validated_data)
        return _detail_response(referral_id, calling_user(request), code=status.HTTP_201_CREATED)


class DecisionApi(APIView):
    """The final decision once both assessments are in (``version``: the one loaded; stale → 409)."""

    permission_classes = (HasPermission,)
    required_permission = ASSESS_PERMISSION

    def post(self, request: Request, referral_id: int) -> Response:
        payload = DecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with referral_errors():
            decide(referral_id=referral_id, actor=calling_user(request), **payload.validated_data)
        return _detail_response(referral_id, calling_user(request))


class TransitionApi(APIView):
    """Scheduled, treated, declined, lost to follow-up (``version``: the one loaded; stale → 409)."""

    permission_classes = (HasPermission,)
    required_permission = ASSESS_PERMISSION

    def post(self, request: Request, referral_id: int) -> Response:
        payload = TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with referral_errors():
            transition(referral_id=referral_id, actor=calling_user(request), **payload.validated_data)
        return _detail_response(referral_id, calling_user(request))


class ManualReferralApi(APIView):
    """A radiologist refers a confirmed fracture (of a closed review) to IR; an existing referral of
    the same patient and level is joined instead."""

    permission_classes = (HasPermission,)
    required_permission = REFER_PERMISSION

    def post(self, request: Request, outcome_id: int) -> Response:
        payload = ManualReferralInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with referral_errors():
            referral = refer_by_radiologist(
                outcome_id=outcome_id, radiologist=calling_user(request), note=payload.validated_data["note"]
            )
        return _detail_response(referral.pk, calling_user(request), code=status.HTTP_201_CREATED)


EXPORT_COLUMNS = (
    "patient_pseudonym",
    "level",
    "status",
    "source",
    "created",
    "days_waiting",
    "grade",
    "vhl_pct",
    "reported",
    "bone_metastases",
    "assessment_1_eligibility",
    "assessment_1_experience_years",
    "assessment_2_eligibility",
    "assessment_2_experience_years",
    "final_eligibility",
    "decided",
    "last_change",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def export_row(referral: Referral) -> list[str]:
    # Assessments are blind until both are in: the export shows none before that.
    assessments = list(referral.assessments.all())
    pairs: list[object] = []
    for index in range(2):
        shown = assessments[index] if len(assessments) >= 2 else None
        pairs += [
            shown.eligibility if shown else None,
            shown.assessor_experience_years if shown else None,
        ]
    return [
        _cell(value)
        for value in (
            referral.patient.pseudo_id,
            referral.label,
            referral.status,
            referral.source,
            referral.created_at.date().isoformat(),
            days_waiting(referral),
            referral.grade,  # type: ignore[attr-defined]
            referral.height_loss_pct,  # type: ignore[attr-defined]
            referral.reported,  # type: ignore[attr-defined]
            referral.patient.bone_metastases,
            *pairs,
            referral.final_eligibility,
            referral.decided_at.date().isoformat() if referral.decided_at else None,
            referral.updated_at.date().isoformat(),
        )
    ]


class ReferralExportApi(APIView):
    """Every referral as CSV (pseudonymous ids only) for IR doctors and department leads."""

    permission_classes = (HasAnyPermission,)
    required_permissions = SEES_ALL

    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="referrals-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(EXPORT_COLUMNS)
        for referral in export_rows(calling_user(request)):
            writer.writerow(export_row(referral))
        return response
