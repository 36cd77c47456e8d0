"""PPV and number of flags at VHL thresholds 20, 25, 30, 40 %."""

from __future__ import annotations

from studies.statistics.operating_point import operating_points
from tests.statistics.conftest import ALL


def test_thresholds(cohort) -> None:
    points = {p["threshold_pct"]: p for p in operating_points(ALL)}
    # Flagged levels of reviewed cases: A1 L1 45 % (fracture), A1 T12 22 % (no), A2 T8 30 % (fracture),
    # A3 L2 21 % (no).
    expected = {
        # threshold: (cases flagged, cases TP, vertebrae flagged, vertebrae TP)
        20: (3, 2, 4, 2),  # today's flags
        25: (2, 2, 2, 2),  # T12 and L2 drop out, and with L2 the case A3
        30: (2, 2, 2, 2),  # T8 at exactly 30 % stays (≥)
        40: (1, 1, 1, 1),  # only L1: A2 is no longer flagged
    }
    for threshold, (cases, case_tp, vertebrae, vertebra_tp) in expected.items():
        point = points[threshold]
        assert point["cases_flagged"] == cases
        assert (point["ppv_per_case"].k, point["ppv_per_case"].n) == (case_tp, cases)
        assert point["vertebrae_flagged"] == vertebrae
        assert (point["ppv_per_vertebra"].k, point["ppv_per_vertebra"].n) == (vertebra_tp, vertebrae)
