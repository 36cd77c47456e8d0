"""django-q2 task functions. Each one calls a service and nothing else."""

from __future__ import annotations

from datetime import date

from studies.runtime import analyzer_for_this_process
from studies.services.analyses import run_analysis as run_analysis_service
from studies.services.notifications import notify_overdue_referrals as notify_overdue_referrals_service
from studies.services.pacs import pull_connection, pull_due_connections


def run_analysis(analysis_id: int) -> str:
    analysis = run_analysis_service(analysis_id=analysis_id, analyzer=analyzer_for_this_process())
    return "nothing to do" if analysis is None else analysis.status


def pull_pacs() -> str:
    """The "pacs-pull" schedule (every minute): pulls the connections that are due."""
    return "\n".join(pull.summary() for pull in pull_due_connections()) or "no PACS connection due"


def pull_pacs_connection(connection_id: int, since: date, until: date) -> str:
    """A pull asked for by hand; a failure fails the task (and is the connection's last error)."""
    return pull_connection(connection_id=connection_id, since=since, until=until).summary()


def notify_overdue_referrals() -> str:
    """The "referrals-overdue" schedule (daily): announces each overdue referral to IR once."""
    count = notify_overdue_referrals_service()
    return f"{count} overdue referral(s) announced"
