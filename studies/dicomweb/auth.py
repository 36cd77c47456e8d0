"""Who may use DICOMweb: an authenticated user (session cookie or ``Authorization: Token <key>``)
with ``studies.view_study``.

DRF views cost too much per frame (a viewer asks for hundreds), so ``dicomweb_view`` does the same
checks in a few lines: anonymous → 401 with a ``WWW-Authenticate: Token`` challenge, no permission
→ 403, then other methods than GET/HEAD → 405 (so nothing is told to an anonymous caller). The
project middleware is told to leave these views alone (``login_not_required``) because they accept
tokens, which it does not know about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.cache import patch_vary_headers
from rest_framework.authtoken.models import Token

from studies.dicomweb.errors import DicomWebError

log = logging.getLogger(__name__)

PERMISSION = "studies.view_study"
CHALLENGE = 'Token realm="dicomweb"'
ALLOWED_METHODS = ("GET", "HEAD")
VARY = ("Accept", "Accept-Encoding", "Authorization", "Cookie")

View = Callable[..., HttpResponseBase]


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)


def request_user(request: HttpRequest) -> Any:
    """The session's user when logged in, else the token's user; None when neither (or the token
    is unknown or its user inactive: _Refused with the reason)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() == "token":
            key = key.strip()
            if not key or " " in key:
                raise _Refused("Invalid token header.")
            token = Token.objects.select_related("user").filter(key=key).first()
            if token is None:
                raise _Refused("Invalid token.")
            if not token.user.is_active:
                raise _Refused("User inactive or deleted.")
            return token.user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def _unauthorized(message: str) -> JsonResponse:
    response = JsonResponse({"detail": message}, status=401)
    response["WWW-Authenticate"] = CHALLENGE
    return response


def dicomweb_view(view: View) -> View:
    """Authenticate, authorise and answer DicomWebError for ``view``; adds Vary and Cache-Control."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase
        try:
            user = request_user(request)
        except _Refused as refused:
            return _unauthorized(str(refused))
        if user is None:
            return _unauthorized("Authentication credentials were not provided.")
        if not user.has_perm(PERMISSION):
            return JsonResponse({"detail": "You do not have permission to read studies."}, status=403)
        if request.method not in ALLOWED_METHODS:
            response = JsonResponse({"detail": f"Method {request.method} is not allowed."}, status=405)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        request.user = user
        try:
            response = view(request, *args, **kwargs)
        except DicomWebError as error:
            response = error.response()
        patch_vary_headers(response, VARY)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"
        return response

    return login_not_required(wrapped)
