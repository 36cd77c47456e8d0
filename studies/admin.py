from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from studies.models import (
    Analysis,
    FindingCorrection,
    Instance,
    PacsAuth,
    PacsConnection,
    Patient,
    Series,
    Study,
    User,
    VertebraFinding,
)
from studies.services.analyses import AnalysisClaimError, requeue_analysis
from studies.services.pacs import PacsError, check_connection, queue_pull

PULL_NOW_DAYS = 7


# Fields only a superuser may set: with them an administrator could grant itself any permission,
# the clinical ones included (roles.py gives administrators none).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class VcfUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return (*readonly, "groups", "is_staff", "is_active")  # no one grants themselves a role
        return readonly


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
    actions = ("requeue_failed",)

    @admin.action(description="Re-queue failed analyses", permissions=["change"])
    def requeue_failed(self, request: HttpRequest, queryset: QuerySet[Analysis]) -> None:
        requeued = not_failed = 0
        for analysis_id in queryset.values_list("pk", flat=True):
            try:
                requeue_analysis(analysis_id=analysis_id)
            except AnalysisClaimError:
                not_failed += 1
            else:
                requeued += 1
        message = f"{requeued} failed analyses re-queued"
        if not_failed:
            message += f"; {not_failed} were not failed and were left as they were"
        self.message_user(request, message + ".", messages.SUCCESS if requeued else messages.WARNING)


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


class PacsConnectionForm(forms.ModelForm):
    """The secret is write-only: never sent back to the browser; left empty, the stored one stays."""

    base_url = forms.URLField(
        label="DICOMweb base URL",
        max_length=255,
        assume_scheme="https",
        help_text="e.g. https://pacs/dicom-web",
    )
    secret = forms.CharField(
        label="Password or token",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Never displayed. Leave empty to keep the stored one (cleared when authentication is None)",
    )

    class Meta:
        model = PacsConnection
        fields = (
            "name",
            "base_url",
            "auth",
            "username",
            "secret",
            "enabled",
            "pull_every_minutes",
            "modality",
            "pulled_through",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        auth = data.get("auth")
        stored = self.instance.secret if self.instance.pk else ""
        if auth == PacsAuth.NONE:
            data["secret"] = ""
        elif not data.get("secret") and stored and auth == self.instance.auth:
            data["secret"] = stored
        if auth == PacsAuth.BASIC and not data.get("username"):
            self.add_error("username", "HTTP basic authentication needs a user name.")
        if auth in (PacsAuth.BASIC, PacsAuth.BEARER) and not data.get("secret"):
            self.add_error("secret", "This authentication needs a password or token.")
        return data


@admin.register(PacsConnection)
class PacsConnectionAdmin(admin.ModelAdmin):
    """Open to holders of "manage PACS connections" (the administrator role)."""

    form = PacsConnectionForm
    list_display = (
        "name",
        "base_url",
        "auth",
        "enabled",
        "pull_every_minutes",
        "pulled_through",
        "last_pull_at",
        "short_error",
    )
    list_filter = ("enabled", "auth")
    search_fields = ("name", "base_url")
    readonly_fields = ("last_pull_at", "last_error", "created_at", "updated_at")
    actions = ("check_connections", "pull_now")

    @admin.display(description="last error")
    def short_error(self, obj: PacsConnection) -> str:
        return obj.last_error[:120]

    def _manages_pacs(self, request: HttpRequest) -> bool:
        return request.user.has_perm("studies.manage_pacs")

    def has_manage_pacs_permission(self, request: HttpRequest) -> bool:
        return self._manages_pacs(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manages_pacs(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: PacsConnection | None = None) -> bool:
        return self._manages_pacs(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages_pacs(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: PacsConnection | None = None) -> bool:
        return self._manages_pacs(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PacsConnection | None = None) -> bool:
        return self._manages_pacs(request) or super().has_delete_permission(request, obj)

    @admin.action(description="Test connection (search for one study)", permissions=["manage_pacs"])
    def check_connections(self, request: HttpRequest, queryset: QuerySet[PacsConnection]) -> None:
        for connection in queryset:
            try:
                message = check_connection(connection=connection)
            except PacsError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=f"Pull now (last {PULL_NOW_DAYS} days)", permissions=["manage_pacs"])
    def pull_now(self, request: HttpRequest, queryset: QuerySet[PacsConnection]) -> None:
        until = timezone.localdate()
        since = until - timedelta(days=PULL_NOW_DAYS - 1)
        names = []
        for connection in queryset:
            queue_pull(connection=connection, since=since, until=until)
            names.append(connection.name)
        self.message_user(
            request,
            f"Pull of studies dated {since}..{until} queued for {', '.join(names)}. It runs in the task "
            "queue; a failure shows as the connection's last error.",
            messages.SUCCESS,
        )


from studies import admin_audit  # noqa: E402, F401  (registers the read-only audit trail)
