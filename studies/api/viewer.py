"""The image viewer's API: an analysis with its findings, and landmark corrections."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import get_script_prefix
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inference.geometry import LANDMARK_NAMES
from studies.api.errors import Conflict, Refused
from studies.api.permissions import HasPermission
from studies.models import User, VertebraFinding
from studies.selectors.viewer import viewer_analysis, viewer_data, viewer_vertebra
from studies.services.corrections import CorrectionConflict, CorrectionError, correct_landmarks

CORRECT_PERMISSION = "studies.add_findingcorrection"


Point = serializers.ListField(child=serializers.FloatField(), min_length=3, max_length=3)


class LandmarksField(serializers.DictField):
    child = serializers.ListField(child=serializers.FloatField(), min_length=3, max_length=3)

    def to_internal_value(self, data: Any) -> dict[str, list[float]]:
        value: dict[str, list[float]] = super().to_internal_value(data)
        if set(value) != set(LANDMARK_NAMES):
            raise ValidationError(f"exactly these six points are needed: {', '.join(LANDMARK_NAMES)}")
        return value


class HeightsOutputSerializer(serializers.Serializer):
    anterior = serializers.FloatField()
    middle = serializers.FloatField()
    posterior = serializers.FloatField()


class MeasurementOutputSerializer(serializers.Serializer):
    landmarks_lps_mm = serializers.DictField(child=Point, allow_null=True)
    heights_mm = HeightsOutputSerializer(allow_null=True)
    height_loss_pct = serializers.FloatField(allow_null=True)
    grade = serializers.IntegerField(allow_null=True)


class CurrentOutputSerializer(MeasurementOutputSerializer):
    # DRF pops declared fields off the class; the name only clashes with Field.source for mypy.
    source = serializers.ChoiceField(choices=["pipeline", "correction"])  # type: ignore[assignment]


class CorrectionOutputSerializer(MeasurementOutputSerializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class VertebraOutputSerializer(serializers.Serializer):
    finding_id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    centroid_lps_mm = Point
    confidence = serializers.FloatField()
    status = serializers.CharField()
    uncertain = serializers.BooleanField()
    uncertainty_reasons = serializers.ListField(child=serializers.CharField())
    mean_hu = serializers.FloatField(allow_null=True)
    hu_roi = serializers.DictField(allow_null=True)
    measured = MeasurementOutputSerializer()
    correction = CorrectionOutputSerializer(allow_null=True)
    current = CurrentOutputSerializer()


class AnalysisHeaderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    model_version = serializers.CharField()
    positive = serializers.BooleanField(allow_null=True)
    max_grade = serializers.IntegerField(allow_null=True)
    l1_hu = serializers.FloatField(allow_null=True)
    mean_hu = serializers.FloatField(allow_null=True)
    study_instance_uid = serializers.CharField()
    series_instance_uid = serializers.CharField()
    patient_pseudonym = serializers.CharField()
    study_date = serializers.DateField(allow_null=True)
    study_description = serializers.CharField(allow_blank=True)


class ViewerOutputSerializer(serializers.Serializer):
    analysis = AnalysisHeaderOutputSerializer()
    dicomweb_root = serializers.CharField()
    can_correct = serializers.BooleanField()
    vertebrae = VertebraOutputSerializer(many=True)


def dicomweb_root() -> str:
    return f"{get_script_prefix()}dicomweb"


class AnalysisViewerApi(APIView):
    permission_classes = (HasPermission,)
    required_permission = "studies.view_analysis"

    def get(self, request: Request, analysis_id: int) -> Response:
        analysis = viewer_analysis(analysis_id=analysis_id)
        if analysis is None:
            raise Http404("No such analysis.")
        data = viewer_data(
            analysis=analysis,
            can_correct=request.user.has_perm(CORRECT_PERMISSION),
            dicomweb_root=dicomweb_root(),
        )
        return Response(ViewerOutputSerializer(data).data)


class CorrectionInputSerializer(serializers.Serializer):
    landmarks_lps_mm = LandmarksField()
    note = serializers.CharField(allow_blank=True, max_length=2000, default="")
    based_on_correction_id = serializers.IntegerField(allow_null=True)


class FindingCorrectionApi(APIView):
    """A reader moves landmarks: VHL and grade are recomputed here and stored beside the original."""

    permission_classes = (HasPermission,)
    required_permission = CORRECT_PERMISSION

    def post(self, request: Request, finding_id: int) -> Response:
        payload = CorrectionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        try:
            correct_landmarks(
                finding_id=finding_id,
                author=user,
                landmarks=payload.validated_data["landmarks_lps_mm"],
                based_on_correction_id=payload.validated_data["based_on_correction_id"],
                note=payload.validated_data["note"],
            )
        except VertebraFinding.DoesNotExist:
            raise Http404("No such finding.") from None
        except CorrectionConflict as conflict:
            raise Conflict(str(conflict)) from None
        except CorrectionError as error:
            raise Refused(str(error)) from None
        finding = VertebraFinding.objects.select_related("latest_correction__author").get(pk=finding_id)
        return Response(
            VertebraOutputSerializer(viewer_vertebra(finding)).data, status=status.HTTP_201_CREATED
        )
