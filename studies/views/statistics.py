"""The department statistics dashboard (issue 9): filter form, tables, and the charts' data as JSON."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studies.api.statistics_serializers import CANCER_SITE_CHOICES, StatisticsQuerySerializer
from studies.models import FalsePositiveReason
from studies.statistics.figures import department_statistics
from studies.views.access import STATISTICS_PERMISSION, current_user

CHARTS_ENTRY = "viewer/stats.js"

PROPORTION_GROUPS = (("overall", "Overall"), ("grade_1_2", "Grade 1–2"), ("grade_3", "Grade 3"))
NOVELTY_GROUPS = (("new", "New"), ("previously_known", "Previously known"), ("no_prior", "No prior imaging"))
COHORT_COLUMNS = (
    ("flagged", "Flagged"),
    ("true_positive", "All true positives"),
    ("true_positive_grade_1_2", "Grade 1–2 true positives"),
    ("true_positive_grade_3", "Grade 3 true positives"),
)
FP_LABELS = dict(FalsePositiveReason.choices)
EXCLUSION_LABELS = {
    "not_ct": "Not CT",
    "age_below_minimum": "Patient below the minimum age",
    "age_unknown": "Patient age unknown",
    "slice_too_thick": "Slices too thick",
    "kernel_not_supported": "Reconstruction kernel not supported",
    "not_axial": "Not axial",
    "insufficient_coverage": "Spine not covered enough",
    "unreadable": "Unreadable",
}


def _label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _paired_rows(
    per_case: dict[str, Any], per_vertebra: dict[str, Any], groups: tuple[tuple[str, str], ...]
) -> list[dict[str, Any]]:
    """One row per group present in either section: its per-case and per-vertebra proportion."""
    return [
        {"label": label, "case": per_case.get(key), "vertebra": per_vertebra.get(key)}
        for key, label in groups
        if key in per_case or key in per_vertebra
    ]


def _mean_sd(value: dict[str, Any]) -> str:
    if value["mean"] is None:
        return "–"
    sd = "–" if value["sd"] is None else f"{value['sd']:.1f}"
    return f"{value['mean']:.1f} ± {sd} ({value['n']})"


def _share(value: dict[str, Any]) -> str:
    if value["percent"] is None:
        return f"– ({value['n']})"
    return f"{value['percent']:.1f} % ({value['n']})"


def _cohort_rows(cohort: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The paper's Table 1: one row per characteristic, "value (n known)" per column."""
    rows: list[tuple[str, Any]] = [
        ("Cases", lambda column: str(column["cases"])),
        ("L1 attenuation, HU, mean ± SD", lambda column: _mean_sd(column["l1_hu"])),
        ("Women, %", lambda column: _share(column["women"])),
        ("Age, years, mean ± SD", lambda column: _mean_sd(column["age"])),
        ("Bone metastases, %", lambda column: _share(column["bone_metastases"])),
        ("Osteoporosis, %", lambda column: _share(column["osteoporosis"])),
        ("Prior vertebroplasty, %", lambda column: _share(column["prior_vertebroplasty"])),
    ]
    return [
        {"label": label, "cells": [show(cohort[key]) for key, _ in COHORT_COLUMNS]} for label, show in rows
    ]


def _tables(data: dict[str, Any]) -> dict[str, Any]:
    chart = data["flowchart"]
    return {
        "exclusions": [
            {"label": EXCLUSION_LABELS.get(code, _label(code)), "count": count}
            for code, count in chart["excluded_by_reason"].items()
            if count
        ],
        "ppv": _paired_rows(data["ppv_per_case"], data["ppv_per_vertebra"], PROPORTION_GROUPS),
        "non_reported": _paired_rows(
            data["non_reported_per_case"],
            data["non_reported_per_vertebra"],
            PROPORTION_GROUPS + NOVELTY_GROUPS,
        ),
        "false_positive_reasons": [
            {"label": FP_LABELS.get(code, _label(code)), "count": count}
            for code, count in data["false_positive_reasons"].items()
        ],
        "cohort_columns": [label for _, label in COHORT_COLUMNS],
        "cohort_rows": _cohort_rows(data["cohort"]),
    }


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not (user.has_perm(STATISTICS_PERMISSION) or user.is_superuser):
        raise PermissionDenied
    query = StatisticsQuerySerializer(data=request.GET)
    context: dict[str, Any] = {
        "values": {
            key: request.GET.get(key, "") for key in ("date_from", "date_to", "scanner", "cancer_site")
        },
        "cancer_sites": CANCER_SITE_CHOICES,
        "charts_built": finders.find(CHARTS_ENTRY) is not None,
    }
    if not query.is_valid():
        context["errors"] = {field: [str(e) for e in problems] for field, problems in query.errors.items()}
        return render(request, "studies/statistics.html", context, status=400)
    data = department_statistics(query.statistics_filter())
    context.update(data=data, tables=_tables(data))
    return render(request, "studies/statistics.html", context)
