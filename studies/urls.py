from django.urls import path

from studies.views import home, studies, upload, viewer

urlpatterns = [
    path("", home.home, name="home"),
    path("radiology/", home.radiology_home, name="radiology-home"),
    path("ir/", home.ir_home, name="ir-home"),
    path("department/", home.department_home, name="department-home"),
    path("studies/", studies.studies, name="study-list"),
    path("studies/<str:study_instance_uid>/", studies.study, name="study"),
    path("upload/", upload.upload, name="upload"),
    path("analyses/<int:analysis_id>/viewer/", viewer.analysis_viewer, name="analysis-viewer"),
]
