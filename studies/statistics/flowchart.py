"""The study flowchart (the paper's Figure 1), in one aggregate query.

Boxes count analyses (one per series and model version): collected → excluded by the protocol filter
(with a count per reason; a series failing several rules counts under each) → analysed → flagged
positive → repeats of the same patient removed → reviewed (closed) → true / false positive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Q

from inference.dicom.protocol import ExclusionReason
from studies.models import AnalysisStatus, CaseDecision, ReviewReason, ReviewStatus
from studies.statistics.aggregation import DONE, FIRST_STUDY, Aggregates, Figure, Source

REASON_CODES: tuple[str, ...] = tuple(reason.value for reason in ExclusionReason)


@dataclass(frozen=True)
class Flowchart:
    collected: int
    excluded: int
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    not_finished: int = 0  # queued, running or failed: neither excluded nor analysed
    analysed: int = 0
    negative: int = 0
    flagged: int = 0
    repeats_removed: int = 0
    first_studies_flagged: int = 0
    reviewed: int = 0
    true_positive: int = 0
    false_positive: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _reason_key(code: str) -> str:
    return f"reason_{code}"


def _flowchart() -> Aggregates:
    flagged = DONE & Q(positive=True)
    first = flagged & FIRST_STUDY
    reviewed = first & Q(review__status=ReviewStatus.CLOSED, review__reason=ReviewReason.FLAGGED)
    excluded = Q(status=AnalysisStatus.EXCLUDED)
    per_reason = {
        _reason_key(code): Count("pk", filter=excluded & Q(reasons_text__contains=f'"{code}"'))
        for code in REASON_CODES
    }
    return {
        Source.ANALYSES: {
            "collected": Count("pk"),
            "excluded": Count("pk", filter=excluded),
            "analysed": Count("pk", filter=DONE),
            "negative": Count("pk", filter=DONE & Q(positive=False)),
            "flagged": Count("pk", filter=flagged),
            "first_studies_flagged": Count("pk", filter=first),
            "reviewed": Count("pk", filter=reviewed),
            "true_positive": Count("pk", filter=reviewed & Q(review__decision=CaseDecision.TRUE_POSITIVE)),
            "false_positive": Count("pk", filter=reviewed & Q(review__decision=CaseDecision.FALSE_POSITIVE)),
            **per_reason,
        }
    }


def _read_flowchart(row: dict[str, Any]) -> Flowchart:
    return Flowchart(
        collected=row["collected"],
        excluded=row["excluded"],
        excluded_by_reason={code: row[_reason_key(code)] for code in REASON_CODES},
        not_finished=row["collected"] - row["excluded"] - row["analysed"],
        analysed=row["analysed"],
        negative=row["negative"],
        flagged=row["flagged"],
        repeats_removed=row["flagged"] - row["first_studies_flagged"],
        first_studies_flagged=row["first_studies_flagged"],
        reviewed=row["reviewed"],
        true_positive=row["true_positive"],
        false_positive=row["false_positive"],
    )


flowchart = Figure(aggregates=_flowchart, read=_read_flowchart)
