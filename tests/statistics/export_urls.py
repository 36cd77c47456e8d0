"""A test-local URLconf for the export views (the project's routes are added by the lead)."""

from django.urls import path

from studies.views.statistics_export import statistics_export_csv, statistics_export_xlsx

urlpatterns = [
    path("export.csv", statistics_export_csv, name="statistics-export-csv"),
    path("export.xlsx", statistics_export_xlsx, name="statistics-export-xlsx"),
]
