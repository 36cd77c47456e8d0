"""The reader's form on the review page: its rows prefilled from a read (or the tool), or as posted.

The posted form is parsed leniently into the same rows it was drawn from, so that whatever the
service refuses (a rule broken, a conflicting save) the page shows the reader's own values again.
The rules themselves are the service's (studies.services.reviews).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.http import QueryDict

from studies.models import FalsePositiveReason, Read, VertebraLevel
from studies.selectors.review_page import FlaggedVertebra
from studies.services.reviews import DecisionInput

MISSED_LEVELS = tuple(VertebraLevel(level).label for level in range(VertebraLevel.T1, VertebraLevel.L5 + 1))
GRADES = (1, 2, 3)


@dataclass
class VertebraRow:
    """One flagged vertebra: the tool's call and the reader's."""

    label: str
    tool_grade: int
    height_loss_pct: float | None
    uncertain: bool
    is_fracture: bool | None = None
    grade: int | None = None
    reason: str = ""
    note: str = ""
    reported: bool | None = None
    reported_suggested: bool = False  # the value comes from the report text, not from the reader

    @property
    def prefix(self) -> str:
        return f"v-{self.label}"


@dataclass
class MissedRow:
    """A fracture the tool did not flag."""

    label: str
    grade: int | None
    reported: bool | None = None


@dataclass
class ReadForm:
    read_id: int
    version: int
    rows: list[VertebraRow]
    missed: list[MissedRow] = field(default_factory=list)
    comment: str = ""
    submit: bool = False

    @property
    def missed_levels(self) -> tuple[str, ...]:
        """Levels a missed fracture may be added at: T1–L5 except the flagged ones."""
        flagged = {row.label for row in self.rows}
        return tuple(label for label in MISSED_LEVELS if label not in flagged)

    def decision_inputs(self) -> list[DecisionInput]:
        """Decided rows only: a draft may leave some open (submitting needs them all)."""
        inputs = []
        for row in self.rows:
            if row.is_fracture is None:
                continue
            inputs.append(
                DecisionInput(
                    level=row.label,
                    is_fracture=row.is_fracture,
                    grade=row.grade if row.is_fracture else None,
                    false_positive_reason="" if row.is_fracture else row.reason,
                    false_positive_note="" if row.is_fracture else row.note,
                    reported=row.reported,
                )
            )
        for missed in self.missed:
            inputs.append(
                DecisionInput(
                    level=missed.label, is_fracture=True, grade=missed.grade, reported=missed.reported
                )
            )
        return inputs


def _blank_rows(flagged: Iterable[FlaggedVertebra]) -> list[VertebraRow]:
    return [
        VertebraRow(
            label=f.label,
            tool_grade=f.grade,
            height_loss_pct=f.height_loss_pct,
            uncertain=f.uncertain,
            grade=f.grade if f.grade in GRADES else None,
        )
        for f in flagged
    ]


def initial_form(
    read: Read, flagged: Iterable[FlaggedVertebra], *, suggest_reported: Callable[[str], bool] | None
) -> ReadForm:
    """The read as saved; levels it has not decided yet are prefilled from the tool and the report."""
    rows = _blank_rows(flagged)
    saved = {VertebraLevel(d.level).label: d for d in read.vertebrae.all()}
    for row in rows:
        decision = saved.pop(row.label, None)
        if decision is None:
            if suggest_reported is not None:
                row.reported, row.reported_suggested = suggest_reported(row.label), True
            continue
        row.is_fracture = decision.is_fracture
        row.grade = decision.grade if decision.is_fracture else row.grade
        row.reason = decision.false_positive_reason
        row.note = decision.false_positive_note
        row.reported = decision.reported
    missed = [
        MissedRow(label=label, grade=d.grade, reported=d.reported)
        for label, d in saved.items()
        if d.is_fracture
    ]
    return ReadForm(read_id=read.pk, version=read.version, rows=rows, missed=missed, comment=read.comment)


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _grade(value: str | None) -> int | None:
    try:
        grade = int(value or "")
    except ValueError:
        return None
    return grade if grade in GRADES else None


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


def posted_form(data: QueryDict, flagged: Iterable[FlaggedVertebra]) -> ReadForm:
    """The form as the reader posted it (unknown values become empty, for the service to refuse)."""
    rows = _blank_rows(flagged)
    for row in rows:
        p = row.prefix
        row.is_fracture = _yes_no(data.get(f"{p}-fracture"))
        row.grade = _grade(data.get(f"{p}-grade"))
        reason = data.get(f"{p}-reason", "")
        row.reason = reason if reason in FalsePositiveReason.values else ""
        row.note = data.get(f"{p}-note", "")[:200]
        row.reported = _yes_no(data.get(f"{p}-reported"))
    missed = []
    levels, grades, reported = (data.getlist(f"missed-{name}") for name in ("level", "grade", "reported"))
    for index, label in enumerate(levels):
        if not label:
            continue
        missed.append(
            MissedRow(
                label=label if label in MISSED_LEVELS else "",
                grade=_grade(grades[index] if index < len(grades) else None),
                reported=_yes_no(reported[index] if index < len(reported) else None),
            )
        )
    return ReadForm(
        read_id=_int(data.get("read")),
        version=_int(data.get("version")),
        rows=rows,
        missed=missed,
        comment=data.get("comment", ""),
        submit=data.get("action") == "submit",
    )


def problems(form: ReadForm) -> list[str]:
    """What the service cannot be asked at all (it checks every review rule itself)."""
    found = []
    if any(m.label == "" for m in form.missed):
        found.append("A missed fracture needs a level between T1 and L5.")
    labels = [m.label for m in form.missed]
    if len(set(labels)) != len(labels):
        found.append("A missed fracture is listed twice at the same level.")
    return found
