"""The ORM refuses to change or delete an audit event, however it is asked."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from studies.models import AppendOnlyError, AuditAction, AuditEvent
from studies.services.audit import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return record_event(actor=None, action=AuditAction.VIEW, target_kind="study", target_id="1.2.3")


def test_saving_again_is_refused(event: AuditEvent) -> None:
    event.target_id = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["target_id"])


def test_a_new_object_cannot_overwrite_an_existing_row(event: AuditEvent) -> None:
    forged = AuditEvent(pk=event.pk, action=AuditAction.VIEW, target_kind="forged")
    with pytest.raises(IntegrityError), transaction.atomic():  # an INSERT of a taken key, never an UPDATE
        forged.save()
    assert AuditEvent.objects.get(pk=event.pk).target_kind == "study"


def test_deleting_an_event_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target_id="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["target_id"])
    assert AuditEvent.objects.get(pk=event.pk).target_id == "1.2.3"
