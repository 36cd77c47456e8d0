"""Which series of a folder to load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import NoDicomFilesError, NotCtError, SeriesNotFoundError
from .scan import SeriesSummary, preference_key


@dataclass(frozen=True)
class SeriesChoice:
    chosen: SeriesSummary
    other_candidates: tuple[SeriesSummary, ...]  # the other CT series, best first


def choose_series(summaries: Sequence[SeriesSummary], *, series_uid: str | None = None) -> SeriesChoice:
    """The named series, else the preferred CT series (see ``preference_key``).

    Raises NoDicomFilesError (no image series), SeriesNotFoundError, or NotCtError.
    """
    if not summaries:
        raise NoDicomFilesError("no DICOM image files found")
    ranked = sorted(summaries, key=preference_key)
    ct_series = [s for s in ranked if s.is_ct]
    if series_uid is not None:
        chosen = _named(ranked, series_uid)
        if not chosen.is_ct:
            raise NotCtError([chosen.modality or "unknown"], detail=f"series {series_uid} is not CT")
    elif ct_series:
        chosen = ct_series[0]
    else:
        raise NotCtError(s.modality or "unknown" for s in ranked)
    others = tuple(s for s in ct_series if s.series_instance_uid != chosen.series_instance_uid)
    return SeriesChoice(chosen=chosen, other_candidates=others)


def _named(summaries: Sequence[SeriesSummary], series_uid: str) -> SeriesSummary:
    for summary in summaries:
        if summary.series_instance_uid == series_uid:
            return summary
    raise SeriesNotFoundError(series_uid, (s.series_instance_uid for s in summaries))
