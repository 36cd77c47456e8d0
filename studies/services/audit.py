"""Writing the audit trail: one row per view or change of patient data (see studies.models.audit).

Requests are recorded by studies.audit_middleware; changes the system makes on its own (a queue
task saving findings, a referral opened automatically) call :func:`record_event` from the service
that makes them, inside its transaction, so a change rolled back leaves no audit row behind.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from studies.models import AuditAction, AuditEvent, User
from studies.models.audit import (
    METHOD_MAX_CHARS,
    PATH_MAX_CHARS,
    TARGET_ID_MAX_CHARS,
    USER_AGENT_MAX_CHARS,
)
from studies.roles import roles_of


def _text(value: str) -> str:
    return value.replace("\x00", "")


def _clean(value: Any) -> Any:
    return _text(value) if isinstance(value, str) else value


def record_event(
    *,
    actor: User | None,
    action: AuditAction,
    target_kind: str,
    target_id: object = "",
    ip_address: str | None = None,
    user_agent: str = "",
    method: str = "",
    route: str = "",
    route_kwargs: Mapping[str, Any] | None = None,
    path: str = "",
    status_code: int | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` None: the system did it. Text from the request is stored without NUL
    characters (PostgreSQL refuses them; a hostile path must still leave its trail)."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        roles=",".join(sorted(role.value for role in roles_of(actor))) if actor is not None else "",
        ip_address=ip_address,
        user_agent=_text(user_agent)[:USER_AGENT_MAX_CHARS],
        action=action,
        target_kind=target_kind,
        target_id="" if target_id is None else _text(str(target_id))[:TARGET_ID_MAX_CHARS],
        method=_text(method)[:METHOD_MAX_CHARS],
        route=route,
        route_kwargs={
            key: _text(value) if isinstance(value, str) else value
            for key, value in (route_kwargs or {}).items()
        },
        path=_text(path)[:PATH_MAX_CHARS],
        status_code=status_code,
    )


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the X-Forwarded-For entry our own proxies vouch for.

    With N trusted proxies in front of the app, the last N entries of X-Forwarded-For were written by
    them and the Nth from the end is the client; anything further left could be forged by the client.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted: int = settings.VCF_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return _valid_ip(hops[-trusted] if len(hops) >= trusted else hops[0]) or remote


def record_system_change(*, target_kind: str, target_id: object, created: bool = False) -> AuditEvent:
    """A change the system made on its own: a queue task, a schedule, an automatic step."""
    action = AuditAction.CREATE if created else AuditAction.CHANGE
    return record_event(actor=None, action=action, target_kind=target_kind, target_id=target_id)
