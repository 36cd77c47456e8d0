from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from studies.models import (
    Analysis,
    FindingCorrection,
    Instance,
    Patient,
    Series,
    Study,
    User,
    VertebraFinding,
)


@admin.register(User)
class VcfUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = (
        "pseudo_id",
        "sex",
        "birth_date",
        "primary_cancer_site",
        "bone_metastases",
        "osteoporosis",
        "prior_vertebroplasty",
    )
    list_filter = ("sex", "primary_cancer_site", "bone_metastases", "osteoporosis", "prior_vertebroplasty")
    search_fields = ("pseudo_id",)
    readonly_fields = ("created_at", "updated_at")


class SeriesInline(admin.TabularInline):
    model = Series
    fields = ("series_instance_uid", "modality", "series_number", "description", "instance_count")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("study_instance_uid", "patient", "study_date", "accession_number", "source")
    list_filter = ("source", "study_date")
    search_fields = ("study_instance_uid", "accession_number", "patient__pseudo_id")
    list_select_related = ("patient",)
    raw_id_fields = ("patient",)
    date_hierarchy = "study_date"
    readonly_fields = ("created_at", "updated_at")
    inlines = (SeriesInline,)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = (
        "series_instance_uid",
        "study",
        "modality",
        "slice_thickness_mm",
        "convolution_kernel",
        "manufacturer",
        "instance_count",
    )
    list_filter = ("modality", "manufacturer", "convolution_kernel")
    search_fields = ("series_instance_uid", "study__study_instance_uid")
    list_select_related = ("study",)
    raw_id_fields = ("study",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ("sop_instance_uid", "series", "instance_number", "file_size")
    search_fields = ("sop_instance_uid", "series__series_instance_uid")
    list_select_related = ("series",)
    raw_id_fields = ("series",)
    readonly_fields = ("created_at",)


class VertebraFindingInline(admin.TabularInline):
    model = VertebraFinding
    fields = ("level", "grade", "height_loss_pct", "mean_hu", "status", "uncertain", "confidence")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Analysis | None = None) -> bool:
        return False


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("id", "series", "model_version", "status", "stage", "positive", "max_grade", "created_at")
    list_filter = ("status", "positive", "max_grade", "model_version")
    search_fields = ("series__series_instance_uid", "series__study__study_instance_uid")
    list_select_related = ("series",)
    raw_id_fields = ("series",)
    readonly_fields = ("created_at", "updated_at", "queued_at", "started_at", "finished_at", "timings")
    inlines = (VertebraFindingInline,)


@admin.register(VertebraFinding)
class VertebraFindingAdmin(admin.ModelAdmin):
    """Read-only: pipeline output is never edited; readers add corrections instead."""

    list_display = ("analysis", "level", "grade", "height_loss_pct", "mean_hu", "status", "uncertain")
    list_filter = ("grade", "status", "uncertain", "level")
    list_select_related = ("analysis",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[VertebraFinding]:
        return super().get_queryset(request).select_related("analysis")

    def has_change_permission(self, request: HttpRequest, obj: VertebraFinding | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: VertebraFinding | None = None) -> bool:
        return False


@admin.register(FindingCorrection)
class FindingCorrectionAdmin(admin.ModelAdmin):
    """Append-only: corrections are read here, written in the review workflow."""

    list_display = ("finding", "author", "grade", "height_loss_pct", "created_at")
    list_select_related = ("finding", "author")
    raw_id_fields = ("finding", "author")
    readonly_fields = ("created_at",)

    def has_change_permission(self, request: HttpRequest, obj: FindingCorrection | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FindingCorrection | None = None) -> bool:
        return False
