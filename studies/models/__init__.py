"""Domain models, one module per concern; import from here."""

from studies.models.analysis import (
    Analysis,
    AnalysisDocument,
    AnalysisStatus,
    FindingCorrection,
    FindingStatus,
    VertebraFinding,
)
from studies.models.audit import AppendOnlyError, AuditAction, AuditEvent
from studies.models.capabilities import Capability
from studies.models.imaging import Instance, Series, Study, StudySource
from studies.models.pacs import PacsAuth, PacsConnection
from studies.models.patients import CancerSite, Patient, Sex
from studies.models.referral import (
    REFERRAL_TRANSITIONS,
    Contraindication,
    Eligibility,
    Referral,
    ReferralAssessment,
    ReferralEvent,
    ReferralFracture,
    ReferralSource,
    ReferralStatus,
)
from studies.models.review import (
    CaseDecision,
    CaseReview,
    FalsePositiveReason,
    PriorStatus,
    Read,
    ReadKind,
    ReviewEvent,
    ReviewOutcome,
    ReviewReason,
    ReviewStatus,
    VertebraDecision,
)
from studies.models.users import User
from studies.models.vertebrae import VertebraLevel

__all__ = [
    "REFERRAL_TRANSITIONS",
    "Analysis",
    "AnalysisDocument",
    "AnalysisStatus",
    "AppendOnlyError",
    "AuditAction",
    "AuditEvent",
    "CancerSite",
    "Capability",
    "CaseDecision",
    "CaseReview",
    "Contraindication",
    "Eligibility",
    "FalsePositiveReason",
    "FindingCorrection",
    "FindingStatus",
    "Instance",
    "PacsAuth",
    "PacsConnection",
    "Patient",
    "PriorStatus",
    "Read",
    "ReadKind",
    "Referral",
    "ReferralAssessment",
    "ReferralEvent",
    "ReferralFracture",
    "ReferralSource",
    "ReferralStatus",
    "ReviewEvent",
    "ReviewOutcome",
    "ReviewReason",
    "ReviewStatus",
    "Series",
    "Sex",
    "Study",
    "StudySource",
    "User",
    "VertebraDecision",
    "VertebraFinding",
    "VertebraLevel",
]
