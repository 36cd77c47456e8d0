"""One call of a route by one caller, inside a savepoint that is rolled back, as the matrix writes it."""

from __future__ import annotations

from http.cookies import SimpleCookie

from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client

from studies.models import User
from studies.roles import Role

LOGIN = "login"  # 302 to /accounts/login/
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/

Answer = int | str


def answer(response: HttpResponseBase) -> Answer:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


class Callers:
    """A client per caller (None: anonymous), logged in once with the real session login."""

    def __init__(self, users: dict[Role, User]) -> None:
        self._clients: dict[Role | None, Client] = {None: Client()}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            self._clients[role] = client
        # A call may log out or leave a message cookie behind; every call starts from these.
        self._cookies = {caller: client.cookies.output() for caller, client in self._clients.items()}

    def call(self, caller: Role | None, method: str, path: str) -> Answer:
        """``method`` with an empty body (JSON ``{}`` under /api/, an empty form elsewhere)."""
        client = self._clients[caller]
        client.cookies = SimpleCookie(self._cookies[caller].replace("Set-Cookie: ", ""))
        with transaction.atomic():
            if path.startswith("/api/") and method in ("POST", "PUT"):
                response = client.generic(method, path, "{}", content_type="application/json")
            else:
                response = getattr(client, method.lower())(path)
            if response.streaming:  # a download: run it to the end (the client closes it then)
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            transaction.set_rollback(True)
        return answer(response)
