"""Time the department statistics (issue 9) on 100 000 vertebra findings.

    .venv/bin/python scripts/bench_statistics.py                      # throwaway SQLite
    .venv/bin/python scripts/bench_statistics.py --database-url URL   # an empty PostgreSQL database

Builds ``--analyses`` finished analyses (default 7 450) of ``--findings`` vertebrae each
(default 14; 4 % are excluded: ~100 000 findings), a third of them flagged, each flagged one with a
closed review and an outcome per flagged vertebra, plus 5 % audited negatives and 3 % repeat
studies; all with bulk_create in
batches. Then times ``department_statistics(StatisticsFilter())`` (median of ``--repeat`` runs after a
warm-up) and prints it against the 300 ms target. The SQLite file lives in a temporary folder that is
removed afterwards; a PostgreSQL database is migrated and filled (use a throwaway one:
scripts/postgres.sh).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_MS = 300.0
BATCH = 2000


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcfweb.settings")
    os.environ.setdefault("SECRET_KEY", "bench-statistics-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain http
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _document(vertebrae: int) -> dict[str, object]:
    point = [12.345678, -160.123456, 1020.654321]
    return {
        "schema": "vcf-analysis/1",
        "vertebrae": [
            {
                "label": f"V{i}",
                "landmarks_lps_mm": {f"p{k}": point for k in range(6)},
                "hu_roi": {"mean": 1.0},
            }
            for i in range(vertebrae)
        ],
        "log": ["stage finished in 0.123 s"] * 250,
    }


def build(analyses: int, findings_per: int, seed: int = 9) -> int:
    """Fill the database; returns the number of findings."""
    from studies.models import (
        Analysis,
        AnalysisDocument,
        AnalysisStatus,
        CaseReview,
        Patient,
        ReviewOutcome,
        Series,
        Study,
        StudySource,
        VertebraFinding,
        VertebraLevel,
    )

    rng = random.Random(seed)
    closed_at = datetime(2025, 12, 31, tzinfo=UTC)
    sites = ["lung", "breast", "prostate", "kidney", ""]
    scanners = [("SIEMENS", "SOMATOM Force"), ("GE", "Revolution"), ("Philips", "IQon")]
    levels = [level.value for level in VertebraLevel if level.label[0] in "TL"][:findings_per]

    patients = Patient.objects.bulk_create(
        [
            Patient(
                pseudo_id=f"BENCH-{i:06d}",
                sex=rng.choice("MF"),
                birth_date=date(1930 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                bone_metastases=rng.choice([True, False, None]),
                osteoporosis=rng.choice([True, False, None]),
                prior_vertebroplasty=rng.choice([True, False, None]),
                primary_cancer_site=rng.choice(sites),
            )
            for i in range(analyses)
        ],
        batch_size=BATCH,
    )
    start = date(2024, 1, 1)
    studies = Study.objects.bulk_create(
        [
            Study(
                study_instance_uid=f"1.2.826.0.1.3680043.10.9999.{i}",
                patient=patient,
                study_date=start + timedelta(days=rng.randrange(730)),
                source=StudySource.UPLOAD,
            )
            for i, patient in enumerate(patients)
        ],
        batch_size=BATCH,
    )
    # 3 % are repeats of an earlier study of another patient row (same patient in the data's sense).
    for study in studies[-len(studies) // 33 :]:
        study.repeat_of = studies[rng.randrange(len(studies) // 2)]
    Study.objects.bulk_update(studies, ["repeat_of"], batch_size=BATCH)
    series = Series.objects.bulk_create(
        [
            Series(
                series_instance_uid=f"1.2.826.0.1.3680043.10.9998.{i}",
                study=study,
                modality="CT",
                manufacturer=(scanner := rng.choice(scanners))[0],
                manufacturer_model_name=scanner[1],
            )
            for i, study in enumerate(studies)
        ],
        batch_size=BATCH,
    )
    grades: list[list[int]] = []
    rows: list[Analysis] = []
    for one in series:
        if rng.random() < 0.04:
            rows.append(
                Analysis(
                    series=one,
                    model_version="bench",
                    status=AnalysisStatus.EXCLUDED,
                    eligible=False,
                    exclusion_reasons=["slice_too_thick"],
                )
            )
            grades.append([])
            continue
        positive = rng.random() < 0.33
        graded = [0] * len(levels)
        if positive:
            for at in rng.sample(range(len(levels)), rng.choice([1, 1, 2, 3])):
                graded[at] = rng.choice([1, 1, 2, 3])
        grades.append(graded)
        rows.append(
            Analysis(
                series=one,
                model_version="bench",
                status=AnalysisStatus.DONE,
                eligible=True,
                positive=positive,
                max_grade=max(graded),
                progress=1.0,
                l1_hu=rng.gauss(130, 40) if rng.random() < 0.9 else None,
            )
        )
    analysis_rows = Analysis.objects.bulk_create(rows, batch_size=BATCH)
    # The pipeline's document (~12 kB per analysis, as for a real series) lives beside each row.
    AnalysisDocument.objects.bulk_create(
        [AnalysisDocument(analysis=analysis, body=_document(len(levels))) for analysis in analysis_rows],
        batch_size=BATCH,
    )
    vhl_of = {0: 8.0, 1: 22.0, 2: 32.0, 3: 45.0}
    finding_rows = [
        VertebraFinding(
            analysis=analysis,
            level=level,
            centroid_x_mm=0.0,
            centroid_y_mm=0.0,
            centroid_z_mm=float(level),
            confidence=0.9,
            height_loss_pct=vhl_of[grade] + rng.random() * 2,
            grade=grade,
        )
        for analysis, graded in zip(analysis_rows, grades, strict=True)
        for level, grade in zip(levels, graded, strict=False)
        if graded
    ]
    findings = VertebraFinding.objects.bulk_create(finding_rows, batch_size=BATCH)
    by_analysis: dict[int, list[VertebraFinding]] = {}
    for finding in findings:
        if finding.grade:
            by_analysis.setdefault(finding.analysis_id, []).append(finding)
    reviews, audit = [], []
    for analysis in analysis_rows:
        if analysis.status != AnalysisStatus.DONE:
            continue
        if analysis.positive:
            tp = rng.random() < 0.87
            reviews.append(
                CaseReview(
                    analysis=analysis,
                    reason="flagged",
                    status="closed",
                    decision="tp" if tp else "fp",
                    closed_at=closed_at,
                    fracture_reported=rng.choice([True, False, None]) if tp else None,
                )
            )
        elif rng.random() < 0.05:
            fn = rng.random() < 0.1
            audit.append(
                CaseReview(
                    analysis=analysis,
                    reason="audit",
                    status="closed",
                    decision="fn" if fn else "tn",
                    closed_at=closed_at,
                )
            )
    review_rows = CaseReview.objects.bulk_create(reviews + audit, batch_size=BATCH)
    outcomes = []
    for review in review_rows:
        if review.reason == "audit":
            if review.decision == "fn":
                outcomes.append(
                    ReviewOutcome(
                        review=review,
                        level=levels[-1],
                        flagged=False,
                        is_fracture=True,
                        grade=rng.choice([1, 2, 3]),
                        prior_status="no_prior",
                    )
                )
            continue
        for finding in by_analysis.get(review.analysis_id, []):
            fracture = review.decision == "tp" and rng.random() < 0.9
            outcomes.append(
                ReviewOutcome(
                    review=review,
                    level=finding.level,
                    finding=finding,
                    flagged=True,
                    is_fracture=fracture,
                    grade=finding.grade if fracture else None,
                    height_loss_pct=finding.height_loss_pct,
                    false_positive_reason="" if fracture else rng.choice(["scoliosis", "degenerative"]),
                    reported=rng.choice([True, False, None]) if fracture else None,
                    prior_status=rng.choice(["new", "stable", "progressed", "no_prior"]) if fracture else "",
                )
            )
    ReviewOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
    return len(findings)


def time_statistics(repeat: int) -> list[float]:
    from studies.statistics.figures import department_statistics
    from studies.statistics.filters import StatisticsFilter

    department_statistics(StatisticsFilter())  # warm-up: caches, query plans
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        department_statistics(StatisticsFilter())
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def time_parts() -> dict[str, tuple[float, int]]:
    """Milliseconds and query count of each figure computed alone (one run), slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studies.statistics import figures
    from studies.statistics.filters import StatisticsFilter

    parts: dict[str, tuple[float, int]] = {}
    for name in figures.FIGURES:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            figures.FIGURES[name](StatisticsFilter())
            parts[name] = ((time.perf_counter() - began) * 1000, len(captured.captured_queries))
    return dict(sorted(parts.items(), key=lambda item: -item[1][0]))


def time_http(repeat: int) -> dict[str, list[float]]:
    """The whole answer as a department lead gets it: the API's JSON and the dashboard page."""
    from django.test import Client

    from studies.models import User
    from studies.roles import Role
    from studies.services.roles import ensure_role_groups

    lead = User.objects.create_user(username="bench-lead")
    lead.groups.add(ensure_role_groups()[Role.DEPARTMENT_LEAD])
    client = Client(HTTP_HOST="localhost")
    client.force_login(lead)
    timings: dict[str, list[float]] = {}
    for url in ("/api/v1/statistics/", "/department/statistics/"):
        assert client.get(url).status_code == 200, url  # warm-up
        runs = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(url)
            runs.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, url
        timings[url] = runs
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: throwaway SQLite)")
    parser.add_argument("--analyses", type=int, default=7450)
    parser.add_argument("--findings", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-statistics-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        setup_django(url)
        from django.db import connection

        began = time.perf_counter()
        count = build(args.analyses, args.findings)
        built_s = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        timings = time_statistics(args.repeat)
        median = statistics.median(timings)
        size = f"{count} findings in {args.analyses} analyses"
        print(f"database: {connection.vendor}; {size} (built in {built_s:.1f} s)")
        print("runs (ms): " + ", ".join(f"{t:.0f}" for t in timings))
        verdict = "within" if median <= TARGET_MS else "OVER"
        print(f"department_statistics median: {median:.0f} ms ({verdict} the {TARGET_MS:.0f} ms target)")
        for name, (ms, queries) in time_parts().items():
            print(f"  {name:28s} {ms:6.1f} ms  {queries} queries")
        for url, runs in time_http(args.repeat).items():
            answer = statistics.median(runs)
            verdict = "within" if answer <= TARGET_MS else "OVER"
            listed = ", ".join(f"{t:.0f}" for t in runs)
            print(f"GET {url}: runs (ms) {listed}; median {answer:.0f} ms ({verdict})")
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
