# Worklist and statistics speed at 10 000 studies (issue 10): the pipeline's document moves off the
# analysis row into its own table, and the worklist's "has an uncertain flagged vertebra" question is
# answered from an index.

import django.db.models.deletion
from django.db import migrations, models


def move_documents(apps, schema_editor):
    Analysis = apps.get_model("studies", "Analysis")
    AnalysisDocument = apps.get_model("studies", "AnalysisDocument")
    batch = []
    for analysis_id, body in Analysis.objects.exclude(result=None).values_list("pk", "result").iterator():
        batch.append(AnalysisDocument(analysis_id=analysis_id, body=body))
        if len(batch) == 500:
            AnalysisDocument.objects.bulk_create(batch)
            batch = []
    AnalysisDocument.objects.bulk_create(batch)


def restore_documents(apps, schema_editor):
    Analysis = apps.get_model("studies", "Analysis")
    AnalysisDocument = apps.get_model("studies", "AnalysisDocument")
    for document in AnalysisDocument.objects.iterator():
        Analysis.objects.filter(pk=document.analysis_id).update(result=document.body)


class Migration(migrations.Migration):
    dependencies = [
        ("studies", "0007_audit_event"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="vertebrafinding",
            index=models.Index(fields=["analysis", "uncertain", "grade"], name="finding_uncertain_idx"),
        ),
        migrations.CreateModel(
            name="AnalysisDocument",
            fields=[
                (
                    "analysis",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="document",
                        serialize=False,
                        to="studies.analysis",
                    ),
                ),
                ("body", models.JSONField()),
            ],
        ),
        migrations.RunPython(move_documents, restore_documents),
        migrations.RemoveField(model_name="analysis", name="result"),
    ]
