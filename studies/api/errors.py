"""HTTP answers for service errors, shared by the API views, and the caller as a User."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from studies.models import User


class Conflict(APIException):
    """409: someone else changed the record since the caller loaded it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Refused(APIException):
    """400 with the service's one-line reason (a rule of the workflow, not a malformed request)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


def calling_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # the permission class ran first
    return user
