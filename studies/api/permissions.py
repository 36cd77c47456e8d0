from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class HasPermission(BasePermission):
    """Requires the Django permission named by the view's ``required_permission``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        required: str | None = getattr(view, "required_permission", None)
        if required is None:
            raise AssertionError(f"{type(view).__name__} must set required_permission")
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(required))


class HasAnyPermission(BasePermission):
    """Requires one of the Django permissions named by the view's ``required_permissions``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        required: tuple[str, ...] | None = getattr(view, "required_permissions", None)
        if not required:
            raise AssertionError(f"{type(view).__name__} must set required_permissions")
        user = request.user
        return bool(user and user.is_authenticated and any(user.has_perm(name) for name in required))
