"""Records one audit event for every request to a route that shows or changes patient data.

The event is written after the view has answered, with the answer's status: 401 and 403 (and any
anonymous request, which the authentication middleware turns away) are recorded as denied. Which
routes count is decided in studies.audit_routes. If the row cannot be written the request fails:
patient data is not shown without its trail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from studies.audit_routes import AuditedRoute, UnclassifiedRoute, audited_route
from studies.models import AuditAction, User
from studies.services.audit import client_ip, record_event

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DENIED_STATUSES = frozenset({401, 403})
# A route nobody classified yet is still recorded, under this kind (and the test suite fails).
UNCLASSIFIED = AuditedRoute("unclassified")


def _action(request: HttpRequest, response: HttpResponseBase, route: AuditedRoute) -> AuditAction:
    if response.status_code in DENIED_STATUSES or not request.user.is_authenticated:
        return AuditAction.DENIED
    if request.method in SAFE_METHODS:
        return AuditAction.VIEW
    if request.method == "DELETE":
        return AuditAction.DELETE
    return route.write_action


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None:  # no route: a 404, or a static file
            return response
        try:
            route = audited_route(match.view_name)
        except UnclassifiedRoute:
            log.warning("route %s is not classified for the audit trail", match.view_name)
            route = UNCLASSIFIED
        if route is None:
            return response
        user = request.user
        target = match.kwargs.get(route.id_kwarg, "") if route.id_kwarg else ""
        record_event(
            actor=user if isinstance(user, User) else None,
            action=_action(request, response, route),
            target_kind=route.target_kind,
            target_id=target,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            method=request.method or "",
            route=match.view_name,
            route_kwargs=match.kwargs,
            path=request.path,
            status_code=response.status_code,
        )
        return response
