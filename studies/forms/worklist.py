"""The worklist's GET filters: valid values become WorklistFilters, invalid ones are dropped and named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from studies.models import User
from studies.selectors.reviews import WorklistFilters

GRADE_CHOICES = [("", "Any grade"), ("3", "Grade 3"), ("2", "Grade 2"), ("1", "Grade 1"), ("0", "Audit (0)")]
STATE_CHOICES = [
    ("", "Any state"),
    ("unread", "Unread"),
    ("reading", "Reading"),
    ("consensus", "Awaiting consensus"),
    ("closed", "Closed"),
]
UNCERTAIN_CHOICES = [("", "Any"), ("yes", "Uncertain"), ("no", "Certain")]
NOVELTY_CHOICES = [("", "New or known"), ("new", "New fracture"), ("known", "Known fracture")]
KIND_CHOICES = [
    ("", "Flagged and audit"),
    ("flagged", "Flagged by the tool"),
    ("audit", "Audit of negatives"),
]
FIELD_LABELS = {
    "grade": "grade",
    "state": "state",
    "reader": "reader",
    "date_from": "from date",
    "date_to": "to date",
    "uncertain": "uncertain",
    "novelty": "new or known",
    "kind": "flagged or audit",
}


class WorklistFilterForm(forms.Form):
    grade = forms.ChoiceField(choices=GRADE_CHOICES, required=False)
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False)
    reader = forms.ChoiceField(required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    uncertain = forms.ChoiceField(choices=UNCERTAIN_CHOICES, required=False)
    novelty = forms.ChoiceField(choices=NOVELTY_CHOICES, required=False)
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False)

    def __init__(self, *args: object, readers: Iterable[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        reader_choices = [("", "Anyone"), ("me", "Me")]
        reader_choices += [(str(user.pk), user.get_username()) for user in readers]
        self.fields["reader"].choices = reader_choices  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ParsedFilters:
    filters: WorklistFilters
    values: dict[str, str]  # the accepted raw values: to refill the form and to keep in page links
    problems: list[str]  # one line per ignored value

    @property
    def query(self) -> str:
        return urlencode(self.values)


def _tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def parse_filters(params: QueryDict, *, me: User, readers: Iterable[User]) -> ParsedFilters:
    form = WorklistFilterForm(params, readers=readers)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}
    problems = [
        f"Ignored the {FIELD_LABELS[name]} filter: {params.get(name, '')!r} is not a valid choice."
        for name in form.errors
    ]
    date_from, date_to = data.get("date_from"), data.get("date_to")
    if date_from and date_to and date_from > date_to:
        problems.append("Ignored the date range: it ends before it starts.")
        data.pop("date_from"), data.pop("date_to")
        date_from = date_to = None
    reader = data.get("reader")
    filters = WorklistFilters(
        grade=int(data["grade"]) if "grade" in data else None,
        state=data.get("state") or None,
        reader_id=me.pk if reader == "me" else (int(reader) if reader else None),
        date_from=date_from,
        date_to=date_to,
        uncertain=_tristate(data.get("uncertain", "")),
        novelty=data.get("novelty") or None,
        audit={"audit": True, "flagged": False}.get(data.get("kind", "")),
    )
    values = {
        name: value.isoformat() if hasattr(value, "isoformat") else str(value) for name, value in data.items()
    }
    return ParsedFilters(filters=filters, values=values, problems=problems)


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    count: int | None
    selected: bool


def _counted(field: str, counts: dict[str, int], by_kind: dict[str, int], by_reader: dict[str, int]):
    total = counts["all"]
    if field == "grade":
        return lambda v: total if v == "" else counts[f"grade_{v}"]
    if field == "state":
        return lambda v: total if v == "" else counts[f"state_{v}"]
    if field == "uncertain":
        return lambda v: {"": total, "yes": counts["uncertain"], "no": total - counts["uncertain"]}[v]
    if field == "novelty":
        return lambda v: total if v == "" else counts[v]
    if field == "kind":
        return lambda v: by_kind[v]
    return lambda v: by_reader.get(v)


def filter_options(
    parsed: ParsedFilters,
    *,
    readers: Iterable[User],
    counts: dict[str, int],
    by_kind: dict[str, int],
    by_reader: dict[str, int],
) -> dict[str, list[FilterOption]]:
    """Each select's options with the number of cases it would show."""
    form = WorklistFilterForm(readers=readers)
    options: dict[str, list[FilterOption]] = {}
    for field in ("grade", "state", "reader", "uncertain", "novelty", "kind"):
        count = _counted(field, counts, by_kind, by_reader)
        chosen = parsed.values.get(field, "")
        options[field] = [
            FilterOption(
                value=str(value), label=str(label), count=count(str(value)), selected=str(value) == chosen
            )
            for value, label in form.fields[field].choices  # type: ignore[attr-defined]
        ]
    return options
