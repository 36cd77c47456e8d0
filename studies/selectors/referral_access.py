"""Who sees which referral, and how much of it (the referral API and its CSV export).

IR doctors and department leads see every referral; a radiologist sees the referrals they raised
and those whose fractures come from reviews they read. Assessments are blind: an IR doctor sees
only their own until both are in; radiologists never see assessment details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from studies.models import Read, Referral, ReferralAssessment, ReferralFracture, User

ASSESS_PERMISSION = "studies.assess_referral"
REFER_PERMISSION = "studies.refer_fracture"
OVERSIGHT_PERMISSION = "studies.use_department_workspace"  # department leads read every referral
SEES_ALL = (ASSESS_PERMISSION, OVERSIGHT_PERMISSION)
MAY_VIEW = (*SEES_ALL, REFER_PERMISSION)


@dataclass(frozen=True)
class ReferralFilters:
    status: str | None = None
    grade: int | None = None
    reported: bool | None = None


def sees_all(user: User) -> bool:
    return any(user.has_perm(name) for name in SEES_ALL)


def _latest_fracture(field: str) -> Subquery:
    """A value of the referral's latest joined fracture (its most recent reviewed study)."""
    latest = ReferralFracture.objects.filter(referral=OuterRef("pk")).order_by("-added_at", "-id")
    return Subquery(latest.values(f"outcome__{field}")[:1])


def visible_referrals(user: User, filters: ReferralFilters | None = None) -> QuerySet[Referral]:
    """The referrals ``user`` may see, annotated for the list (one query, whatever the count)."""
    referrals = Referral.objects.select_related("patient").annotate(
        grade=_latest_fracture("grade"),
        height_loss_pct=_latest_fracture("height_loss_pct"),
        reported=_latest_fracture("reported"),
        assessment_count=Count("assessments", distinct=True),
    )
    if not sees_all(user):
        if not user.has_perm(REFER_PERMISSION):
            return referrals.none()
        read_by_user = Read.objects.filter(
            reader=user, review__outcomes__referral_link__referral=OuterRef("pk")
        )
        referrals = referrals.filter(Q(referred_by=user) | Q(Exists(read_by_user)))
    filters = filters or ReferralFilters()
    if filters.status is not None:
        referrals = referrals.filter(status=filters.status)
    if filters.grade is not None:
        referrals = referrals.filter(grade=filters.grade)
    if filters.reported is not None:
        referrals = referrals.filter(reported=filters.reported)
    return referrals.order_by("created_at", "id")


def referral_for(user: User, referral_id: int) -> Referral | None:
    return visible_referrals(user).filter(pk=referral_id).first()


def visible_assessments(referral: Referral, user: User) -> list[ReferralAssessment] | None:
    """The assessments ``user`` may read; None when they may see none at all (radiologists)."""
    if not sees_all(user):
        return None
    assessments = list(ReferralAssessment.objects.filter(referral=referral).select_related("assessor"))
    if len(assessments) >= 2 or not user.has_perm(ASSESS_PERMISSION):
        return assessments
    return [a for a in assessments if a.assessor_id == user.pk]


def days_waiting(referral: Referral, now: datetime | None = None) -> int:
    """Days from creation to the decision (or until now while undecided)."""
    end = referral.decided_at or now or timezone.now()
    return max(0, (end - referral.created_at).days)


def export_rows(user: User) -> QuerySet[Referral]:
    """Every referral the user sees, with its assessments prefetched (CSV export)."""
    return visible_referrals(user).prefetch_related("assessments")
