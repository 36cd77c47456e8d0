"""Authentication for every request, with the right answer for browsers and for API clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase, JsonResponse

# Machine-facing URL prefixes: anonymous callers get 401 instead of a redirect to the login page.
API_PREFIXES: tuple[str, ...] = ("/api/", "/dicomweb/")


class AuthenticationRequiredMiddleware(LoginRequiredMiddleware):
    """Deny anonymous access everywhere except views marked ``login_not_required``.

    Browser pages redirect to the login page. DRF views authenticate themselves (session or
    token) and answer 401, so they are left to DRF; any other view under an API prefix gets a
    JSON 401 here.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path_info.startswith(API_PREFIXES):
            if getattr(view_func, "cls", None) is not None:  # a DRF APIView
                return None
            if request.user.is_authenticated or not getattr(view_func, "login_required", True):
                return None
            response = JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
            response["WWW-Authenticate"] = 'Token realm="api"'
            return response
        return super().process_view(request, view_func, view_args, view_kwargs)
