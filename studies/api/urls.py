from django.urls import path

from studies.api import uploads, views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("studies/", views.StudyListApi.as_view(), name="api-study-list"),
    path("studies/<str:study_instance_uid>/", views.StudyDetailApi.as_view(), name="api-study-detail"),
    path("uploads/", uploads.UploadApi.as_view(), name="api-upload"),
]
