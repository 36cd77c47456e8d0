from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from studies.models.imaging import Series
from studies.models.vertebrae import VertebraLevel

MAX_GRADE = 3


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    EXCLUDED = "excluded", "Excluded by protocol"


class Analysis(models.Model):
    """One run of one model version over one series, with its case-level result."""

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="analyses")
    model_version = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED)
    stage = models.CharField(max_length=32, blank=True, help_text="Pipeline stage while running.")
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    eligible = models.BooleanField(null=True, blank=True, help_text="Null until the protocol filter ran.")
    exclusion_reasons = models.JSONField(default=list, blank=True)
    positive = models.BooleanField(null=True, blank=True)
    max_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    l1_hu = models.FloatField("L1 HU", null=True, blank=True)
    mean_hu = models.FloatField("mean HU", null=True, blank=True)
    bone_density_levels = models.JSONField(default=list, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "analyses"
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "positive", "max_grade"], name="analysis_triage_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "model_version"], name="analysis_one_per_series_version"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in AnalysisStatus]),
                name="analysis_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0.0, progress__lte=1.0), name="analysis_progress_0_1"
            ),
            models.CheckConstraint(
                condition=Q(max_grade__isnull=True) | Q(max_grade__lte=MAX_GRADE),
                name="analysis_max_grade_range",
            ),
            # A finished analysis has a verdict, and "positive" means some vertebra reached grade 1.
            models.CheckConstraint(
                condition=~Q(status=AnalysisStatus.DONE)
                | Q(eligible=True, positive=True, max_grade__gte=1, max_grade__isnull=False)
                | Q(eligible=True, positive=False, max_grade=0, max_grade__isnull=False),
                name="analysis_done_has_verdict",
            ),
            models.CheckConstraint(
                condition=~Q(status=AnalysisStatus.EXCLUDED)
                | Q(eligible=False, eligible__isnull=False, positive__isnull=True),
                name="analysis_excluded_not_eligible",
            ),
            models.CheckConstraint(
                condition=~Q(status=AnalysisStatus.FAILED) | ~Q(error=""), name="analysis_failed_has_error"
            ),
            models.CheckConstraint(
                condition=Q(l1_hu__isnull=True) | Q(l1_hu__gte=-1024, l1_hu__lte=3071),
                name="analysis_l1_hu_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis {self.pk} ({self.status})"


class FindingStatus(models.TextChoices):
    MEASURED = "measured", "Measured"
    EXCLUDED_CEMENT = "excluded_cement", "Excluded: cement or dense material"


def _grade_matches_height_loss() -> Q:
    """Genant grade from VHL % (SPEC): <20 → 0, 20–25 → 1, (25–40] → 2, >40 → 3.

    Each branch states "is not null" explicitly: SQL treats a CHECK that evaluates to NULL as
    passed, so a comparison with a NULL column would otherwise let anything through.
    """
    known = Q(grade__isnull=False, height_loss_pct__isnull=False)
    return (
        Q(grade__isnull=True, height_loss_pct__isnull=True)
        | (known & Q(grade=0, height_loss_pct__gte=0, height_loss_pct__lt=20))
        | (known & Q(grade=1, height_loss_pct__gte=20, height_loss_pct__lte=25))
        | (known & Q(grade=2, height_loss_pct__gt=25, height_loss_pct__lte=40))
        | (known & Q(grade=3, height_loss_pct__gt=40, height_loss_pct__lte=100))
    )


class AnalysisDocument(models.Model):
    """The pipeline's vcf-analysis/1 document, as produced, beside its analysis rather than in it: at
    about 12 kB it would fill a database page per analysis row and slow every query that scans
    analyses (worklist, statistics). Written once, with the findings, by ``save_result``."""

    analysis = models.OneToOneField(
        Analysis, on_delete=models.CASCADE, primary_key=True, related_name="document"
    )
    body = models.JSONField()

    def __str__(self) -> str:
        return f"document of analysis {self.analysis_id}"


class VertebraFinding(models.Model):
    """What the pipeline measured on one vertebra. Never edited: corrections live apart."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="findings")
    level = models.PositiveSmallIntegerField(choices=VertebraLevel.choices)
    centroid_x_mm = models.FloatField(help_text="LPS millimetres.")
    centroid_y_mm = models.FloatField()
    centroid_z_mm = models.FloatField()
    confidence = models.FloatField()
    landmarks = models.JSONField(
        null=True, blank=True, help_text="Six named points in LPS mm (SPEC); null when excluded."
    )
    height_anterior_mm = models.FloatField(null=True, blank=True)
    height_middle_mm = models.FloatField(null=True, blank=True)
    height_posterior_mm = models.FloatField(null=True, blank=True)
    height_loss_pct = models.FloatField("VHL %", null=True, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    mean_hu = models.FloatField("mean HU", null=True, blank=True)
    status = models.CharField(max_length=16, choices=FindingStatus.choices, default=FindingStatus.MEASURED)
    uncertain = models.BooleanField(default=False)
    uncertainty_reasons = models.JSONField(default=list, blank=True)
    hu_roi = models.JSONField(null=True, blank=True, help_text="The density ellipse (viewer overlay).")
    # Bookkeeping, not a measurement: the correction now in force, moved only by compare-and-set
    # so that two readers correcting the same vertebra never overwrite each other silently.
    latest_correction = models.ForeignKey(
        "FindingCorrection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("analysis", "level")
        # The worklist asks, for every review, whether a flagged vertebra is uncertain: answered
        # from this index alone, without reading the (wide) finding rows.
        indexes = [models.Index(fields=["analysis", "uncertain", "grade"], name="finding_uncertain_idx")]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "level"], name="finding_one_per_level"),
            models.CheckConstraint(
                condition=Q(level__in=[choice.value for choice in VertebraLevel]), name="finding_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in FindingStatus]),
                name="finding_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0.0, confidence__lte=1.0), name="finding_confidence_0_1"
            ),
            models.CheckConstraint(condition=_grade_matches_height_loss(), name="finding_grade_matches_vhl"),
            # A body the scan cuts through is listed without landmarks or grade, flagged uncertain
            # (``not_fully_imaged``); every other measured T1-L5 body carries its grade.
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.MEASURED)
                | Q(level__lt=VertebraLevel.T1)
                | Q(level__gt=VertebraLevel.L5)
                | Q(grade__isnull=False)
                | Q(landmarks__isnull=True, uncertain=True),
                name="finding_measured_thoracolumbar_is_graded",
            ),
            models.CheckConstraint(
                condition=Q(height_anterior_mm__isnull=True) | Q(height_anterior_mm__gte=0),
                name="finding_height_anterior_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(height_middle_mm__isnull=True) | Q(height_middle_mm__gte=0),
                name="finding_height_middle_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(height_posterior_mm__isnull=True) | Q(height_posterior_mm__gte=0),
                name="finding_height_posterior_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} grade {self.grade if self.grade is not None else '–'}"

    @property
    def label(self) -> str:
        return VertebraLevel(self.level).label


class FindingCorrection(models.Model):
    """A reader's correction of a finding; append-only, the latest one counts."""

    finding = models.ForeignKey(VertebraFinding, on_delete=models.PROTECT, related_name="corrections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    landmarks = models.JSONField(null=True, blank=True)
    height_anterior_mm = models.FloatField(null=True, blank=True)
    height_middle_mm = models.FloatField(null=True, blank=True)
    height_posterior_mm = models.FloatField(null=True, blank=True)
    height_loss_pct = models.FloatField("VHL %", null=True, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("finding", "-created_at", "-id")
        get_latest_by = ("created_at", "id")
        constraints = [
            # A reader may grade by eye (grade without VHL); a measured VHL must agree with its grade.
            models.CheckConstraint(
                condition=Q(height_loss_pct__isnull=True, grade__isnull=True)
                | Q(height_loss_pct__isnull=True, grade__isnull=False, grade__lte=MAX_GRADE)
                | _grade_matches_height_loss(),
                name="correction_grade_matches_vhl",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction of {self.finding} by {self.author}"
