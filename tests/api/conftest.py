# Flagged cases with their review opened, and readers of each kind (review API tests).
from tests.review.conftest import flagged_review, readers  # noqa: F401
