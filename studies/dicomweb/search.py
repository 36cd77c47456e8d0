"""QIDO-RS: searching stored studies, series and instances (a fixed number of queries per request).

Only what the database holds is returned: the patient's name and id are its pseudonym, the study
time, referring physician and study id are not stored (sent empty, as PS3.18 allows for required
attributes without a value).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from studies.dicomweb import metadata, proxy, qido, responses, selectors
from studies.dicomweb.auth import dicomweb_view
from studies.dicomweb.errors import check_uid
from studies.dicomweb.qido import Level, Query
from studies.models import Instance, Series, Study


@dataclass(frozen=True)
class Field:
    keyword: str
    tag: str
    vr: str
    value: Callable[[Any, str], Any]  # (row, service root) → value, a list of values, or None
    default: bool = True  # returned without includefield


def _date(value: Any) -> str | None:
    return value.strftime("%Y%m%d") if value else None


def _study(row: Any) -> Study:
    return row if isinstance(row, Study) else row.study if isinstance(row, Series) else row.series.study


def _series(row: Any) -> Series:
    return row if isinstance(row, Series) else row.series


STUDY_FIELDS = [
    Field("StudyDate", "00080020", "DA", lambda r, b: _date(_study(r).study_date)),
    Field("StudyTime", "00080030", "TM", lambda r, b: None),
    Field("AccessionNumber", "00080050", "SH", lambda r, b: _study(r).accession_number),
    Field("InstanceAvailability", "00080056", "CS", lambda r, b: "ONLINE"),
    Field("InstitutionName", "00080080", "LO", lambda r, b: _study(r).institution_name, default=False),
    Field("ReferringPhysicianName", "00080090", "PN", lambda r, b: None),
    Field("StudyDescription", "00081030", "LO", lambda r, b: _study(r).description),
    Field("PatientName", "00100010", "PN", lambda r, b: {"Alphabetic": _study(r).patient.pseudo_id}),
    Field("PatientID", "00100020", "LO", lambda r, b: _study(r).patient.pseudo_id),
    Field("PatientBirthDate", "00100030", "DA", lambda r, b: _date(_study(r).patient.birth_date)),
    Field("PatientSex", "00100040", "CS", lambda r, b: _study(r).patient.sex),
    Field("StudyInstanceUID", "0020000D", "UI", lambda r, b: _study(r).study_instance_uid),
    Field("StudyID", "00200010", "SH", lambda r, b: None),
]
STUDY_ONLY = [  # need the per-study aggregates: only in study results
    Field("ModalitiesInStudy", "00080061", "CS", lambda r, b: r.modalities),
    Field("RetrieveURL", "00081190", "UR", lambda r, b: f"{b}/studies/{r.study_instance_uid}"),
    Field("NumberOfStudyRelatedSeries", "00201206", "IS", lambda r, b: r.series_total),
    Field("NumberOfStudyRelatedInstances", "00201208", "IS", lambda r, b: r.instance_total or 0),
]
SERIES_FIELDS = [
    Field("Modality", "00080060", "CS", lambda r, b: _series(r).modality),
    Field("Manufacturer", "00080070", "LO", lambda r, b: _series(r).manufacturer, default=False),
    Field("SeriesDescription", "0008103E", "LO", lambda r, b: _series(r).description),
    Field(
        "ManufacturerModelName",
        "00081090",
        "LO",
        lambda r, b: _series(r).manufacturer_model_name,
        default=False,
    ),
    Field("SliceThickness", "00180050", "DS", lambda r, b: _series(r).slice_thickness_mm, default=False),
    Field("ConvolutionKernel", "00181210", "SH", lambda r, b: _series(r).convolution_kernel, default=False),
    Field("StudyInstanceUID", "0020000D", "UI", lambda r, b: _study(r).study_instance_uid),
    Field("SeriesInstanceUID", "0020000E", "UI", lambda r, b: _series(r).series_instance_uid),
    Field("SeriesNumber", "00200011", "IS", lambda r, b: _series(r).series_number),
]
SERIES_ONLY = [
    Field(
        "RetrieveURL",
        "00081190",
        "UR",
        lambda r, b: f"{b}/studies/{r.study.study_instance_uid}/series/{r.series_instance_uid}",
    ),
    Field("NumberOfSeriesRelatedInstances", "00201209", "IS", lambda r, b: r.instance_count),
]
INSTANCE_FIELDS = [
    Field("SOPClassUID", "00080016", "UI", lambda r, b: r.sop_class_uid),
    Field("SOPInstanceUID", "00080018", "UI", lambda r, b: r.sop_instance_uid),
    Field("AvailableTransferSyntaxUID", "00083002", "UI", lambda r, b: r.transfer_syntax_uid),
    Field(
        "RetrieveURL",
        "00081190",
        "UR",
        lambda r, b: (
            f"{b}/studies/{r.series.study.study_instance_uid}/series/{r.series.series_instance_uid}"
            f"/instances/{r.sop_instance_uid}"
        ),
    ),
    Field("InstanceNumber", "00200013", "IS", lambda r, b: r.instance_number),
]
# What each level returns: its own fields by default, the levels above as includefield asks.
LEVEL_FIELDS: dict[Level, tuple[list[Field], list[Field]]] = {
    Level.STUDY: (STUDY_FIELDS + STUDY_ONLY, []),
    Level.SERIES: (SERIES_FIELDS + SERIES_ONLY, STUDY_FIELDS),
    Level.INSTANCE: (INSTANCE_FIELDS, SERIES_FIELDS + STUDY_FIELDS),
}
ALWAYS = {"StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"}


def _element(vr: str, value: Any) -> dict[str, Any]:
    values = value if isinstance(value, list) else [value]
    values = [v for v in values if v not in (None, "")]
    return {"vr": vr, "Value": values} if values else {"vr": vr}


def _fields(query: Query) -> list[Field]:
    own, above = LEVEL_FIELDS[query.level]
    chosen: dict[str, Field] = {}
    for f in own + above:
        wanted = (
            (f in own and f.default) or query.include_all or f.keyword in query.include or f.keyword in ALWAYS
        )
        if wanted and f.tag not in chosen:
            chosen[f.tag] = f
    return [chosen[tag] for tag in sorted(chosen)]


def _serialize(rows: list[Any], query: Query, base: str) -> list[dict[str, Any]]:
    fields = _fields(query)
    return [{f.tag: _element(f.vr, f.value(row, base)) for f in fields} for row in rows]


def _page(queryset: QuerySet[Any], query: Query) -> tuple[list[Any], bool]:
    limit = min(query.limit or qido.MAX_RESULTS, qido.MAX_RESULTS)
    rows = list(queryset[query.offset : query.offset + limit + 1])
    truncated = len(rows) > limit and (query.limit is None or query.limit > qido.MAX_RESULTS)
    return rows[:limit], truncated


def _answer(request: HttpRequest, rows: list[Any], query: Query, truncated: bool) -> HttpResponse:
    content = metadata.dumps(_serialize(rows, query, responses.service_root(request)))
    response = responses.plain_json(request, content)
    if truncated:
        response["Warning"] = f'299 {request.get_host()} "The number of results exceeded {qido.MAX_RESULTS}"'
    return response


def _studies(query: Query) -> tuple[list[Study], bool]:
    queryset = (
        Study.objects.select_related("patient")
        .filter(*query.filters)
        .annotate(series_total=Count("series"), instance_total=Sum("series__instance_count"))
        .order_by("-study_date", "-id")
    )
    rows, truncated = _page(queryset, query)
    modalities: dict[int, list[str]] = defaultdict(list)
    if rows:
        pairs = Series.objects.filter(study_id__in=[r.pk for r in rows]).values_list("study_id", "modality")
        for study_id, modality in pairs.order_by("study_id", "modality").distinct():
            if modality:
                modalities[study_id].append(modality)
    for row in rows:
        row.modalities = modalities[row.pk]  # type: ignore[attr-defined]
    return rows, truncated


def _series_rows(query: Query, study_uid: str | None) -> tuple[list[Series], bool]:
    queryset = Series.objects.select_related("study__patient").filter(*query.filters)
    if study_uid is not None:
        queryset = queryset.filter(study__study_instance_uid=study_uid)
    return _page(queryset.order_by("study_id", "series_number", "id"), query)


def _instance_rows(
    query: Query, study_uid: str | None, series_uid: str | None
) -> tuple[list[Instance], bool]:
    queryset = Instance.objects.select_related("series__study__patient").filter(*query.filters)
    if study_uid is not None:
        queryset = queryset.filter(series__study__study_instance_uid=study_uid)
    if series_uid is not None:
        queryset = queryset.filter(series__series_instance_uid=series_uid)
    return _page(queryset.order_by("series__study_id", "series_id", "instance_number", "id"), query)


@dicomweb_view
def search_studies(request: HttpRequest) -> HttpResponseBase:
    responses.check_json_accepted(request)
    query = qido.parse(request.GET, Level.STUDY)
    rows, truncated = _studies(query)
    return _answer(request, rows, query, truncated)


@dicomweb_view
def search_series(request: HttpRequest, study: str | None = None) -> HttpResponseBase:
    responses.check_json_accepted(request)
    query = qido.parse(request.GET, Level.SERIES)
    if study is not None:
        check_uid(study, "StudyInstanceUID")
        if selectors.get_study(study) is None and (connection := proxy.connection_for_study(study)):
            return proxy.search(request, connection, study, "series", query.passthrough)
    rows, truncated = _series_rows(query, study)
    return _answer(request, rows, query, truncated)


@dicomweb_view
def search_instances(
    request: HttpRequest, study: str | None = None, series: str | None = None
) -> HttpResponseBase:
    responses.check_json_accepted(request)
    query = qido.parse(request.GET, Level.INSTANCE)
    if study is not None:
        check_uid(study, "StudyInstanceUID")
        if series is not None:
            check_uid(series, "SeriesInstanceUID")
            query.passthrough["series_instance_uid"] = series
        if selectors.get_study(study) is None and (connection := proxy.connection_for_study(study)):
            return proxy.search(request, connection, study, "instances", query.passthrough)
    rows, truncated = _instance_rows(query, study, series)
    return _answer(request, rows, query, truncated)
