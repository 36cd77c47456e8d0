"""The review API: the worklist, a case with its (blind) reads, reading, consensus and the audit trail.

Radiologists read (review_analysis), seniors also resolve consensus (resolve_consensus), department
leads see everything (use_department_workspace); a reader sees another reader's read only once both are in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studies.api.errors import Conflict, Refused, calling_user
from studies.api.permissions import HasAnyPermission, HasPermission
from studies.api.reviews_serializers import (
    EventOutputSerializer,
    ReadOutputSerializer,
    ReviewDetailOutputSerializer,
    SavedReadOutputSerializer,
    SaveReadInputSerializer,
    WorklistItemOutputSerializer,
    WorklistQuerySerializer,
)
from studies.models import CaseReview, Read, ReviewStatus, User
from studies.selectors.reviews import (
    read_detail,
    review_detail,
    review_state,
    visible_events,
    visible_reads,
    worklist,
    worklist_counts,
)
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import (
    REVIEW_PERMISSION,
    SENIOR_PERMISSION,
    NotYourRead,
    ReviewConflict,
    ReviewError,
    decision_inputs,
    flagged_findings,
    save_read,
    start_read,
)

# Who may look at reviews: the readers, and department leads (statistics, oversight).
VIEW_REVIEWS = (REVIEW_PERMISSION, "studies.use_department_workspace")


@contextmanager
def review_errors() -> Iterator[None]:
    """Service errors as HTTP answers: 404, 409 (changed meanwhile), 403 (not yours), 400."""
    try:
        yield
    except CaseReview.DoesNotExist:
        raise Http404("No such review.") from None
    except Read.DoesNotExist:
        raise Http404("No such read.") from None
    except ReviewConflict as conflict:
        raise Conflict(str(conflict)) from None
    except NotYourRead as error:
        raise PermissionDenied(str(error)) from None
    except ReviewError as error:
        raise Refused(str(error)) from None


def _read_response(read_id: int, *, code: int = status.HTTP_200_OK, saved: bool = False) -> Response:
    read = read_detail(read_id=read_id)
    assert read is not None
    serializer = SavedReadOutputSerializer if saved else ReadOutputSerializer
    return Response(serializer(read).data, status=code)


class ReviewListApi(APIView):
    """The worklist: severest first, then the oldest study; ``counts`` for the filter choices."""

    permission_classes = (HasAnyPermission,)
    required_permissions = VIEW_REVIEWS

    def get(self, request: Request) -> Response:
        query = WorklistQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        filters = query.filters(calling_user(request))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(worklist(filters), request, view=self)
        response = paginator.get_paginated_response(WorklistItemOutputSerializer(page, many=True).data)
        response.data["counts"] = worklist_counts(filters)
        return response


def review_data(review: CaseReview, user: User) -> dict[str, Any]:
    """The case as ``user`` may see it (blind reads, redacted trail)."""
    study = review.analysis.series.study
    reads = visible_reads(review, user)
    return {
        "id": review.pk,
        "status": review.status,
        "state": review_state(review),
        "reason": review.reason,
        "version": review.version,
        "created_at": review.created_at,
        "closed_at": review.closed_at,
        "analysis": review.analysis,
        "study": {
            "study_instance_uid": study.study_instance_uid,
            "series_instance_uid": review.analysis.series.series_instance_uid,
            "study_date": study.study_date,
            "description": study.description,
            "accession_number": study.accession_number,
            "patient_pseudonym": study.patient.pseudo_id,
            "report_text": study.report_text,
        },
        "flagged_vertebrae": flagged_findings(review.analysis),
        "first_reader": review.first_reader,
        "second_reader": review.second_reader,
        "has_new_fracture": review.has_new_fracture,
        "has_known_fracture": review.has_known_fracture,
        "decision": review.decision,
        "reads_agreed": review.reads_agreed,
        "fracture_reported": review.fracture_reported,
        "outcomes": list(review.outcomes.all()) if review.status == ReviewStatus.CLOSED else [],
        "reads": reads,
        "events": visible_events(review, user, reads),
    }


class ReviewDetailApi(APIView):
    permission_classes = (HasAnyPermission,)
    required_permissions = VIEW_REVIEWS

    def get(self, request: Request, review_id: int) -> Response:
        review = review_detail(review_id=review_id)
        if review is None:
            raise Http404("No such review.")
        return Response(ReviewDetailOutputSerializer(review_data(review, calling_user(request))).data)


class ReviewEventsApi(APIView):
    """The review's audit trail: who did what, when (other readers' decisions hidden while blind)."""

    permission_classes = (HasAnyPermission,)
    required_permissions = VIEW_REVIEWS

    def get(self, request: Request, review_id: int) -> Response:
        review = review_detail(review_id=review_id)
        if review is None:
            raise Http404("No such review.")
        events = visible_events(review, calling_user(request))
        return Response(EventOutputSerializer(events, many=True).data)


class StartReadApi(APIView):
    """Take a case: the caller's independent read (the same one when it exists)."""

    permission_classes = (HasPermission,)
    required_permission = REVIEW_PERMISSION

    def post(self, request: Request, review_id: int) -> Response:
        with review_errors():
            read = start_read(review_id=review_id, reader=calling_user(request))
        return _read_response(read.pk, code=status.HTTP_201_CREATED)


class ReadApi(APIView):
    """One read (as blind reading allows); its reader saves it as a draft or submits it (``version``:
    the one loaded; stale → 409)."""

    permission_classes = (HasAnyPermission,)

    @property
    def required_permissions(self) -> tuple[str, ...]:
        return VIEW_REVIEWS if self.request.method == "GET" else (REVIEW_PERMISSION,)

    def get(self, request: Request, read_id: int) -> Response:
        read = read_detail(read_id=read_id)
        if read is None:
            raise Http404("No such read.")
        if read.reader_id != request.user.pk:
            review = review_detail(review_id=read.review_id)
            assert review is not None
            if read.pk not in {r.pk for r in visible_reads(review, calling_user(request))}:
                raise PermissionDenied("this read is blind to you until your own read is in")
        return Response(ReadOutputSerializer(read).data)

    def put(self, request: Request, read_id: int) -> Response:
        payload = SaveReadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with review_errors():
            read = save_read(
                read_id=read_id,
                reader=calling_user(request),
                version=data["version"],
                decisions=decision_inputs(data["decisions"]),
                comment=data["comment"],
                submit=data["submit"],
            )
        return _read_response(read.pk, saved=True)


class StartConsensusApi(APIView):
    """A senior takes the consensus of a case whose reads disagree (prefilled from a read)."""

    permission_classes = (HasPermission,)
    required_permission = SENIOR_PERMISSION

    def post(self, request: Request, review_id: int) -> Response:
        with review_errors():
            read = start_consensus(review_id=review_id, senior=calling_user(request))
        return _read_response(read.pk, code=status.HTTP_201_CREATED)
