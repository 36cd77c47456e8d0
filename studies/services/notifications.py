"""E-mail to the interventional radiology team (Django's mail settings; console backend in the demo)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from studies.models import Referral, ReferralStatus, User
from studies.services.audit import record_system_change

log = logging.getLogger(__name__)


def ir_recipients() -> list[str]:
    """Active users who may assess referrals (by group or directly) and have an address."""
    permission = Permission.objects.get(codename="assess_referral", content_type__app_label="studies")
    users = User.objects.filter(
        Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True
    )
    return sorted({u.email for u in users.exclude(email="")})


def _send(subject: str, body: str) -> int:
    recipients = ir_recipients()
    if not recipients:
        log.warning("no interventional radiologist has an e-mail address: %s not sent", subject)
        return 0
    # Pseudonymous ids only: mail leaves the site.
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _describe(referral: Referral) -> str:
    return f"{referral.label} of patient {referral.patient.pseudo_id}"


def _link(referral: Referral) -> str:
    return reverse("referral", kwargs={"referral_id": referral.pk})


def referral_created(*, referral_id: int) -> int:
    referral = Referral.objects.select_related("patient").get(pk=referral_id)
    return _send(
        f"[VCF Sentinel] New vertebroplasty referral: {_describe(referral)}",
        f"A {referral.get_source_display().lower()} referral waits for two IR assessments.\n"
        f"Open it: {_link(referral)}\n",
    )


def assessments_complete(*, referral_id: int) -> int:
    referral = Referral.objects.select_related("patient").get(pk=referral_id)
    return _send(
        f"[VCF Sentinel] Both assessments in: {_describe(referral)}",
        f"The two independent assessments are in; record the final decision.\nOpen it: {_link(referral)}\n",
    )


def notify_overdue_referrals() -> int:
    """Announce, once each, referrals waiting longer than VCF_REFERRAL_OVERDUE_DAYS. Returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.VCF_REFERRAL_OVERDUE_DAYS)
    overdue = Referral.objects.select_related("patient").filter(
        status__in=(ReferralStatus.NEW, ReferralStatus.IN_ASSESSMENT),
        created_at__lt=cutoff,
        overdue_notified_at__isnull=True,
    )
    count = 0
    for referral in overdue:
        # Claim first, so two schedulers never mail the same referral twice.
        if Referral.objects.filter(pk=referral.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=timezone.now()
        ):
            record_system_change(target_kind="referral", target_id=referral.pk)
            days = (timezone.now() - referral.created_at).days
            _send(
                f"[VCF Sentinel] Referral waiting {days} days: {_describe(referral)}",
                f"This referral has waited {days} days ({referral.get_status_display().lower()}).\n"
                f"Open it: {_link(referral)}\n",
            )
            count += 1
    return count
