"""Input and output serializers of the referral API (studies.api.referrals)."""

from __future__ import annotations

from rest_framework import serializers

from studies.api.reviews_serializers import LevelField, UserOutputSerializer
from studies.models import Contraindication, Eligibility, ReferralStatus
from studies.selectors.referral_access import ReferralFilters

# ---------------------------------------------------------------- inputs


class ReferralQuerySerializer(serializers.Serializer):
    """The list filters as query parameters; absent means "any"."""

    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)
    grade = serializers.IntegerField(min_value=1, max_value=3, required=False)
    reported = serializers.BooleanField(required=False, allow_null=True, default=None)

    def filters(self) -> ReferralFilters:
        data = self.validated_data
        return ReferralFilters(status=data.get("status"), grade=data.get("grade"), reported=data["reported"])


class AssessmentInputSerializer(serializers.Serializer):
    eligibility = serializers.ChoiceField(choices=Eligibility.choices)
    contraindications = serializers.ListField(
        child=serializers.ChoiceField(choices=Contraindication.choices), required=False, default=list
    )
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class DecisionInputSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    version = serializers.IntegerField(min_value=0, help_text="the referral's version the caller loaded")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=13, help_text="the next status (see REFERRAL_TRANSITIONS)")
    version = serializers.IntegerField(min_value=0, help_text="the referral's version the caller loaded")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ManualReferralInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


# ---------------------------------------------------------------- outputs


class ReferralListItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient_pseudonym = serializers.CharField(source="patient.pseudo_id")
    level = LevelField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    source = serializers.CharField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()
    days_waiting = serializers.IntegerField()
    grade = serializers.IntegerField(allow_null=True)
    height_loss_pct = serializers.FloatField(allow_null=True)
    reported = serializers.BooleanField(allow_null=True)
    assessment_count = serializers.IntegerField()
    final_eligibility = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assessor = UserOutputSerializer()
    eligibility = serializers.CharField()
    contraindications = serializers.ListField(child=serializers.CharField())
    reasons = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
    assessor_experience_years = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField()


class ReferralFractureOutputSerializer(serializers.Serializer):
    review_id = serializers.IntegerField(source="outcome.review_id")
    study_date = serializers.DateField(
        source="outcome.review.analysis.series.study.study_date", allow_null=True
    )
    grade = serializers.IntegerField(source="outcome.grade", allow_null=True)
    height_loss_pct = serializers.FloatField(source="outcome.height_loss_pct", allow_null=True)
    reported = serializers.BooleanField(source="outcome.reported", allow_null=True)
    added_at = serializers.DateTimeField()


class ReferralDetailOutputSerializer(ReferralListItemOutputSerializer):
    referred_by = UserOutputSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    final_note = serializers.CharField(allow_blank=True)
    decided_by = UserOutputSerializer(allow_null=True)
    allowed_next = serializers.ListField(child=serializers.CharField())
    fractures = ReferralFractureOutputSerializer(source="fracture_list", many=True)
    assessments_blind = serializers.BooleanField(
        help_text="true when assessments exist that the caller may not (yet) see"
    )
    assessments = AssessmentOutputSerializer(source="visible_assessments", many=True, allow_null=True)
