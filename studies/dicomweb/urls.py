"""DICOMweb routes, mounted at /dicomweb/ (QIDO-RS and WADO-RS of PS3.18)."""

from __future__ import annotations

from django.urls import path

from studies.dicomweb import search, views

app_name = "dicomweb"

STUDY = "studies/<str:study>"
SERIES = f"{STUDY}/series/<str:series>"
INSTANCE = f"{SERIES}/instances/<str:sop>"

urlpatterns = [
    # QIDO-RS
    path("studies", search.search_studies, name="studies"),
    path("series", search.search_series, name="series"),
    path("instances", search.search_instances, name="instances"),
    path(f"{STUDY}/series", search.search_series, name="study-series"),
    path(f"{STUDY}/instances", search.search_instances, name="study-instances"),
    path(f"{SERIES}/instances", search.search_instances, name="series-instances"),
    # WADO-RS
    path(STUDY, views.retrieve_study, name="study"),
    path(f"{STUDY}/metadata", views.study_metadata, name="study-metadata"),
    path(SERIES, views.retrieve_series, name="series-retrieve"),
    path(f"{SERIES}/metadata", views.series_metadata, name="series-metadata"),
    path(INSTANCE, views.retrieve_instance, name="instance"),
    path(f"{INSTANCE}/metadata", views.instance_metadata, name="instance-metadata"),
    path(f"{INSTANCE}/frames/<str:frame_list>", views.instance_frames, name="frames"),
    path(f"{INSTANCE}/bulkdata/<str:tag>", views.bulkdata, name="bulkdata"),
]
