"""Department statistics as JSON (issue 9): the dashboard's figures for a period, scanner and site."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studies.api.permissions import HasAnyPermission
from studies.api.statistics_serializers import StatisticsOutputSerializer, StatisticsQuerySerializer
from studies.statistics.figures import department_statistics
from studies.views.access import STATISTICS_PERMISSION


class StatisticsApi(APIView):
    """Department leads (view_statistics) and superusers; everyone else 403, anonymous 401."""

    permission_classes = (HasAnyPermission,)
    # A superuser holds every permission, so this one rule lets them in too.
    required_permissions = (STATISTICS_PERMISSION,)

    def get(self, request: Request) -> Response:
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = department_statistics(query.statistics_filter())
        return Response(StatisticsOutputSerializer(data).data)
