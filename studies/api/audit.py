"""The audit trail as JSON, for administrators (studies.view_audit_log)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studies.api.audit_serializers import AuditEventOutputSerializer, AuditQuerySerializer
from studies.api.permissions import HasPermission
from studies.selectors.audit import audit_events

AUDIT_PERMISSION = "studies.view_audit_log"


class AuditLogApi(APIView):
    """Administrators only; everyone else 403, anonymous 401."""

    permission_classes = (HasPermission,)
    required_permission = AUDIT_PERMISSION

    def get(self, request: Request) -> Response:
        query = AuditQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(audit_events(filters=query.filters()), request, view=self)
        return paginator.get_paginated_response(AuditEventOutputSerializer(page, many=True).data)
