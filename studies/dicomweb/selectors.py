"""Reads of the stored studies for DICOMweb: one query per lookup, None when it is not stored here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from studies.models import Instance, Series, Study


@dataclass(frozen=True)
class StoredInstance:
    study_uid: str
    series_uid: str
    sop_uid: str
    sop_class_uid: str
    transfer_syntax_uid: str
    instance_number: int | None
    relative_path: str
    file_size: int

    @property
    def path(self) -> Path:
        return Path(settings.VCF_DATA_DIR) / self.relative_path


_FIELDS = (
    "series__study__study_instance_uid",
    "series__series_instance_uid",
    "sop_instance_uid",
    "sop_class_uid",
    "transfer_syntax_uid",
    "instance_number",
    "relative_path",
    "file_size",
)


def _stored(rows: list[tuple[str, str, str, str, str, int | None, str, int]]) -> list[StoredInstance]:
    return [StoredInstance(*row) for row in rows]


def get_study(study_uid: str) -> Study | None:
    return Study.objects.filter(study_instance_uid=study_uid).first()


def get_series(study_uid: str, series_uid: str) -> Series | None:
    return (
        Series.objects.select_related("study")
        .filter(series_instance_uid=series_uid, study__study_instance_uid=study_uid)
        .first()
    )


def get_instance(study_uid: str, series_uid: str, sop_uid: str) -> StoredInstance | None:
    rows = list(
        Instance.objects.filter(
            sop_instance_uid=sop_uid,
            series__series_instance_uid=series_uid,
            series__study__study_instance_uid=study_uid,
        ).values_list(*_FIELDS)[:1]
    )
    return _stored(rows)[0] if rows else None  # type: ignore[arg-type]


def series_instances(series: Series) -> list[StoredInstance]:
    """The series' instances in instance-number order."""
    rows = Instance.objects.filter(series=series).order_by("instance_number", "id").values_list(*_FIELDS)
    return _stored(list(rows))  # type: ignore[arg-type]


def study_instances(study_uid: str) -> list[StoredInstance]:
    """The study's instances, series by series (series number), each in instance-number order."""
    rows = (
        Instance.objects.filter(series__study__study_instance_uid=study_uid)
        .order_by("series__series_number", "series_id", "instance_number", "id")
        .values_list(*_FIELDS)
    )
    return _stored(list(rows))  # type: ignore[arg-type]


def study_series(study: Study) -> list[Series]:
    return list(study.series.order_by("series_number", "id"))
