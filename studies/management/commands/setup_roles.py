from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studies.services.roles import create_demo_users, ensure_role_groups


class Command(BaseCommand):
    help = "Create the role groups with their permissions; --demo also creates one demo user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="create or reset one demo user per role")
        parser.add_argument("--password", help="demo password for all demo users (default: random, printed)")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="allow --demo when DEBUG is off (never on a site with patient data)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        groups = ensure_role_groups()
        self.stdout.write(f"Role groups ready: {', '.join(role.value for role in groups)}")
        if not options["demo"]:
            return
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError("--demo creates users with printed passwords; refused while DEBUG is off.")
        logins = create_demo_users(password=options["password"])
        self.stdout.write("Demo logins (username / password):")
        for login in logins:
            self.stdout.write(f"  {login.role.title:<28} {login.username} / {login.password}")
