"""Input and output serializers of the review API (studies.api.reviews)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rest_framework import serializers

from studies.models import FalsePositiveReason, User, VertebraFinding, VertebraLevel
from studies.selectors.reviews import REVIEW_STATES, WorklistFilters, review_state

# ---------------------------------------------------------------- inputs


class WorklistQuerySerializer(serializers.Serializer):
    """The worklist filters as query parameters; absent means "any"."""

    grade = serializers.IntegerField(min_value=0, max_value=3, required=False)
    state = serializers.ChoiceField(choices=REVIEW_STATES, required=False)
    reader = serializers.CharField(required=False, help_text='a user id, or "me"')
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    uncertain = serializers.BooleanField(required=False)
    novelty = serializers.ChoiceField(choices=("new", "known"), required=False)
    audit = serializers.BooleanField(required=False)

    def validate_reader(self, value: str) -> str:
        if value != "me" and not value.isdigit():
            raise serializers.ValidationError('give a user id or "me"')
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start: date | None = attrs.get("date_from")
        end: date | None = attrs.get("date_to")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError({"date_to": "must not be before date_from"})
        return attrs

    def filters(self, user: User) -> WorklistFilters:
        data = self.validated_data
        reader = data.get("reader")
        return WorklistFilters(
            grade=data.get("grade"),
            state=data.get("state"),
            reader_id=None if reader is None else user.pk if reader == "me" else int(reader),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            uncertain=data.get("uncertain"),
            novelty=data.get("novelty"),
            audit=data.get("audit"),
        )


class DecisionInputSerializer(serializers.Serializer):
    level = serializers.CharField(max_length=8)
    is_fracture = serializers.BooleanField()
    grade = serializers.IntegerField(min_value=1, max_value=3, required=False, allow_null=True, default=None)
    false_positive_reason = serializers.ChoiceField(
        choices=FalsePositiveReason.choices, required=False, allow_blank=True, default=""
    )
    false_positive_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reported = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_level(self, value: str) -> str:
        try:
            return VertebraLevel.from_label(value).label
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class SaveReadInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="the read's version the reader loaded")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    decisions = DecisionInputSerializer(many=True)
    submit = serializers.BooleanField(required=False, default=False)


# ---------------------------------------------------------------- outputs


class LevelField(serializers.Field):
    """A level stored as its number, shown as its label ("L1")."""

    def to_representation(self, value: int) -> str:
        return VertebraLevel(value).label


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class VertebraDecisionOutputSerializer(serializers.Serializer):
    level = LevelField()
    finding_id = serializers.IntegerField(allow_null=True)
    missed_by_tool = serializers.BooleanField()
    is_fracture = serializers.BooleanField()
    grade = serializers.IntegerField(allow_null=True)
    false_positive_reason = serializers.CharField(allow_blank=True)
    false_positive_note = serializers.CharField(allow_blank=True)
    reported = serializers.BooleanField(allow_null=True)


class ReadOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    review_id = serializers.IntegerField()
    kind = serializers.CharField()
    reader = UserOutputSerializer()
    reader_is_senior = serializers.BooleanField()
    decision = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
    submitted = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    decisions = VertebraDecisionOutputSerializer(source="vertebrae.all", many=True)


class SavedReadOutputSerializer(ReadOutputSerializer):
    """A read just saved, with where its review stands now (a submission may close it)."""

    review_status = serializers.CharField(source="review.status")
    review_decision = serializers.CharField(source="review.decision", allow_blank=True)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    action = serializers.CharField()
    detail = serializers.DictField()


class WorklistItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    state = serializers.SerializerMethodField()
    reason = serializers.CharField()
    analysis_id = serializers.IntegerField()
    max_grade = serializers.IntegerField(source="analysis.max_grade", allow_null=True)
    study_instance_uid = serializers.CharField(source="analysis.series.study.study_instance_uid")
    study_date = serializers.DateField(source="analysis.series.study.study_date", allow_null=True)
    study_description = serializers.CharField(source="analysis.series.study.description")
    patient_pseudonym = serializers.CharField(source="analysis.series.study.patient.pseudo_id")
    first_reader = UserOutputSerializer(allow_null=True)
    second_reader = UserOutputSerializer(allow_null=True)
    uncertain = serializers.BooleanField(source="has_uncertain")
    has_new_fracture = serializers.BooleanField()
    has_known_fracture = serializers.BooleanField()
    decision = serializers.CharField(allow_blank=True)
    reads_agreed = serializers.BooleanField(allow_null=True)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_state(self, review: Any) -> str:
        return review_state(review)


class FlaggedVertebraOutputSerializer(serializers.Serializer):
    """A vertebra the tool flagged, with its current values (a reader's correction wins)."""

    finding_id = serializers.IntegerField(source="pk")
    level = LevelField()
    grade = serializers.SerializerMethodField()
    height_loss_pct = serializers.SerializerMethodField()
    corrected = serializers.SerializerMethodField()
    uncertain = serializers.BooleanField()
    uncertainty_reasons = serializers.ListField(child=serializers.CharField())

    @staticmethod
    def _correction(finding: VertebraFinding) -> Any:
        correction = finding.latest_correction
        return correction if correction is not None and correction.grade is not None else None

    def get_grade(self, finding: VertebraFinding) -> int | None:
        correction = self._correction(finding)
        return correction.grade if correction is not None else finding.grade

    def get_height_loss_pct(self, finding: VertebraFinding) -> float | None:
        correction = self._correction(finding)
        return correction.height_loss_pct if correction is not None else finding.height_loss_pct

    def get_corrected(self, finding: VertebraFinding) -> bool:
        return self._correction(finding) is not None


class OutcomeOutputSerializer(serializers.Serializer):
    level = LevelField()
    finding_id = serializers.IntegerField(allow_null=True)
    flagged = serializers.BooleanField()
    is_fracture = serializers.BooleanField()
    grade = serializers.IntegerField(allow_null=True)
    height_loss_pct = serializers.FloatField(allow_null=True)
    false_positive_reason = serializers.CharField(allow_blank=True)
    false_positive_note = serializers.CharField(allow_blank=True)
    reported = serializers.BooleanField(allow_null=True)
    prior_status = serializers.CharField(allow_blank=True)
    prior_height_loss_pct = serializers.FloatField(allow_null=True)


class ReviewAnalysisOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    model_version = serializers.CharField()
    positive = serializers.BooleanField(allow_null=True)
    max_grade = serializers.IntegerField(allow_null=True)
    l1_hu = serializers.FloatField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class ReviewStudyOutputSerializer(serializers.Serializer):
    study_instance_uid = serializers.CharField()
    series_instance_uid = serializers.CharField()
    study_date = serializers.DateField(allow_null=True)
    description = serializers.CharField(allow_blank=True)
    accession_number = serializers.CharField(allow_blank=True)
    patient_pseudonym = serializers.CharField()
    report_text = serializers.CharField(allow_blank=True)


class ReviewDetailOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    state = serializers.CharField()
    reason = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    analysis = ReviewAnalysisOutputSerializer()
    study = ReviewStudyOutputSerializer()
    flagged_vertebrae = FlaggedVertebraOutputSerializer(many=True)
    first_reader = UserOutputSerializer(allow_null=True)
    second_reader = UserOutputSerializer(allow_null=True)
    has_new_fracture = serializers.BooleanField()
    has_known_fracture = serializers.BooleanField()
    decision = serializers.CharField(allow_blank=True)
    reads_agreed = serializers.BooleanField(allow_null=True)
    fracture_reported = serializers.BooleanField(allow_null=True)
    outcomes = OutcomeOutputSerializer(many=True)
    reads = ReadOutputSerializer(many=True)
    events = EventOutputSerializer(many=True)
