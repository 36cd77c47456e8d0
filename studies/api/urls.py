from django.urls import path

from studies.api import audit, referrals, reviews, statistics, uploads, viewer, views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("audit/", audit.AuditLogApi.as_view(), name="api-audit-log"),
    path("statistics/", statistics.StatisticsApi.as_view(), name="api-statistics"),
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
    path("reviews/", reviews.ReviewListApi.as_view(), name="api-review-list"),
    path("reviews/<int:review_id>/", reviews.ReviewDetailApi.as_view(), name="api-review-detail"),
    path("reviews/<int:review_id>/reads/", reviews.StartReadApi.as_view(), name="api-review-reads"),
    path(
        "reviews/<int:review_id>/consensus/",
        reviews.StartConsensusApi.as_view(),
        name="api-review-consensus",
    ),
    path("reviews/<int:review_id>/events/", reviews.ReviewEventsApi.as_view(), name="api-review-events"),
    path("reads/<int:read_id>/", reviews.ReadApi.as_view(), name="api-read"),
    path("referrals/", referrals.ReferralListApi.as_view(), name="api-referral-list"),
    path("referrals/export.csv", referrals.ReferralExportApi.as_view(), name="api-referral-export"),
    path("referrals.csv", referrals.ReferralExportApi.as_view(), name="api-referral-export-csv"),
    path("referrals/<int:referral_id>/", referrals.ReferralDetailApi.as_view(), name="api-referral-detail"),
    path(
        "referrals/<int:referral_id>/assessments/",
        referrals.AssessmentApi.as_view(),
        name="api-referral-assessments",
    ),
    path(
        "referrals/<int:referral_id>/decision/", referrals.DecisionApi.as_view(), name="api-referral-decision"
    ),
    path(
        "referrals/<int:referral_id>/transitions/",
        referrals.TransitionApi.as_view(),
        name="api-referral-transitions",
    ),
    path(
        "outcomes/<int:outcome_id>/referral/",
        referrals.ManualReferralApi.as_view(),
        name="api-outcome-referral",
    ),
]
