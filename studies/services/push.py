"""DICOM push: a pushed series is analysed once it has been quiet for a while.

A C-STORE sender gives no sign that a series is complete, so the listener waits until no new
instance has arrived for ``quiet_seconds`` and then screens and queues the series. The bookkeeping
is the database itself: ``Series.last_instance_at`` (set by every new instance) against the
analyses' own timestamps. A listener that restarts therefore finds the series it left pending,
and a series is queued once per burst of new instances, never once per listener pass.

A series counts as covered, and is left alone, when one of its analyses (any model version)

* is queued or running (a queued run reads every stored file; a running one is re-queued by a
  later pass once it has finished, if instances arrived after it started),
* was queued or started after the last instance arrived, or
* was excluded by the protocol screen after the last instance arrived.

Analyses of older model versions count as well, so deploying new weights does not re-queue every
series ever pushed; a series that grows later is analysed with the current version.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from studies.models import Analysis, AnalysisStatus, Series, StudySource
from studies.services.analyses import series_received

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuietPass:
    """One pass over the pushed series: those handed to ``series_received`` and those that failed."""

    queued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def pending_quiet_series(*, quiet_seconds: float, now: datetime | None = None) -> list[int]:
    """Pushed series that received instances, have been quiet for ``quiet_seconds`` and are not
    covered by an analysis (see the module docstring), oldest first."""
    cutoff = (now or timezone.now()) - timedelta(seconds=quiet_seconds)
    last = OuterRef("last_instance_at")
    covering = Analysis.objects.filter(series=OuterRef("pk")).filter(
        Q(status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING])
        | Q(queued_at__gte=last)
        | Q(started_at__gte=last)
        | Q(status=AnalysisStatus.EXCLUDED, finished_at__gte=last)
    )
    pending = (
        Series.objects.filter(study__source=StudySource.PUSH, last_instance_at__lte=cutoff)
        .exclude(Exists(covering))
        .order_by("last_instance_at", "pk")
    )
    return list(pending.values_list("pk", flat=True))


def queue_quiet_series(
    *,
    quiet_seconds: float,
    model_version: str,
    now: datetime | None = None,
    exclude: Collection[int] = (),
) -> QuietPass:
    """Screen and queue every pending quiet series (``series_received``), one at a time: a series
    that fails is logged and reported, and the others still go ahead. ``exclude`` holds series the
    caller does not want retried yet."""
    result = QuietPass()
    for series_id in pending_quiet_series(quiet_seconds=quiet_seconds, now=now):
        if series_id in exclude:
            continue
        try:
            series_received(series_ids=[series_id], model_version=model_version)
        except Exception:  # one broken series must not hold up the others
            log.exception("push: could not queue quiet series %s", series_id)
            result.failed.append(series_id)
        else:
            result.queued.append(series_id)
    return result
