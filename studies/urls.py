from django.urls import path

from studies.views import home, reviews, studies, upload, viewer, worklist

urlpatterns = [
    path("", home.home, name="home"),
    path("radiology/", home.radiology_home, name="radiology-home"),
    path("radiology/worklist/", worklist.worklist, name="worklist"),
    path("ir/", home.ir_home, name="ir-home"),
    path("department/", home.department_home, name="department-home"),
    path("studies/", studies.studies, name="study-list"),
    path("studies/<str:study_instance_uid>/", studies.study, name="study"),
    path("upload/", upload.upload, name="upload"),
    path("analyses/<int:analysis_id>/viewer/", viewer.analysis_viewer, name="analysis-viewer"),
    path("reviews/<int:review_id>/", reviews.review, name="review"),
    path("reviews/<int:review_id>/start/", reviews.start, name="review-start"),
    path("reviews/<int:review_id>/consensus/", reviews.consensus, name="review-consensus"),
    path("reviews/<int:review_id>/compare/<int:analysis_id>/", reviews.compare, name="review-compare"),
]
