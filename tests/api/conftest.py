# Flagged cases with their review opened, and readers of each kind (review API tests);
# IR doctors with e-mail addresses and experience, and grade-3 referrals (referral API tests).
from tests.referrals.conftest import grade3_referral, ir_doctors  # noqa: F401
from tests.review.conftest import flagged_review, readers  # noqa: F401
