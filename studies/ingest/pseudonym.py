"""Stable pseudonyms: the hospital's patient id never leaves the ingest step.

A keyed hash (HMAC-SHA256 with ``VCF_PSEUDONYM_KEY``) of the issuer and the patient id: the same
patient always gets the same pseudonym, and nobody without the key can go back or test a guess.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

PSEUDONYM_PREFIX = "P-"


def pseudonymise(*, patient_id: str, issuer: str = "") -> str:
    if not patient_id:
        raise ValueError("an empty patient id has no pseudonym")
    key = settings.VCF_PSEUDONYM_KEY.encode()
    digest = hmac.new(key, f"{issuer}\x00{patient_id}".encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:20].upper()
