from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studies.services.demo_referrals import DemoReferralError, advance_demo_referrals
from studies.services.demo_reviews import DemoReviewError, review_demo_cases, wait_for_analyses


class Command(BaseCommand):
    help = (
        "Wait for the demo cohort's analyses, then review part of the flagged cases as the demo "
        "radiologists (agreed, disputed, resolved, half-read), then take the grade-3 referrals through "
        "the IR stages as the demo IR doctors; idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            type=float,
            default=600.0,
            metavar="SECONDS",
            help="wait up to this long for queued analyses to finish (default 600; 0: do not wait)",
        )
        parser.add_argument(
            "--poll", type=float, default=5.0, help="seconds between two looks at the queue (default 5)"
        )
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("demo reviews are for DEBUG sites; pass --force to add them anyway")
        if options["wait"] < 0 or options["poll"] <= 0:
            raise CommandError("--wait must be 0 or more and --poll more than 0")
        reported: list[int] = []

        def progress(pending: int) -> None:
            if not reported or reported[-1] != pending:
                self.stdout.write(f"Waiting for {pending} analyses to finish …")
                reported.append(pending)

        finished = wait_for_analyses(timeout_s=options["wait"], poll_s=options["poll"], progress=progress)
        if not finished:
            self.stdout.write("Analyses are still pending; reviewing the finished ones (run again later).")
        try:
            report = review_demo_cases(log=self.stdout.write)
        except DemoReviewError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Demo reviews: {report.summary()}.")
        # The grade-3 referrals those reviews created, taken on by the demo IR doctors.
        try:
            referrals = advance_demo_referrals(log=self.stdout.write)
        except DemoReferralError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Demo referrals: {referrals.summary()}.")
