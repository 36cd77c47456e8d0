"""Read side of vertebroplasty referrals: the IR queue, one referral's page, counts for the navigation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from studies.models import (
    REFERRAL_TRANSITIONS,
    Contraindication,
    Referral,
    ReferralAssessment,
    ReferralEvent,
    ReferralFracture,
    ReferralStatus,
    User,
)
from studies.models.referral import OPEN_REFERRAL_STATUSES
from studies.selectors.referral_access import referral_for

ASSESS_PERMISSION = "studies.assess_referral"
REFER_PERMISSION = "studies.refer_fracture"
OVERSIGHT_PERMISSION = "studies.use_department_workspace"  # department leads read every referral
DECISION_STATUSES = (ReferralStatus.ELIGIBLE, ReferralStatus.NOT_ELIGIBLE)

STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_REFERRAL_STATUSES),
    "all": tuple(ReferralStatus.values),
    **{status: (status,) for status in ReferralStatus.values},
}
SORTS: dict[str, tuple[Any, ...]] = {
    "waiting": ("created_at", "id"),
    "grade": (F("latest_grade").desc(nulls_last=True), "created_at", "id"),
    "level": ("level", "created_at", "id"),
}


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"
    grade: int | None = None
    reported: bool | None = None
    sort: str = "waiting"


def parse_queue_filters(query: Any) -> QueueFilters:
    status = query.get("status", "open")
    grade_text = query.get("grade", "")
    reported_text = query.get("reported", "")
    sort = query.get("sort", "waiting")
    return QueueFilters(
        status=status if status in STATUS_FILTERS else "open",
        grade=int(grade_text) if grade_text in ("1", "2", "3") else None,
        reported={"yes": True, "no": False}.get(reported_text),
        sort=sort if sort in SORTS else "waiting",
    )


def _latest_fracture() -> QuerySet[ReferralFracture]:
    """The referral's fracture on the most recent study (undated studies last)."""
    return ReferralFracture.objects.filter(referral=OuterRef("pk")).order_by(
        F("outcome__review__analysis__series__study__study_date").desc(nulls_last=True), "-added_at", "-id"
    )


def _with_latest(referrals: QuerySet[Referral]) -> QuerySet[Any]:
    latest = _latest_fracture()
    outcome = "outcome__"
    analysis = "outcome__review__analysis__"
    return referrals.annotate(
        latest_vhl=Subquery(latest.values(f"{outcome}height_loss_pct")[:1]),
        latest_grade=Subquery(latest.values(f"{outcome}grade")[:1]),
        latest_reported=Subquery(latest.values(f"{outcome}reported")[:1]),
        latest_finding_hu=Subquery(latest.values(f"{outcome}finding__mean_hu")[:1]),
        latest_l1_hu=Subquery(latest.values(f"{analysis}l1_hu")[:1]),
        latest_analysis_id=Subquery(latest.values(f"{outcome}review__analysis_id")[:1]),
        latest_review_id=Subquery(latest.values(f"{outcome}review_id")[:1]),
        latest_study_date=Subquery(latest.values(f"{analysis}series__study__study_date")[:1]),
    )


@dataclass(frozen=True)
class QueueRow:
    referral: Referral
    age: int | None
    hu: float | None
    days_waiting: int
    assessments: int
    mine_in: bool


def age_at(birth: date | None, on: date | None) -> int | None:
    if birth is None or on is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def queue_rows(filters: QueueFilters, *, user: User) -> list[QueueRow]:
    """One query whatever the number of referrals."""
    referrals = _with_latest(
        Referral.objects.select_related("patient").filter(status__in=STATUS_FILTERS[filters.status])
    ).annotate(
        assessment_count=Count("assessments", distinct=True),
        mine_in=Exists(ReferralAssessment.objects.filter(referral=OuterRef("pk"), assessor=user)),
    )
    if filters.grade is not None:
        referrals = referrals.filter(latest_grade=filters.grade)
    if filters.reported is not None:
        referrals = referrals.filter(latest_reported=filters.reported)
    today = timezone.localdate()
    rows = []
    for referral in referrals.order_by(*SORTS[filters.sort]):
        hu = referral.latest_finding_hu if referral.latest_finding_hu is not None else referral.latest_l1_hu
        rows.append(
            QueueRow(
                referral=referral,
                age=age_at(referral.patient.birth_date, referral.latest_study_date),
                hu=hu,
                days_waiting=(today - timezone.localtime(referral.created_at).date()).days,
                assessments=referral.assessment_count,
                mine_in=referral.mine_in,
            )
        )
    return rows


def unassessed_count(user: User) -> int:
    """Open referrals this IR doctor has not assessed yet: one query."""
    return (
        Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES)
        .exclude(Exists(ReferralAssessment.objects.filter(referral=OuterRef("pk"), assessor=user)))
        .count()
    )


def referrals_of_radiologist(user: User) -> QuerySet[Any]:
    """Referrals the radiologist raised by hand, and those from cases they read."""
    return (
        _with_latest(Referral.objects.select_related("patient"))
        .filter(Q(referred_by=user) | Q(fractures__outcome__review__reads__reader=user))
        .distinct()
        .order_by("-created_at", "-id")
    )


# The referral page ------------------------------------------------------------------------------


def can_view_referral(user: User) -> bool:
    return any(user.has_perm(p) for p in (ASSESS_PERMISSION, REFER_PERMISSION, OVERSIGHT_PERMISSION))


EVENT_TEXT = {
    "created": "Referral created",
    "fracture_joined": "Fracture of a study joined the referral",
    "assessed": "Assessment submitted",
    "moved": "Status changed",
    "decided": "Final decision",
    "note": "Note",
}


@dataclass(frozen=True)
class EventRow:
    at: Any
    actor: str
    text: str


def event_row(event: ReferralEvent) -> EventRow:
    text = EVENT_TEXT.get(event.action, event.action.replace("_", " ").capitalize())
    if event.from_status or event.to_status:
        before = ReferralStatus(event.from_status).label if event.from_status else ""
        after = ReferralStatus(event.to_status).label if event.to_status else ""
        text += f": {before} → {after}" if before else f": {after}"
    note = (event.detail or {}).get("note")
    if note:
        text += f" · “{note}”"
    actor = event.actor.get_username() if event.actor is not None else "VCF Sentinel"
    return EventRow(at=event.at, actor=actor, text=text)


@dataclass(frozen=True)
class AssessmentView:
    assessment: ReferralAssessment
    contraindications: list[str]


@dataclass
class ReferralPage:
    referral: Referral
    fractures: list[ReferralFracture]
    age: int | None
    days_waiting: int
    assessments: list[AssessmentView]  # what this user may see
    assessment_count: int
    both_in: bool
    agree: bool | None
    can_assess: bool
    can_decide: bool
    next_steps: list[tuple[str, str]]
    show_assessments: bool
    events: list[EventRow] = field(default_factory=list)

    @property
    def latest(self) -> ReferralFracture | None:
        return self.fractures[0] if self.fractures else None


def referral_page(*, referral_id: int, user: User) -> ReferralPage | None:
    """None when there is no such referral or ``user`` may not see it (the API's rule: a radiologist
    sees only referrals they raised or whose reviews they read)."""
    if referral_for(user, referral_id) is None:
        return None
    referral = (
        Referral.objects.select_related("patient", "referred_by", "decided_by").filter(pk=referral_id).first()
    )
    if referral is None:
        return None
    fractures = list(
        ReferralFracture.objects.filter(referral=referral)
        .select_related("outcome__review__analysis__series__study", "outcome__finding")
        .order_by(
            F("outcome__review__analysis__series__study__study_date").desc(nulls_last=True),
            "-added_at",
            "-id",
        )
    )
    assessments = list(
        ReferralAssessment.objects.filter(referral=referral)
        .select_related("assessor")
        .order_by("submitted_at")
    )
    is_ir = user.has_perm(ASSESS_PERMISSION)
    is_lead = user.has_perm(OVERSIGHT_PERMISSION)
    both_in = len(assessments) >= 2
    if is_lead or (is_ir and both_in):
        visible = assessments
    elif is_ir:
        visible = [a for a in assessments if a.assessor_id == user.pk]
    else:
        visible = []
    labels = dict(Contraindication.choices)
    is_open = referral.status in OPEN_REFERRAL_STATUSES
    mine_in = any(a.assessor_id == user.pk for a in assessments)
    latest_date = fractures[0].outcome.review.analysis.series.study.study_date if fractures else None
    steps = [s for s in REFERRAL_TRANSITIONS[referral.status] if s not in DECISION_STATUSES]
    events = ReferralEvent.objects.filter(referral=referral).select_related("actor").order_by("at", "id")
    return ReferralPage(
        referral=referral,
        fractures=fractures,
        age=age_at(referral.patient.birth_date, latest_date),
        days_waiting=(timezone.localdate() - timezone.localtime(referral.created_at).date()).days,
        assessments=[AssessmentView(a, [labels.get(c, c) for c in a.contraindications]) for a in visible],
        assessment_count=len(assessments),
        both_in=both_in,
        agree=assessments[0].eligibility == assessments[1].eligibility if both_in else None,
        can_assess=is_ir and is_open and not mine_in and not both_in,
        can_decide=is_ir and both_in and referral.status == ReferralStatus.IN_ASSESSMENT,
        next_steps=[(s, ReferralStatus(s).label) for s in steps] if is_ir else [],
        show_assessments=is_ir or is_lead,
        events=[event_row(e) for e in events],
    )
