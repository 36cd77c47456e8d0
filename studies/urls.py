from django.urls import path

from studies.views import (
    audit,
    home,
    referrals,
    reviews,
    statistics,
    statistics_export,
    studies,
    study_export,
    upload,
    viewer,
    worklist,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("radiology/", home.radiology_home, name="radiology-home"),
    path("radiology/worklist/", worklist.worklist, name="worklist"),
    path("ir/", home.ir_home, name="ir-home"),
    path("ir/referrals/", referrals.queue, name="referral-queue"),
    path("referrals/<int:referral_id>/", referrals.referral, name="referral"),
    path("referrals/<int:referral_id>/assess/", referrals.assess_referral, name="referral-assess"),
    path("referrals/<int:referral_id>/decide/", referrals.decide_referral, name="referral-decide"),
    path("referrals/<int:referral_id>/move/", referrals.move_referral, name="referral-move"),
    path("department/", home.department_home, name="department-home"),
    path("department/statistics/", statistics.statistics, name="statistics"),
    path(
        "department/statistics/export.csv",
        statistics_export.statistics_export_csv,
        name="statistics-export-csv",
    ),
    path(
        "department/statistics/export.xlsx",
        statistics_export.statistics_export_xlsx,
        name="statistics-export-xlsx",
    ),
    path("studies/", studies.studies, name="study-list"),
    path("studies/<str:study_instance_uid>/", studies.study, name="study"),
    path(
        "studies/<str:study_instance_uid>/export-deidentified.zip",
        study_export.study_export_deidentified,
        name="study-export-deidentified",
    ),
    path("upload/", upload.upload, name="upload"),
    path("audit/", audit.audit_log, name="audit-log"),
    path("analyses/<int:analysis_id>/viewer/", viewer.analysis_viewer, name="analysis-viewer"),
    path("reviews/<int:review_id>/", reviews.review, name="review"),
    path("reviews/<int:review_id>/start/", reviews.start, name="review-start"),
    path("reviews/<int:review_id>/consensus/", reviews.consensus, name="review-consensus"),
    path(
        "reviews/<int:review_id>/outcomes/<int:outcome_id>/refer/",
        referrals.refer_outcome,
        name="review-outcome-refer",
    ),
    path("reviews/<int:review_id>/compare/<int:analysis_id>/", reviews.compare, name="review-compare"),
]
