from __future__ import annotations

from django.db import models

from studies.models.patients import Patient

UID_MAX_LENGTH = 64  # DICOM UI value representation


class StudySource(models.TextChoices):
    UPLOAD = "upload", "Upload"
    PACS = "pacs", "PACS pull (DICOMweb)"
    PUSH = "push", "DICOM push (C-STORE)"
    IMPORT = "import", "Command-line import"


class Study(models.Model):
    study_instance_uid = models.CharField("StudyInstanceUID", max_length=UID_MAX_LENGTH, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="studies")
    study_date = models.DateField(null=True, blank=True)
    accession_number = models.CharField(max_length=16, blank=True)
    description = models.CharField(max_length=64, blank=True)
    institution_name = models.CharField(max_length=64, blank=True)
    report_text = models.TextField(
        "radiology report",
        blank=True,
        help_text="The routine report, to check whether a fracture was mentioned.",
    )
    source = models.CharField(max_length=8, choices=StudySource.choices)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        help_text="The patient's first study when this is a further one (patient-level statistics).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "studies"
        ordering = ("-study_date", "-id")
        indexes = [models.Index(fields=["study_date"], name="study_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=[choice.value for choice in StudySource]),
                name="study_source_valid",
            ),
            models.CheckConstraint(condition=~models.Q(study_instance_uid=""), name="study_uid_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.study_date or 'undated'} {self.accession_number or self.study_instance_uid}"


class Series(models.Model):
    series_instance_uid = models.CharField("SeriesInstanceUID", max_length=UID_MAX_LENGTH, unique=True)
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="series")
    modality = models.CharField(max_length=16)
    series_number = models.IntegerField(null=True, blank=True)
    description = models.CharField(max_length=64, blank=True)
    slice_thickness_mm = models.FloatField(null=True, blank=True)
    convolution_kernel = models.CharField(max_length=64, blank=True)
    manufacturer = models.CharField(max_length=64, blank=True)
    manufacturer_model_name = models.CharField(max_length=64, blank=True)
    instance_count = models.PositiveIntegerField(default=0)
    storage_dir = models.CharField(
        max_length=255, blank=True, help_text="Folder of the series' files, relative to VCF_DATA_DIR."
    )
    last_instance_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest new instance arrived (push: quiet-time rule)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "series"
        ordering = ("study", "series_number", "id")
        constraints = [
            models.CheckConstraint(condition=~models.Q(series_instance_uid=""), name="series_uid_not_empty"),
            models.CheckConstraint(
                condition=models.Q(slice_thickness_mm__isnull=True) | models.Q(slice_thickness_mm__gt=0),
                name="series_slice_thickness_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(storage_dir__startswith="/") & ~models.Q(storage_dir__contains=".."),
                name="series_storage_dir_relative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.modality} {self.series_number or ''} {self.description}".strip()


class Instance(models.Model):
    """One stored DICOM file; stored once, whatever route it arrived by."""

    sop_instance_uid = models.CharField("SOPInstanceUID", max_length=UID_MAX_LENGTH, unique=True)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="instances")
    sop_class_uid = models.CharField(max_length=UID_MAX_LENGTH)
    transfer_syntax_uid = models.CharField(max_length=UID_MAX_LENGTH, blank=True)
    instance_number = models.IntegerField(null=True, blank=True)
    relative_path = models.CharField(max_length=255, help_text="File path relative to VCF_DATA_DIR.")
    file_size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("series", "instance_number", "id")
        constraints = [
            models.CheckConstraint(condition=~models.Q(sop_instance_uid=""), name="instance_uid_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(relative_path="")
                & ~models.Q(relative_path__startswith="/")
                & ~models.Q(relative_path__contains=".."),
                name="instance_path_relative",
            ),
        ]

    def __str__(self) -> str:
        return self.sop_instance_uid
