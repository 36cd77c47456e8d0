from __future__ import annotations

from rest_framework import serializers

from studies.models import Analysis, Patient, Series, Study


class MeOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())


class PatientOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Patient
        fields = (
            "pseudo_id",
            "sex",
            "birth_date",
            "bone_metastases",
            "osteoporosis",
            "prior_vertebroplasty",
            "primary_cancer_site",
        )


class AnalysisSummaryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Analysis
        fields = (
            "id",
            "model_version",
            "status",
            "stage",
            "progress",
            "eligible",
            "exclusion_reasons",
            "positive",
            "max_grade",
            "l1_hu",
            "created_at",
            "finished_at",
        )


class SeriesOutputSerializer(serializers.ModelSerializer):
    analyses = AnalysisSummaryOutputSerializer(many=True)
    stored_instances = serializers.IntegerField()

    class Meta:
        model = Series
        fields = (
            "series_instance_uid",
            "modality",
            "series_number",
            "description",
            "slice_thickness_mm",
            "convolution_kernel",
            "manufacturer",
            "manufacturer_model_name",
            "instance_count",
            "stored_instances",
            "analyses",
        )


class StudyOutputSerializer(serializers.ModelSerializer):
    patient = PatientOutputSerializer()
    series = SeriesOutputSerializer(many=True)

    class Meta:
        model = Study
        fields = (
            "study_instance_uid",
            "study_date",
            "accession_number",
            "description",
            "source",
            "patient",
            "series",
            "created_at",
        )
