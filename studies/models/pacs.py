from __future__ import annotations

from django.db import models
from django.db.models import Q


class PacsAuth(models.TextChoices):
    NONE = "none", "None"
    BASIC = "basic", "HTTP basic (user name and password)"
    BEARER = "bearer", "Bearer token"


class PacsConnection(models.Model):
    """A DICOMweb archive studies are pulled from (QIDO-RS search, WADO-RS retrieve)."""

    name = models.CharField(max_length=64, unique=True)
    base_url = models.URLField("DICOMweb base URL", max_length=255, help_text="e.g. https://pacs/dicom-web")
    auth = models.CharField(max_length=8, choices=PacsAuth.choices, default=PacsAuth.NONE)
    username = models.CharField(max_length=128, blank=True)
    secret = models.CharField(
        "password or token", max_length=512, blank=True, help_text="Readable by administrators only."
    )
    enabled = models.BooleanField(default=True, help_text="Pulled by the periodic schedule.")
    pull_every_minutes = models.PositiveIntegerField(default=15)
    modality = models.CharField(max_length=16, default="CT")
    pulled_through = models.DateField(
        null=True, blank=True, help_text="Studies up to this date were pulled; the schedule goes on from it."
    )
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        verbose_name = "PACS connection"
        constraints = [
            models.CheckConstraint(condition=Q(auth__in=[c.value for c in PacsAuth]), name="pacs_auth_valid"),
            models.CheckConstraint(condition=Q(pull_every_minutes__gte=1), name="pacs_pull_every_positive"),
            models.CheckConstraint(
                condition=Q(auth=PacsAuth.NONE) | ~Q(secret=""), name="pacs_auth_has_secret"
            ),
        ]

    def __str__(self) -> str:
        return self.name
