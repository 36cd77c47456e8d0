from django.urls import path

from studies.api import uploads, viewer, views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("studies/", views.StudyListApi.as_view(), name="api-study-list"),
    path("studies/<str:study_instance_uid>/", views.StudyDetailApi.as_view(), name="api-study-detail"),
    path("uploads/", uploads.UploadApi.as_view(), name="api-upload"),
    path(
        "analyses/<int:analysis_id>/viewer/", viewer.AnalysisViewerApi.as_view(), name="api-analysis-viewer"
    ),
    path(
        "findings/<int:finding_id>/corrections/",
        viewer.FindingCorrectionApi.as_view(),
        name="api-finding-corrections",
    ),
]
