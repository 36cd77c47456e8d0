"""Readers for scripts/load_test.py: logged-in HTTP sessions (http.client, keep-alive) that ask for
the worklist, the viewer's metadata and the statistics dashboard, and the figures they measured."""

from __future__ import annotations

import http.client
import math
import random
import re
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoginFailed(RuntimeError):
    pass


class Session:
    """One user's cookie jar; a fresh connection to 127.0.0.1:port for each request.

    Not kept alive on purpose: runserver sends the headers and the body of an answer in two
    writes, and on a kept-alive connection Nagle's algorithm then waits for the client's delayed
    ACK, adding ~40 ms to every answer (a production server, or a proxy, does not)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        sent = {"Host": "127.0.0.1", "Connection": "close", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def login(self, username: str, password: str) -> None:
        """A real login: the form's CSRF token, then the POST that sets the session cookie."""
        status, page = self.request("GET", "/accounts/login/")
        match = CSRF_INPUT.search(page.decode())
        if status != 200 or match is None:
            raise LoginFailed(f"login page answered {status}")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
        ).encode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise LoginFailed(f"login of {username} answered {status}")


@dataclass
class Figures:
    """Latencies (ms) per endpoint, errors, and the measured window."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)  # the first few error descriptions
    lock: threading.Lock = field(default_factory=threading.Lock)
    elapsed_s: float = 0.0

    def record(self, endpoint: str, ms: float, problem: str | None) -> None:
        with self.lock:
            self.latencies[endpoint].append(ms)
            if problem is not None:
                self.errors[endpoint] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{endpoint}: {problem}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def table(figures: Figures) -> list[str]:
    """One line per endpoint and one overall: count, requests/s, p50/p95/max ms, errors."""
    window = max(figures.elapsed_s, 1e-9)
    lines = [
        f"{'endpoint':24s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'max ms':>7s} errors"
    ]
    everything: list[float] = []
    for endpoint in sorted(figures.latencies):
        values = figures.latencies[endpoint]
        everything.extend(values)
        lines.append(_line(endpoint, values, window, figures.errors.get(endpoint, 0)))
    if everything:
        lines.append(_line("overall", everything, window, figures.error_count))
    return lines


def _line(name: str, values: list[float], window: float, errors: int) -> str:
    return (
        f"{name:24s} {len(values):8d} {len(values) / window:7.1f} {percentile(values, 0.5):7.1f} "
        f"{percentile(values, 0.95):7.1f} {max(values):7.1f} {errors}"
    )


# (endpoint name, path maker, weight); the path maker gets the reader's random generator.
Mix = list[tuple[str, Callable[[random.Random], str], int]]

JSON = {"Accept": "application/json"}
DICOM_JSON = {"Accept": "application/dicom+json"}


def radiologist_mix(analysis_ids: list[int], live_series: list[tuple[str, str]], reviews: int) -> Mix:
    """The worklist (first pages mostly, filtered, now and then a deeper page) and the viewer."""
    filters = ["", "", "", "?grade=3", "?state=unread", "?reader=me", "?kind=audit", "?uncertain=yes"]
    api_filters = ["", "", "", "?grade=2", "?state=reading", "?audit=true", "?reader=me"]
    page_pages, api_pages = max(1, -(-reviews // 25)), max(1, -(-reviews // 50))

    def worklist_page(rng: random.Random) -> str:
        if rng.random() < 0.2:
            return f"/radiology/worklist/?page={rng.randint(1, page_pages)}"
        return "/radiology/worklist/" + rng.choice(filters)

    def worklist_api(rng: random.Random) -> str:
        if rng.random() < 0.2:
            return f"/api/v1/reviews/?page={rng.randint(1, api_pages)}"
        return "/api/v1/reviews/" + rng.choice(api_filters)

    mix: Mix = [
        ("worklist page", worklist_page, 30),
        ("worklist API", worklist_api, 20),
        ("viewer API", lambda rng: f"/api/v1/analyses/{rng.choice(analysis_ids)}/viewer/", 20),
        ("viewer page", lambda rng: f"/analyses/{rng.choice(analysis_ids)}/viewer/", 10),
    ]
    if live_series:
        mix.append(
            (
                "WADO-RS series metadata",
                lambda rng: "/dicomweb/studies/{}/series/{}/metadata".format(*rng.choice(live_series)),
                20,
            )
        )
    return mix


def lead_mix() -> Mix:
    return [
        ("statistics page", lambda rng: "/department/statistics/", 50),
        ("statistics API", lambda rng: "/api/v1/statistics/", 50),
    ]


def headers_for(endpoint: str) -> dict[str, str]:
    if endpoint.startswith("WADO"):
        return DICOM_JSON
    return JSON if "API" in endpoint else {}


@dataclass
class Budget:
    """Shared stop rule: a deadline and a request count, whichever comes first."""

    deadline: float
    max_requests: int
    taken: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        with self.lock:
            if self.taken >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.taken += 1
            return True


def run_reader(session: Session, mix: Mix, budget: Budget, figures: Figures, seed: int) -> None:
    rng = random.Random(seed)
    names = [m[0] for m in mix]
    makers = {m[0]: m[1] for m in mix}
    weights = [m[2] for m in mix]
    asked = 0
    while budget.take():
        # Each endpoint once first (every figure has a sample), then at random by weight.
        endpoint = names[asked] if asked < len(names) else rng.choices(names, weights)[0]
        asked += 1
        path = makers[endpoint](rng)
        began = time.perf_counter()
        problem = None
        try:
            status, body = session.request("GET", path, headers=headers_for(endpoint))
            if status != 200 or not body:
                problem = f"HTTP {status} for {path}"
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error} for {path}"
        figures.record(endpoint, (time.perf_counter() - began) * 1000, problem)
