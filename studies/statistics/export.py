"""The dashboard's tables and the per-vertebra data behind them, as rows for CSV and XLSX (issue 9).

Tables are built from ``department_statistics`` (plain data), so an export always shows the figures
the dashboard shows. The per-vertebra rows are one per ReviewOutcome of the cohort's closed reviews
(flagged and audit), read with one ``values()`` query over the joins and streamed with
``iterator()``. The only patient identifier is the pseudonym (``Patient.pseudo_id``).

CSV is written as UTF-8 **with** a byte-order mark, so that Excel opens "–", "≥" and accented text
correctly; other readers (Python's ``utf-8-sig``, pandas, R) skip the mark. Booleans are "yes" / "no",
unknown values empty, percentages have one decimal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from studies.models import VertebraLevel
from studies.statistics.filters import StatisticsFilter, outcomes

CSV_BOM = "\ufeff"
VERTEBRAE = "vertebrae"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


PROPORTION_COLUMNS = ("k", "n", "percent", "ci_lower_percent", "ci_upper_percent", "text")


def _proportion(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p["k"], p["n"], _pct(p["estimate"]), _pct(p["lower"]), _pct(p["upper"]), p["text"])


def flowchart_table(stats: dict[str, Any]) -> Table:
    chart = stats["flowchart"]
    rows: list[tuple[Any, ...]] = [("collected", chart["collected"]), ("excluded", chart["excluded"])]
    rows += [(f"excluded: {code}", count) for code, count in chart["excluded_by_reason"].items()]
    rows += [
        (box, chart[box])
        for box in (
            "not_finished",
            "analysed",
            "negative",
            "flagged",
            "repeats_removed",
            "first_studies_flagged",
            "reviewed",
            "true_positive",
            "false_positive",
        )
    ]
    return Table(("box", "count"), rows)


def ppv_table(stats: dict[str, Any]) -> Table:
    rows = [
        (unit, group, *_proportion(p))
        for unit in ("case", "vertebra")
        for group, p in stats[f"ppv_per_{unit}"].items()
    ]
    return Table(("unit", "group", *PROPORTION_COLUMNS), rows)


def non_reported_table(stats: dict[str, Any]) -> Table:
    rows = [
        (unit, group, *_proportion(p))
        for unit in ("case", "vertebra")
        for group, p in stats[f"non_reported_per_{unit}"].items()
    ]
    return Table(("unit", "group", *PROPORTION_COLUMNS), rows)


def missed_fractures_table(stats: dict[str, Any]) -> Table:
    return Table(("measure", "vertebrae"), list(stats["missed_fractures"].items()))


def audit_table(stats: dict[str, Any]) -> Table:
    data = stats["audit"]
    rows: list[tuple[Any, ...]] = [
        (name, data[name], None, None, None, None)
        for name in ("negatives", "audited", "false_negative_cases", "true_positive", "false_positive")
    ]
    npv = data["npv"]
    rows.append(("npv", None, _pct(npv["estimate"]), _pct(npv["lower"]), _pct(npv["upper"]), npv["text"]))
    for name in ("sensitivity", "specificity"):
        value = data[name]
        if value is None:
            rows.append((name, None, None, None, None, "–"))
        else:
            rows.append(
                (
                    name,
                    None,
                    _pct(value["estimate"]),
                    _pct(value["lower"]),
                    _pct(value["upper"]),
                    value["text"],
                )
            )
    return Table(("measure", "count", "estimate_pct", "lower_pct", "upper_pct", "text"), rows)


def vertebroplasty_table(stats: dict[str, Any]) -> Table:
    data = stats["vertebroplasty"]
    rows: list[tuple[Any, ...]] = [
        (name, data[name], None, None, None, None, None)
        for name in ("grade_3", "referred", "eligible", "eligible_reported_known", "eligible_not_reported")
    ]
    rows += [(name, *_proportion(data[name])) for name in ("referred_rate", "missed_vertebroplasty_rate")]
    return Table(("measure", *PROPORTION_COLUMNS), rows)


def false_positive_reasons_table(stats: dict[str, Any]) -> Table:
    return Table(("reason", "count"), list(stats["false_positive_reasons"].items()))


def regions_table(stats: dict[str, Any]) -> Table:
    data = stats["regions"]
    rows = [(region, *_proportion(data[f"{region}_share"])) for region in ("thoracic", "lumbar")]
    return Table(("region", *PROPORTION_COLUMNS), rows)


def cohort_table_rows(stats: dict[str, Any]) -> Table:
    rows: list[tuple[Any, ...]] = []
    for group, entry in stats["cohort"].items():
        rows.append((group, "cases", None, None, None, None, entry["cases"]))
        for measure in ("l1_hu", "age"):
            m = entry[measure]
            rows.append((group, measure, m["mean"], m["sd"], None, None, m["n"]))
        for fact in ("women", "bone_metastases", "osteoporosis", "prior_vertebroplasty"):
            share = entry[fact]
            rows.append((group, fact, None, None, share["k"], share["percent"], share["n"]))
    return Table(("group", "characteristic", "mean", "sd", "k", "percent", "n"), rows)


def operating_points_table(stats: dict[str, Any]) -> Table:
    rows = [
        (
            point["threshold_pct"],
            point["cases_flagged"],
            *_proportion(point["ppv_per_case"]),
            point["vertebrae_flagged"],
            *_proportion(point["ppv_per_vertebra"]),
        )
        for point in stats["operating_points"]
    ]
    case = tuple(f"ppv_case_{column}" for column in PROPORTION_COLUMNS)
    vertebra = tuple(f"ppv_vertebra_{column}" for column in PROPORTION_COLUMNS)
    return Table(("threshold_pct", "cases_flagged", *case, "vertebrae_flagged", *vertebra), rows)


TABLES = {
    "flowchart": flowchart_table,
    "ppv": ppv_table,
    "missed_fractures": missed_fractures_table,
    "audit": audit_table,
    "non_reported": non_reported_table,
    "vertebroplasty": vertebroplasty_table,
    "false_positive_reasons": false_positive_reasons_table,
    "regions": regions_table,
    "cohort": cohort_table_rows,
    "operating_points": operating_points_table,
}
TABLE_NAMES: tuple[str, ...] = (*TABLES, VERTEBRAE)


def tables(stats: dict[str, Any]) -> dict[str, Table]:
    """Every dashboard table from ``department_statistics``' result."""
    return {name: build(stats) for name, build in TABLES.items()}


# The per-vertebra rows: (column, values() path); the order is the file's.
_PATIENT = "review__analysis__series__study__"
VERTEBRA_FIELDS: tuple[tuple[str, str], ...] = (
    ("patient_pseudonym", f"{_PATIENT}patient__pseudo_id"),
    ("study_date", f"{_PATIENT}study_date"),
    ("analysis", "review__analysis_id"),
    ("review_reason", "review__reason"),
    ("case_decision", "review__decision"),
    ("level", "level"),
    ("flagged", "flagged"),
    ("tool_grade", "finding__grade"),
    ("tool_vhl_pct", "finding__height_loss_pct"),
    ("vhl_pct", "height_loss_pct"),
    ("reader_fracture", "is_fracture"),
    ("reader_grade", "grade"),
    ("false_positive_reason", "false_positive_reason"),
    ("reported", "reported"),
    ("prior_status", "prior_status"),
    ("referral_status", "referral_link__referral__status"),
    ("referral_eligibility", "referral_link__referral__final_eligibility"),
)
VERTEBRA_HEADER: tuple[str, ...] = tuple(column for column, _ in VERTEBRA_FIELDS)
LEVEL_LABELS = {level.value: level.label for level in VertebraLevel}


def vertebra_rows(statistics_filter: StatisticsFilter, chunk_size: int = 2000) -> Iterator[tuple[Any, ...]]:
    """One row per final per-level decision of the cohort; one query, streamed."""
    paths = [path for _, path in VERTEBRA_FIELDS]
    queryset = (
        outcomes(statistics_filter)
        .order_by(f"{_PATIENT}patient__pseudo_id", f"{_PATIENT}study_date", "review__analysis_id", "level")
        .values_list(*paths)
    )
    level_at = paths.index("level")
    for row in queryset.iterator(chunk_size=chunk_size):
        values = list(row)
        values[level_at] = LEVEL_LABELS.get(values[level_at], values[level_at])
        yield tuple(values)


def vertebrae_table(statistics_filter: StatisticsFilter) -> Table:
    return Table(VERTEBRA_HEADER, list(vertebra_rows(statistics_filter)))


# Writers


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """The CSV text, one line at a time (for a streaming response); the first starts with the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[Any]) -> str:
        writer.writerow([csv_cell(value) for value in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    yield (CSV_BOM if bom else "") + line(header)
    for row in rows:
        yield line(row)


def write_xlsx(
    output: BinaryIO, table_map: dict[str, Table], vertebrae: Iterable[tuple[Any, ...]] | None = None
) -> None:
    """One sheet per table, then "vertebrae" streamed row by row (write-only workbook)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in table_map.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append(list(table.header))
        for row in table.rows:
            sheet.append(list(row))
    if vertebrae is not None:
        sheet = workbook.create_sheet(title=VERTEBRAE)
        sheet.append(list(VERTEBRA_HEADER))
        for row in vertebrae:
            sheet.append(list(row))
    workbook.save(output)
