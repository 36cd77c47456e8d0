from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using the site. Roles are Django groups (see studies.roles)."""

    ir_experience_years = models.PositiveSmallIntegerField(
        "years of IR experience",
        null=True,
        blank=True,
        help_text="Interventional radiologists: shown beside their vertebroplasty assessments.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ("username",)
