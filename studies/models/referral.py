"""Interventional radiology: a confirmed fracture referred for vertebroplasty assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from studies.models.patients import Patient
from studies.models.review import ReviewOutcome
from studies.models.vertebrae import VertebraLevel


class ReferralStatus(models.TextChoices):
    NEW = "new", "New"
    IN_ASSESSMENT = "in_assessment", "In assessment"
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    SCHEDULED = "scheduled", "Scheduled"
    TREATED = "treated", "Treated"
    DECLINED = "declined", "Declined"
    LOST = "lost", "Lost to follow-up"


# The only legal moves; everything else is refused with a message.
REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.NEW: (ReferralStatus.IN_ASSESSMENT,),
    ReferralStatus.IN_ASSESSMENT: (ReferralStatus.ELIGIBLE, ReferralStatus.NOT_ELIGIBLE),
    ReferralStatus.ELIGIBLE: (ReferralStatus.SCHEDULED, ReferralStatus.DECLINED, ReferralStatus.LOST),
    ReferralStatus.SCHEDULED: (ReferralStatus.TREATED, ReferralStatus.DECLINED, ReferralStatus.LOST),
    ReferralStatus.NOT_ELIGIBLE: (),
    ReferralStatus.TREATED: (),
    ReferralStatus.DECLINED: (),
    ReferralStatus.LOST: (),
}
OPEN_REFERRAL_STATUSES: tuple[str, ...] = (ReferralStatus.NEW, ReferralStatus.IN_ASSESSMENT)


class ReferralSource(models.TextChoices):
    CONSENSUS_GRADE_3 = "auto", "Grade 3 confirmed by review"
    RADIOLOGIST = "manual", "Referred by a radiologist"


class Eligibility(models.TextChoices):
    YES = "yes", "Eligible for vertebroplasty"
    NO = "no", "Not eligible"
    MORE_IMAGING = "imaging", "Needs more imaging"


class Contraindication(models.TextChoices):
    INFECTION = "infection", "Active infection"
    COAGULOPATHY = "coagulopathy", "Uncorrectable coagulopathy"
    POSTERIOR_WALL = "posterior_wall", "Posterior wall retropulsion / canal compromise"
    NEUROLOGICAL = "neurological", "Neurological deficit"
    PAINLESS = "painless", "No pain attributable to the fracture"
    HEALED = "healed", "Healed fracture (no oedema)"
    POOR_PROGNOSIS = "prognosis", "Poor general condition or life expectancy"
    OTHER = "other", "Other"


class Referral(models.Model):
    """One patient's fracture at one level; later studies of the same fracture join it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="referrals")
    level = models.PositiveSmallIntegerField(choices=VertebraLevel.choices)
    status = models.CharField(max_length=13, choices=ReferralStatus.choices, default=ReferralStatus.NEW)
    source = models.CharField(max_length=6, choices=ReferralSource.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    final_eligibility = models.CharField(max_length=7, choices=Eligibility.choices, blank=True)
    final_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["patient", "level"], name="referral_one_per_patient_level"),
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in ReferralStatus]), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_REFERRAL_STATUSES) | ~Q(final_eligibility=""),
                name="referral_decided_has_eligibility",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}: {self.patient} {self.label} ({self.get_status_display()})"

    @property
    def label(self) -> str:
        return VertebraLevel(self.level).label


class ReferralFracture(models.Model):
    """A reviewed study's confirmed fracture that belongs to the referral."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="fractures")
    outcome = models.OneToOneField(ReviewOutcome, on_delete=models.PROTECT, related_name="referral_link")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("referral", "added_at", "id")

    def __str__(self) -> str:
        return f"{self.outcome} in referral {self.referral_id}"


class ReferralAssessment(models.Model):
    """One IR doctor's independent vertebroplasty assessment; blind until both are in."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    eligibility = models.CharField(max_length=7, choices=Eligibility.choices)
    contraindications = models.JSONField(default=list, blank=True)
    reasons = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    assessor_experience_years = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("referral", "submitted_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["referral", "assessor"], name="assessment_one_per_assessor"),
        ]

    def __str__(self) -> str:
        return f"{self.get_eligibility_display()} by {self.assessor} on referral {self.referral_id}"


class ReferralEvent(models.Model):
    """Append-only trail: creation, joins, assessments, every status change (who, when)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=13, blank=True)
    to_status = models.CharField(max_length=13, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("referral", "at", "id")

    def __str__(self) -> str:
        return f"{self.action} on referral {self.referral_id} by {self.actor}"
