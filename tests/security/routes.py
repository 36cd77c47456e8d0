"""Every URL pattern's real path for the matrix's objects (the kwargs filled with their ids)."""

from __future__ import annotations

import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from studies.models import Study
from studies.roles import Role
from tests.security.world import World
from tests.web.url_walk import Route

ADMIN_APP_INDEX = "/admin/studies/"  # the app_list route is a regex over the registered apps
ADMIN_UNKNOWN = "/admin/no-such-page/"  # the admin's catch-all route (its final_catch_all_view)


def _kwargs(world: World, name: str) -> dict[str, str]:
    instance = world.instance
    analysis = world.review.analysis
    values = {
        "referral_id": world.referral.pk,
        "review_id": world.review.pk,
        "outcome_id": world.outcome.pk,
        "analysis_id": world.prior_analysis_id if name == "review-compare" else analysis.pk,
        "finding_id": world.finding_id,
        "read_id": world.read.pk,
        "study_instance_uid": (
            instance.series.study if name == "study-export-deidentified" else analysis.series.study
        ).study_instance_uid,
        "study": instance.series.study.study_instance_uid,
        "series": instance.series.series_instance_uid,
        "sop": instance.sop_instance_uid,
        "frame_list": "1",
        "tag": "7FE00010",
        "content_type_id": ContentType.objects.get_for_model(Study).pk,
        "object_id": "",  # an admin object page: filled with that model's object below
        "id": world.users[Role.ADMIN].pk,  # the admin's password page of a user
    }
    return {key: str(value) for key, value in values.items()}


def _admin_object_id(route: str) -> str:
    match = re.match(r"/admin/(\w+)/(\w+)/", route)
    assert match, route
    model = apps.get_model(match.group(1), match.group(2))
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"build one {model.__name__} in tests/security/world.py"
    return str(first.pk)


def real_path(world: World, template: Route) -> str:
    if template.name == "admin:app_list":
        return ADMIN_APP_INDEX
    if template.name == "admin:<unnamed (?P<url>.*)$>":
        return ADMIN_UNKNOWN
    if template.name == "admin:view_on_site":
        study = world.review.analysis.series.study
        content_type = ContentType.objects.get_for_model(Study).pk
        return f"/admin/r/{content_type}/{study.pk}/"
    values = _kwargs(world, template.name)
    if "<path:object_id>" in template.route:
        values["object_id"] = _admin_object_id(template.route)

    def fill(match: re.Match[str]) -> str:
        return values[match.group(1)]

    path = re.sub(r"<(?:\w+:)?(\w+)>", fill, template.route)
    assert "<" not in path and "(" not in path, f"{template.name}: no example for {path}"
    return path
