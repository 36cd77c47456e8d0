from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "O", "Other"
    UNKNOWN = "", "Unknown"


class CancerSite(models.TextChoices):
    UNKNOWN = "", "Unknown"
    LUNG = "lung", "Lung"
    HEAD_AND_NECK = "head_and_neck", "Head and neck"
    SKIN = "skin", "Skin (non-melanoma)"
    MELANOMA = "melanoma", "Melanoma"
    BREAST = "breast", "Breast"
    PROSTATE = "prostate", "Prostate"
    COLORECTAL = "colorectal", "Colorectal"
    UPPER_GI = "upper_gi", "Upper gastrointestinal"
    PANCREAS = "pancreas", "Pancreas"
    LIVER_BILIARY = "liver_biliary", "Liver and biliary"
    KIDNEY = "kidney", "Kidney"
    BLADDER = "bladder", "Bladder and urothelial"
    GYNAECOLOGICAL = "gynaecological", "Gynaecological"
    HAEMATOLOGICAL = "haematological", "Haematological"
    SARCOMA = "sarcoma", "Sarcoma"
    THYROID = "thyroid", "Thyroid"
    BRAIN = "brain", "Central nervous system"
    OTHER = "other", "Other"


class Patient(models.Model):
    """A pseudonymised patient. Clinical facts are nullable: null means unknown, not "no"."""

    pseudo_id = models.CharField(
        "pseudonymous id",
        max_length=64,
        unique=True,
        help_text="Stable pseudonym; the hospital's patient id never leaves the ingest step.",
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True, default=Sex.UNKNOWN)
    birth_date = models.DateField(null=True, blank=True)
    bone_metastases = models.BooleanField(null=True, blank=True)
    osteoporosis = models.BooleanField(null=True, blank=True)
    prior_vertebroplasty = models.BooleanField(null=True, blank=True)
    primary_cancer_site = models.CharField(
        max_length=32, choices=CancerSite.choices, blank=True, default=CancerSite.UNKNOWN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("pseudo_id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sex__in=[choice.value for choice in Sex]),
                name="patient_sex_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(primary_cancer_site__in=[choice.value for choice in CancerSite]),
                name="patient_cancer_site_valid",
            ),
            models.CheckConstraint(condition=~models.Q(pseudo_id=""), name="patient_pseudo_id_not_empty"),
        ]

    def __str__(self) -> str:
        return self.pseudo_id
