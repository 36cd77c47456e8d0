"""CSV and XLSX downloads of the department statistics (issue 9).

Query parameters are the dashboard's filter: ``date_from`` / ``date_to`` (ISO dates, inclusive; blank
means open), ``scanner`` (free text), ``cancer_site`` (a CancerSite code; blank means any). The CSV
download takes ``table=`` (one of ``TABLE_NAMES``: a dashboard table or ``vertebrae``). Invalid
parameters answer 400 with a plain-text message; users without ``studies.view_statistics`` 403.
"""

from __future__ import annotations

import io
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from studies.models import CancerSite
from studies.statistics.export import (
    TABLE_NAMES,
    VERTEBRA_HEADER,
    VERTEBRAE,
    csv_lines,
    tables,
    vertebra_rows,
    write_xlsx,
)
from studies.statistics.figures import department_statistics
from studies.statistics.filters import StatisticsFilter
from studies.views.access import STATISTICS_PERMISSION

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SITE_CODES = frozenset(value for value in CancerSite.values if value)
SCANNER_MAX_LENGTH = 200


class InvalidQuery(ValueError):
    pass


def _date(query: QueryDict, key: str) -> date | None:
    text = query.get(key, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidQuery(f"{key}: not a date (YYYY-MM-DD): {text!r}") from None


def filter_from_query(query: QueryDict) -> StatisticsFilter:
    """The dashboard filter from query parameters; InvalidQuery with a message when wrong."""
    scanner = query.get("scanner", "").strip()
    if len(scanner) > SCANNER_MAX_LENGTH:
        raise InvalidQuery(f"scanner: at most {SCANNER_MAX_LENGTH} characters")
    site = query.get("cancer_site", "").strip()
    if site and site not in SITE_CODES:
        raise InvalidQuery(f"cancer_site: unknown code {site!r}")
    try:
        return StatisticsFilter(
            date_from=_date(query, "date_from"),
            date_to=_date(query, "date_to"),
            scanner=scanner,
            cancer_site=site,
        )
    except ValueError as error:  # the period ends before it starts
        raise InvalidQuery(f"date_to: {error}") from None


def _check_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(STATISTICS_PERMISSION):
        raise PermissionDenied


def _filename(stem: str, extension: str) -> str:
    return f"vcf-statistics-{stem}-{timezone.localdate().isoformat()}.{extension}"


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"


@require_GET
def statistics_export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """One table (``table=``) or the per-vertebra rows as CSV (UTF-8 with BOM), streamed."""
    _check_permission(request)
    name = request.GET.get("table", "").strip()
    if name not in TABLE_NAMES:
        return HttpResponseBadRequest(
            f"table: one of {', '.join(TABLE_NAMES)}", content_type="text/plain; charset=utf-8"
        )
    try:
        statistics_filter = filter_from_query(request.GET)
    except InvalidQuery as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    if name == VERTEBRAE:
        lines = csv_lines(VERTEBRA_HEADER, vertebra_rows(statistics_filter))
    else:
        table = tables(department_statistics(statistics_filter))[name]
        lines = csv_lines(table.header, table.rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    _attachment(response, _filename(name.replace("_", "-"), "csv"))
    return response


@require_GET
def statistics_export_xlsx(request: HttpRequest) -> HttpResponse:
    """Every table, one sheet each, and the "vertebrae" sheet, in one workbook."""
    _check_permission(request)
    try:
        statistics_filter = filter_from_query(request.GET)
    except InvalidQuery as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    output = io.BytesIO()
    write_xlsx(output, tables(department_statistics(statistics_filter)), vertebra_rows(statistics_filter))
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    _attachment(response, _filename("all", "xlsx"))
    return response
