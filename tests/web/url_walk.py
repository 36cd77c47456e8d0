"""Every URL pattern of the site, with example arguments, for access tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

_SAMPLE_BY_CONVERTER = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "sample/path",
}


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # an example path: converters filled with samples
    route: str = ""  # the pattern as written: "/referrals/<int:referral_id>/"; regex pieces as they are


def _example(route: str) -> str:
    def replace(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return _SAMPLE_BY_CONVERTER.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", replace, route)


def _regex_example(regex: str) -> str:
    # Admin uses regex routes such as ^(?P<app_label>auth|studies)/$.
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    text = re.sub(r"\(\?P<\w+>([^)|]+)(?:\|[^)]*)?\)", r"\1", text)
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
    return text.replace("?", "")


def _walk(patterns: list, prefix: str, raw_prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        pattern = entry.pattern
        raw = str(pattern)
        piece = _regex_example(pattern.regex.pattern) if raw.startswith("^") else _example(raw)
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + piece, raw_prefix + raw, child_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {raw}>"
            yield Route(name=name, path="/" + prefix + piece, route="/" + raw_prefix + raw)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", "", ""))
