"""CSV and XLSX exports of the statistics on the hand-built cohort (tests/statistics/cohort.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from studies.models import Patient, User
from studies.roles import Role
from studies.statistics.export import TABLE_NAMES, VERTEBRA_HEADER, vertebra_rows
from tests.statistics.cohort import build_cohort
from tests.statistics.conftest import ALL

pytestmark = pytest.mark.usefixtures("cohort")


CSV = "/department/statistics/export.csv"
XLSX = "/department/statistics/export.xlsx"


@pytest.fixture
def lead(client_for):
    return client_for(Role.DEPARTMENT_LEAD)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _records(response) -> list[dict[str, str]]:
    header, *rows = _csv(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_vertebrae_csv(lead) -> None:
    response = lead.get(CSV, {"table": "vertebrae"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="vcf-statistics-vertebrae-20')
    assert disposition.endswith('.csv"')
    rows = _records(response)
    assert list(rows[0]) == list(VERTEBRA_HEADER)
    # A1 L1 T12, A2 T8 L3, A3 L2, A7 L4 (audit); A5 is a repeat, A4's review is open.
    assert len(rows) == 6
    by_level = {(row["patient_pseudonym"][:2], row["level"]): row for row in rows}
    assert set(by_level) == {
        ("P1", "L1"),
        ("P1", "T12"),
        ("P2", "T8"),
        ("P2", "L3"),
        ("P3", "L2"),
        ("P6", "L4"),
    }
    l1 = by_level[("P1", "L1")]
    assert l1["study_date"] == "2025-01-10"
    assert (l1["flagged"], l1["tool_grade"], l1["vhl_pct"], l1["reader_fracture"], l1["reader_grade"]) == (
        "yes", "3", "45.0", "yes", "3",
    )  # fmt: skip
    assert (l1["reported"], l1["prior_status"], l1["referral_eligibility"]) == ("no", "new", "yes")
    t12 = by_level[("P1", "T12")]
    assert (t12["reader_fracture"], t12["reader_grade"], t12["false_positive_reason"]) == (
        "no",
        "",
        "scoliosis",
    )
    l3 = by_level[("P2", "L3")]
    assert (l3["flagged"], l3["tool_grade"], l3["reader_grade"], l3["referral_status"]) == ("no", "", "1", "")
    assert by_level[("P6", "L4")]["review_reason"] == "audit"


def test_only_pseudonyms_leave(lead) -> None:
    """Patient has no name field; whatever identifies a patient in the rows is the pseudonym."""
    assert not {f.name for f in Patient._meta.get_fields()} & {"name", "patient_name", "patient_id"}
    rows = _records(lead.get(CSV, {"table": "vertebrae"}))
    pseudonyms = set(Patient.objects.values_list("pseudo_id", flat=True))
    assert {row["patient_pseudonym"] for row in rows} <= pseudonyms
    text = "".join(",".join(row.values()) for row in rows)
    assert "1.2.826.0.1.3680043" not in text  # no DICOM UIDs
    assert not any("name" in column or column.endswith("_uid") for column in VERTEBRA_HEADER)


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"scanner": "GE"}, 2),
        ({"scanner": "siemens somatom"}, 4),
        ({"cancer_site": "lung"}, 3),
        ({"date_to": "2025-01-31"}, 2),
        ({"date_from": "2025-02-01", "date_to": "2025-02-28"}, 4),
        ({"date_from": "", "date_to": "", "scanner": "", "cancer_site": ""}, 6),
    ],
)
def test_filters_apply_to_vertebrae(lead, params, count) -> None:
    assert len(_records(lead.get(CSV, {"table": "vertebrae", **params}))) == count


def test_table_csvs(lead) -> None:
    flow = dict(_csv(lead.get(CSV, {"table": "flowchart"}))[1:])
    assert (flow["collected"], flow["excluded"], flow["excluded: not_ct"], flow["true_positive"]) == (
        "11",
        "2",
        "1",
        "2",
    )
    ppv = _records(lead.get(CSV, {"table": "ppv"}))
    overall = next(row for row in ppv if (row["unit"], row["group"]) == ("case", "overall"))
    assert (overall["k"], overall["n"], overall["percent"]) == ("2", "3", "66.7")
    assert overall["text"] == "66.7 % (95 % CI 9.4–99.2 %)"
    reasons = dict(_csv(lead.get(CSV, {"table": "false_positive_reasons"}))[1:])
    assert reasons["scoliosis"] == "1" and reasons["sclerotic_metastasis"] == "1"
    cohort = _records(lead.get(CSV, {"table": "cohort"}))
    cases = {row["group"]: row["n"] for row in cohort if row["characteristic"] == "cases"}
    assert cases["flagged"] == "4"  # A1–A4 (A5 is a repeat)
    points = _records(lead.get(CSV, {"table": "operating_points"}))
    assert [row["threshold_pct"] for row in points] == ["20", "25", "30", "40"]
    filtered = dict(_csv(lead.get(CSV, {"table": "flowchart", "scanner": "GE"}))[1:])
    assert filtered["collected"] == "2"


def test_missed_fracture_and_audit_tables(lead) -> None:
    missed = dict(_csv(lead.get(CSV, {"table": "missed_fractures"}))[1:])
    # A2 L3 (flagged case, grade 1) and A7 L4 (audited negative, grade 3).
    assert missed == {
        "total": "2",
        "in_flagged_cases": "1",
        "in_audited_cases": "1",
        "grade_1_2": "1",
        "grade_3": "1",
    }
    audit = {row["measure"]: row for row in _records(lead.get(CSV, {"table": "audit"}))}
    # Negatives A6, A7, A8; audited A6 (tn) and A7 (fn): NPV 1 of 2.
    assert (audit["negatives"]["count"], audit["audited"]["count"]) == ("3", "2")
    assert audit["false_negative_cases"]["count"] == "1"
    assert audit["npv"]["text"] == "50.0 % (95 % CI 1.3–98.7 %)"


def test_every_table_downloads(lead) -> None:
    for name in TABLE_NAMES:
        response = lead.get(CSV, {"table": name})
        assert response.status_code == 200, name
        assert len(_csv(response)) >= 2, name


def test_xlsx_workbook(lead) -> None:
    response = lead.get(XLSX, {"scanner": "siemens"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="vcf-statistics-all-20')
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == list(TABLE_NAMES)
    vertebrae = list(workbook["vertebrae"].iter_rows(values_only=True))
    assert vertebrae[0] == VERTEBRA_HEADER
    assert len(vertebrae) == 1 + 4  # A1 L1 T12, A3 L2, A7 L4
    assert {row[5] for row in vertebrae[1:]} == {"L1", "T12", "L2", "L4"}
    flow = {row[0]: row[1] for row in workbook["flowchart"].iter_rows(min_row=2, values_only=True)}
    assert flow["collected"] == 9  # all but A2 and A6 (GE)
    ppv = list(workbook["ppv"].iter_rows(min_row=2, values_only=True))
    assert ppv[0][:4] == ("case", "overall", 1, 2)  # A1 tp, A3 fp


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (CSV, {"table": "nope"}, "table: one of flowchart"),
        (CSV, {}, "table:"),
        (
            CSV,
            {"table": "ppv", "date_from": "2025-13-01"},
            "date_from: not a date",
        ),
        (
            XLSX,
            {"date_from": "2025-03-01", "date_to": "2025-01-01"},
            "date_to: the period ends",
        ),
        (XLSX, {"cancer_site": "mars"}, "cancer_site: unknown code"),
        (XLSX, {"scanner": "x" * 201}, "scanner: at most 200"),
    ],
)
def test_invalid_query_is_400(lead, url, params, message) -> None:
    response = lead.get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("role", [Role.RADIOLOGIST, Role.INTERVENTIONAL_RADIOLOGIST, None])
def test_forbidden_without_view_statistics(client_for, role) -> None:
    client = client_for(role)
    assert client.get(CSV, {"table": "ppv"}).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_superuser_may_export(client) -> None:
    client.force_login(User.objects.create_superuser("root-export", password="x-export-password-1"))
    assert client.get(CSV, {"table": "regions"}).status_code == 200


def test_vertebra_export_query_count_is_constant() -> None:
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = list(vertebra_rows(ALL, chunk_size=5))
        return len(captured), len(rows)

    queries, rows = count()
    build_cohort()
    build_cohort()
    assert count() == (queries, 3 * rows)
    assert queries <= 2
