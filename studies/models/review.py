"""Radiologist review of a flagged (or audited) analysis: two blind reads, consensus, final outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from studies.models.analysis import MAX_GRADE, Analysis, VertebraFinding
from studies.models.vertebrae import VertebraLevel


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Reading"
    CONSENSUS = "consensus", "Awaiting consensus"
    CLOSED = "closed", "Closed"


class ReviewReason(models.TextChoices):
    FLAGGED = "flagged", "Flagged by the tool"
    AUDIT = "audit", "Negative case drawn for audit"


class CaseDecision(models.TextChoices):
    TRUE_POSITIVE = "tp", "True positive"
    FALSE_POSITIVE = "fp", "False positive"
    TRUE_NEGATIVE = "tn", "True negative"
    FALSE_NEGATIVE = "fn", "False negative"


class PriorStatus(models.TextChoices):
    NEW = "new", "New"
    PROGRESSED = "progressed", "Progressed"
    STABLE = "stable", "Stable"
    NO_PRIOR = "no_prior", "No prior study"


class FalsePositiveReason(models.TextChoices):
    SCLEROTIC_METASTASIS = "sclerotic_metastasis", "Sclerotic metastasis"
    SCOLIOSIS = "scoliosis", "Scoliosis"
    MISIDENTIFICATION = "misidentification", "Vertebra misidentification or wrong centroid"
    DEGENERATIVE = "degenerative", "Degenerative change or Schmorl node"
    ARTEFACT = "artefact", "Artefact"
    OTHER = "other", "Other"


class CaseReview(models.Model):
    """The review of one analysis. Its final outcome is the consensus (or the agreeing reads)."""

    analysis = models.OneToOneField(Analysis, on_delete=models.PROTECT, related_name="review")
    reason = models.CharField(max_length=8, choices=ReviewReason.choices)
    status = models.CharField(max_length=9, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    first_reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the review opens, from the pipeline's flags against the patient's earlier studies.
    has_new_fracture = models.BooleanField(default=False)
    has_known_fracture = models.BooleanField(default=False)
    decision = models.CharField(max_length=2, choices=CaseDecision.choices, blank=True)
    reads_agreed = models.BooleanField(null=True, blank=True, help_text="Null until both reads are in.")
    fracture_reported = models.BooleanField(
        null=True, blank=True, help_text="Final: was any confirmed fracture mentioned in the report?"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=0, help_text="Bumped by every state change (compare-and-set)."
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "reason"], name="review_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in ReviewStatus]), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.CLOSED) | (~Q(decision="") & Q(closed_at__isnull=False)),
                name="review_closed_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(first_reader__isnull=True)
                | Q(second_reader__isnull=True)
                | ~Q(first_reader=models.F("second_reader")),
                name="review_two_different_readers",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of analysis {self.analysis_id} ({self.get_status_display()})"


class ReadKind(models.TextChoices):
    INDEPENDENT = "independent", "Independent read"
    CONSENSUS = "consensus", "Consensus"


class Read(models.Model):
    """One reader's decisions on a case; blind to the other read until both are submitted."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reads")
    kind = models.CharField(max_length=11, choices=ReadKind.choices, default=ReadKind.INDEPENDENT)
    reader_is_senior = models.BooleanField(default=False)
    decision = models.CharField(max_length=2, choices=CaseDecision.choices, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=0, help_text="Bumped by every save (optimistic concurrency)."
    )

    class Meta:
        ordering = ("review", "created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reader"],
                condition=Q(kind=ReadKind.INDEPENDENT),
                name="read_one_independent_per_reader",
            ),
            models.UniqueConstraint(
                fields=["review"], condition=Q(kind=ReadKind.CONSENSUS), name="read_one_consensus"
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(decision=""), name="read_submitted_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.reader} on {self.review}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class VertebraDecision(models.Model):
    """A reader's decision on one level: a flagged vertebra, or a fracture the tool missed."""

    read = models.ForeignKey(Read, on_delete=models.CASCADE, related_name="vertebrae")
    level = models.PositiveSmallIntegerField(choices=VertebraLevel.choices)
    finding = models.ForeignKey(
        VertebraFinding, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_fracture = models.BooleanField()
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    false_positive_reason = models.CharField(max_length=24, choices=FalsePositiveReason.choices, blank=True)
    false_positive_note = models.CharField(max_length=200, blank=True)
    reported = models.BooleanField(
        null=True, blank=True, help_text="Mentioned in the report (reader's word)."
    )

    class Meta:
        ordering = ("read", "level")
        constraints = [
            models.UniqueConstraint(fields=["read", "level"], name="decision_one_per_level"),
            models.CheckConstraint(
                condition=(
                    Q(is_fracture=True) & Q(grade__gte=1, grade__lte=MAX_GRADE) & Q(false_positive_reason="")
                )
                | (Q(is_fracture=False) & Q(grade__isnull=True) & ~Q(false_positive_reason="")),
                name="decision_fracture_has_grade_else_reason",
            ),
            models.CheckConstraint(
                condition=~Q(false_positive_reason=FalsePositiveReason.OTHER) | ~Q(false_positive_note=""),
                name="decision_other_reason_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{VertebraLevel(self.level).label}: {'fracture' if self.is_fracture else 'no fracture'}"

    @property
    def missed_by_tool(self) -> bool:
        return self.finding_id is None


class ReviewOutcome(models.Model):
    """The final, counted decision per level (from the consensus or the agreeing reads)."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="outcomes")
    level = models.PositiveSmallIntegerField(choices=VertebraLevel.choices)
    finding = models.ForeignKey(
        VertebraFinding, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flagged = models.BooleanField(help_text="The tool flagged this level (grade ≥ 1).")
    is_fracture = models.BooleanField()
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    height_loss_pct = models.FloatField("VHL %", null=True, blank=True)
    false_positive_reason = models.CharField(max_length=24, choices=FalsePositiveReason.choices, blank=True)
    false_positive_note = models.CharField(max_length=200, blank=True)
    reported = models.BooleanField(null=True, blank=True)
    prior_status = models.CharField(max_length=10, choices=PriorStatus.choices, blank=True)
    prior_height_loss_pct = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("review", "level")
        constraints = [
            models.UniqueConstraint(fields=["review", "level"], name="outcome_one_per_level"),
            models.CheckConstraint(
                condition=Q(is_fracture=False, grade__isnull=True)
                | Q(is_fracture=True, grade__gte=1, grade__lte=MAX_GRADE),
                name="outcome_fracture_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{VertebraLevel(self.level).label}: {'fracture' if self.is_fracture else 'no fracture'} (final)"
        )


class ReviewEvent(models.Model):
    """Append-only trail of every review decision: who, when, what."""

    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("review", "at", "id")

    def __str__(self) -> str:
        return f"{self.action} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"
