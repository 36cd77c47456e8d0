from __future__ import annotations

from django.http import Http404
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studies.api.permissions import HasPermission
from studies.api.serializers import MeOutputSerializer, StudyOutputSerializer
from studies.models import User
from studies.roles import roles_of
from studies.selectors.studies import study_detail, study_list


class MeApi(APIView):
    """Who is calling, with roles and permissions, so clients can shape their UI."""

    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated ran first
        data = {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "roles": sorted(role.value for role in roles_of(user)),
            "permissions": sorted(user.get_all_permissions()),
        }
        return Response(MeOutputSerializer(data).data)


class StudyListApi(APIView):
    permission_classes = (HasPermission,)
    required_permission = "studies.view_study"

    def get(self, request: Request) -> Response:

        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(study_list(), request, view=self)
        return paginator.get_paginated_response(StudyOutputSerializer(page, many=True).data)


class StudyDetailApi(APIView):
    permission_classes = (HasPermission,)
    required_permission = "studies.view_study"

    def get(self, request: Request, study_instance_uid: str) -> Response:
        study = study_detail(study_instance_uid=study_instance_uid)
        if study is None:
            raise Http404("No study with this StudyInstanceUID.")
        return Response(StudyOutputSerializer(study).data)
