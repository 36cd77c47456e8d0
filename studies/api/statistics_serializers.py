"""Input and output serializers of the department statistics API (studies.api.statistics)."""

from __future__ import annotations

from rest_framework import serializers

from studies.models import CancerSite
from studies.statistics.filters import StatisticsFilter

# Blank means "any site"; the blank "Unknown" code is therefore not a choice of its own.
CANCER_SITE_CHOICES = [(value, label) for value, label in CancerSite.choices if value]


class StatisticsQuerySerializer(serializers.Serializer):
    """The dashboard filter as query parameters; absent or blank means "any"."""

    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    scanner = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    cancer_site = serializers.ChoiceField(
        choices=CANCER_SITE_CHOICES, required=False, allow_blank=True, default=""
    )

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        # An empty date field of an HTML form arrives as "": the same as leaving it out.
        cleaned = {key: value for key, value in data.items() if not (key.startswith("date_") and value == "")}
        return super().to_internal_value(cleaned)

    def validate(self, attrs: dict) -> dict:  # type: ignore[type-arg]
        if attrs["date_from"] and attrs["date_to"] and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": "The period ends before it starts."})
        return attrs

    def statistics_filter(self) -> StatisticsFilter:
        data = self.validated_data
        return StatisticsFilter(
            date_from=data["date_from"],
            date_to=data["date_to"],
            scanner=data["scanner"].strip(),
            cancer_site=data["cancer_site"],
        )


class StatisticsOutputSerializer(serializers.Serializer):
    """studies.statistics.figures.department_statistics, section by section (already plain data)."""

    filter = serializers.JSONField()
    flowchart = serializers.JSONField()
    ppv_per_case = serializers.JSONField()
    ppv_per_vertebra = serializers.JSONField()
    missed_fractures = serializers.JSONField()
    audit = serializers.JSONField()
    non_reported_per_case = serializers.JSONField()
    non_reported_per_vertebra = serializers.JSONField()
    vertebroplasty = serializers.JSONField()
    false_positive_reasons = serializers.JSONField()
    regions = serializers.JSONField()
    cohort = serializers.JSONField()
    operating_points = serializers.JSONField()
    grades_by_month = serializers.JSONField()
