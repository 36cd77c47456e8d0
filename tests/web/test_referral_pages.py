"""IR referral pages: who may see and change what, blind assessments, the status flow, queue and badge."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from studies.context_processors import navigation
from studies.models import (
    CaseDecision,
    CaseReview,
    Patient,
    Referral,
    ReferralEvent,
    ReferralFracture,
    ReferralSource,
    ReferralStatus,
    ReviewOutcome,
    ReviewStatus,
    User,
    VertebraLevel,
)
from studies.roles import Role
from studies.services.referrals import assess, decide
from studies.services.reviews import DecisionInput
from tests.review.cases import double_read

pytestmark = pytest.mark.django_db

L1_GRADE_3 = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]
L1_NOT_FRACTURE = [DecisionInput(level="L1", is_fracture=False, false_positive_reason="sclerotic_metastasis")]
L1_GRADE_2 = [DecisionInput(level="L1", is_fracture=True, grade=2, reported=True)]


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def users(people, make_user) -> dict[str, User]:
    ir2 = make_user(Role.INTERVENTIONAL_RADIOLOGIST, username="ir2")
    User.objects.filter(pk=people["ir"].pk).update(ir_experience_years=12)
    User.objects.filter(pk=ir2.pk).update(ir_experience_years=3)
    people["ir"].refresh_from_db()
    ir2.refresh_from_db()
    return {**people, "ir2": ir2, "admin": make_user(Role.ADMIN), "norole": make_user(None)}


def closed_review(make_review, users, decisions=L1_GRADE_3) -> CaseReview:
    review = make_review(grade=3)
    double_read(review, (users["junior"], decisions), (users["senior2"], decisions))
    assert review.status == ReviewStatus.CLOSED
    return review


@pytest.fixture
def referral(make_review, users) -> Referral:
    review = closed_review(make_review, users)
    return Referral.objects.get(fractures__outcome__review=review)  # made when the review closed


def page(referral: Referral) -> str:
    return f"/referrals/{referral.pk}/"


def both_assessed(referral: Referral, users, first: str = "yes", second: str = "yes") -> None:
    assess(referral_id=referral.pk, assessor=users["ir"], eligibility=first, reasons="r1")
    assess(referral_id=referral.pk, assessor=users["ir2"], eligibility=second, reasons="r2")


# Who may do what -------------------------------------------------------------------------------

# The senior neither raised nor read this referral's review: like the API, the page does not exist for them.
VIEW = {"junior": 200, "senior": 404, "ir": 200, "lead": 200, "admin": 403, "norole": 403}
QUEUE = {"junior": 403, "senior": 403, "ir": 200, "lead": 200, "admin": 403, "norole": 403}
CHANGE = {"junior": 403, "senior": 403, "lead": 403, "admin": 403, "norole": 403}


@pytest.mark.parametrize("who", list(VIEW))
def test_who_may_open_the_referral_and_the_queue(referral, users, who: str) -> None:
    client = client_of(users[who])
    assert client.get(page(referral)).status_code == VIEW[who]
    assert client.get("/ir/referrals/").status_code == QUEUE[who]


@pytest.mark.parametrize("who", list(CHANGE))
def test_only_ir_doctors_post_on_a_referral(referral, users, who: str) -> None:
    client = client_of(users[who])
    for action, data in (
        ("assess", {"eligibility": "yes"}),
        ("decide", {"eligible": "yes", "version": "0"}),
        ("move", {"to": "in_assessment", "version": "0"}),
    ):
        assert client.post(f"{page(referral)}{action}/", data).status_code == CHANGE[who], action
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW and not referral.assessments.exists()


def test_anonymous_is_sent_to_log_in_and_unknown_referral_is_404(referral, users) -> None:
    anonymous = Client()
    outcome = referral.fractures.get().outcome
    paths = [page(referral), "/ir/referrals/", f"/reviews/{outcome.review_id}/outcomes/{outcome.pk}/refer/"]
    for path in paths + [f"{page(referral)}{a}/" for a in ("assess", "decide", "move")]:
        response = anonymous.get(path) if path in paths[:2] else anonymous.post(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_of(users["ir"]).get("/referrals/999999/").status_code == 404


def test_refer_post_is_for_radiologists_only(make_review, users) -> None:
    review = closed_review(make_review, users, decisions=L1_GRADE_2)  # grade 2: no automatic referral
    outcome = ReviewOutcome.objects.get(review=review, level=VertebraLevel.L1)
    path = f"/reviews/{review.pk}/outcomes/{outcome.pk}/refer/"
    for who in ("ir", "lead", "admin", "norole"):
        assert client_of(users[who]).post(path, {"note": "x"}).status_code == 403
    assert (
        client_of(users["junior"]).post(f"/reviews/{review.pk + 1}/outcomes/{outcome.pk}/refer/").status_code
        == 404
    )
    assert not Referral.objects.exists()


# Manual referral from the review page ----------------------------------------------------------


def test_radiologist_refers_a_confirmed_fracture_from_the_closed_review(make_review, users) -> None:
    review = closed_review(make_review, users, decisions=L1_GRADE_2)
    outcome = ReviewOutcome.objects.get(review=review, level=VertebraLevel.L1)
    client = client_of(users["senior"])
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    assert f'action="/reviews/{review.pk}/outcomes/{outcome.pk}/refer/"' in html and "Refer to IR" in html
    response = client.post(
        f"/reviews/{review.pk}/outcomes/{outcome.pk}/refer/", {"note": "painful"}, follow=True
    )
    made = Referral.objects.get()
    assert made.source == ReferralSource.RADIOLOGIST and made.referred_by == users["senior"]
    assert made.note == "painful"
    html = response.content.decode()
    assert "L1 referred to interventional radiology" in html
    assert f'href="/referrals/{made.pk}/"' in html and "Referral: New" in html and "Refer to IR" not in html
    # Again: already referred, nothing new.
    client.post(f"/reviews/{review.pk}/outcomes/{outcome.pk}/refer/", {"note": "again"})
    assert Referral.objects.count() == 1 and ReferralFracture.objects.count() == 1
    # On the raising radiologist's home page, and on the readers' (the case they read).
    for who in ("senior", "junior"):
        home = client_of(users[who]).get("/radiology/").content.decode()
        assert f'data-referral-id="{made.pk}"' in home, who
    assert (
        f'data-referral-id="{made.pk}"' not in client_of(users["junior2"]).get("/radiology/").content.decode()
    )


def test_a_not_fracture_outcome_cannot_be_referred(make_review, users) -> None:
    review = closed_review(make_review, users, decisions=L1_NOT_FRACTURE)
    outcome = ReviewOutcome.objects.get(review=review, level=VertebraLevel.L1)
    assert (
        'class="refer-button"'
        not in client_of(users["junior"]).get(f"/reviews/{review.pk}/").content.decode()
    )
    response = client_of(users["junior"]).post(
        f"/reviews/{review.pk}/outcomes/{outcome.pk}/refer/", follow=True
    )
    assert "Not referred: only a confirmed fracture can be referred" in response.content.decode()


# Blind assessments ------------------------------------------------------------------------------


def test_assessments_are_blind_until_both_are_in(referral, users) -> None:
    ir, ir2 = client_of(users["ir"]), client_of(users["ir2"])
    html = ir.get(page(referral)).content.decode()
    assert 'id="assess-form"' in html and "Your experience: 12 years" in html
    response = ir.post(
        f"{page(referral)}assess/",
        {"eligibility": "yes", "contraindications": ["healed"], "reasons": "fresh oedema", "comment": "c-ir"},
        follow=True,
    )
    html = response.content.decode()
    assert "Your assessment is saved" in html and 'id="assess-form"' not in html
    assert "fresh oedema" in html and 'data-assessor="ir"' in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_ASSESSMENT
    # ir2 does not see ir's assessment before submitting theirs.
    html = ir2.get(page(referral)).content.decode()
    assert "fresh oedema" not in html and 'data-assessor="ir"' not in html and 'id="assess-form"' in html
    ir2.post(f"{page(referral)}assess/", {"eligibility": "no", "contraindications": ["infection"]})
    for client in (ir, ir2):
        html = client.get(page(referral)).content.decode()
        assert 'data-assessor="ir"' in html and 'data-assessor="ir2"' in html
        assert "12 years of IR experience" in html and "3 years of IR experience" in html
        assert "The two assessments disagree" in html and 'id="decide-form"' in html
    # The lead reads everything; the radiologist sees status and trail, not the assessments.
    assert "fresh oedema" in client_of(users["lead"]).get(page(referral)).content.decode()
    html = client_of(users["junior"]).get(page(referral)).content.decode()
    assert "fresh oedema" not in html and 'data-assessor="ir"' not in html and "In assessment" in html
    assert 'id="assess-form"' not in html and 'id="decide-form"' not in html and "step-button" not in html


def test_a_refused_assessment_keeps_the_input(referral, users) -> None:
    response = client_of(users["ir"]).post(
        f"{page(referral)}assess/", {"eligibility": "no", "comment": "keep me"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "say why the fracture is not eligible" in html and "keep me" in html
    assert not referral.assessments.exists()


# The status flow through the page ---------------------------------------------------------------


def step_buttons(html: str) -> list[str]:
    return re.findall(r'class="step-button" data-to="(\w+)"', html)


def test_decision_and_legal_steps_through_the_page(referral, users) -> None:
    both_assessed(referral, users)
    referral.refresh_from_db()
    client = client_of(users["ir2"])
    assert step_buttons(client.get(page(referral)).content.decode()) == []
    response = client.post(
        f"{page(referral)}decide/",
        {"eligible": "yes", "note": "go", "version": referral.version},
        follow=True,
    )
    assert "Decision recorded: Eligible" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ELIGIBLE and referral.decided_by == users["ir2"]
    assert step_buttons(response.content.decode()) == ["scheduled", "declined", "lost"]
    client.post(f"{page(referral)}move/", {"to": "scheduled", "version": referral.version})
    referral.refresh_from_db()
    response = client.get(page(referral))
    assert step_buttons(response.content.decode()) == ["treated", "declined", "lost"]
    client.post(f"{page(referral)}move/", {"to": "treated", "version": referral.version})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TREATED
    html = client.get(page(referral)).content.decode()
    assert step_buttons(html) == [] and "Status changed: Scheduled → Treated" in html
    # The radiologist reads the decision and the trail.
    html = client_of(users["junior"]).get(page(referral)).content.decode()
    assert "Eligible for vertebroplasty" in html and "Final decision: In assessment → Eligible" in html


def test_illegal_and_stale_steps_are_refused_with_a_message(referral, users) -> None:
    client = client_of(users["ir"])
    response = client.post(f"{page(referral)}move/", {"to": "treated", "version": "0"}, follow=True)
    assert "cannot become treated; allowed next: In assessment" in response.content.decode()
    response = client.post(f"{page(referral)}move/", {"to": "eligible", "version": "0"}, follow=True)
    assert "eligible / not eligible is the final decision" in response.content.decode()
    response = client.post(f"{page(referral)}decide/", {"eligible": "yes", "version": "0"}, follow=True)
    assert "both assessments must be in" in response.content.decode()
    both_assessed(referral, users)
    referral.refresh_from_db()
    decide(referral_id=referral.pk, actor=users["ir2"], eligible=True, version=referral.version)
    referral.refresh_from_db()
    stale = referral.version  # both open the eligible referral; ir2 schedules it first
    client_of(users["ir2"]).post(f"{page(referral)}move/", {"to": "scheduled", "version": stale})
    response = client.post(f"{page(referral)}move/", {"to": "declined", "version": stale}, follow=True)
    assert "changed by someone else since you opened it" in response.content.decode()
    response = client.post(f"{page(referral)}move/", {"to": "scheduled", "version": stale}, follow=True)
    assert "changed by someone else since you opened it" in response.content.decode()  # stale before illegal
    response = client.post(f"{page(referral)}move/", {"to": "scheduled", "version": stale + 1}, follow=True)
    assert "cannot become scheduled" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCHEDULED
    moves = ReferralEvent.objects.filter(referral=referral, action__in=("moved", "decided"))
    assert list(moves.values_list("to_status", flat=True)) == ["in_assessment", "eligible", "scheduled"]


# The queue and the badge -------------------------------------------------------------------------


def quick_referral(
    make_review, *, grade: int = 3, reported: bool | None = False, level=VertebraLevel.L1
) -> Referral:
    """A referral on a closed-looking review's outcome, without the reading (fast, for counts)."""
    review = make_review(grade=3)
    CaseReview.objects.filter(pk=review.pk).update(
        status=ReviewStatus.CLOSED, decision=CaseDecision.TRUE_POSITIVE, closed_at=timezone.now()
    )
    finding = review.analysis.findings.get(level=VertebraLevel.L1)
    outcome = ReviewOutcome.objects.create(
        review=review, level=level, finding=finding, flagged=True, is_fracture=True, grade=grade,
        height_loss_pct=52.0, reported=reported,
    )  # fmt: skip
    patient = review.analysis.series.study.patient
    made = Referral.objects.create(patient=patient, level=level, source=ReferralSource.CONSENSUS_GRADE_3)
    ReferralFracture.objects.create(referral=made, outcome=outcome)
    return made


def queue_ids(client: Client, query: str = "") -> list[int]:
    html = client.get(f"/ir/referrals/{query}").content.decode()
    return [int(i) for i in re.findall(r'data-referral-id="(\d+)"', html)]


def test_queue_columns_filters_and_sort(make_review, users) -> None:
    a = quick_referral(make_review, grade=3, reported=False, level=VertebraLevel.L2)
    b = quick_referral(make_review, grade=2, reported=True, level=VertebraLevel.T12)
    c = quick_referral(make_review, grade=1, reported=None, level=VertebraLevel.L1)
    Patient.objects.filter(pk=a.patient_id).update(birth_date=date(1950, 6, 1), bone_metastases=True)
    client = client_of(users["ir"])
    html = client.get("/ir/referrals/").content.decode()
    row = re.search(rf'<tr data-referral-id="{a.pk}".*?</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert ">74<" in f">{cells[1]}<" and cells[2] == "L2" and "52.0" in cells[4] and cells[5] == "150"
    assert cells[6] == "no" and cells[7] == "yes" and "0 days" in cells[8] and "0/2" in cells[9]
    assert f'href="/analyses/{a.fractures.get().outcome.review.analysis_id}/viewer/"' in cells[11]
    assert queue_ids(client) == [a.pk, b.pk, c.pk]
    assert queue_ids(client, "?sort=grade") == [a.pk, b.pk, c.pk]
    assert queue_ids(client, "?sort=level") == [b.pk, c.pk, a.pk]
    assert queue_ids(client, "?grade=2") == [b.pk]
    assert queue_ids(client, "?reported=yes") == [b.pk]
    assert queue_ids(client, "?reported=no") == [a.pk]
    assess(referral_id=a.pk, assessor=users["ir"], eligibility="yes")
    assess(referral_id=a.pk, assessor=users["ir2"], eligibility="yes")
    a.refresh_from_db()
    decide(referral_id=a.pk, actor=users["ir"], eligible=True, version=a.version)
    assert queue_ids(client) == [b.pk, c.pk]
    assert queue_ids(client, "?status=all") == [a.pk, b.pk, c.pk]
    assert queue_ids(client, "?status=eligible") == [a.pk]
    assert queue_ids(client, "?status=nonsense&grade=9") == [b.pk, c.pk]


def test_queue_shows_my_assessment(make_review, users) -> None:
    a = quick_referral(make_review)
    assess(referral_id=a.pk, assessor=users["ir2"], eligibility="yes")
    html = client_of(users["ir2"]).get("/ir/referrals/").content.decode()
    assert "1/2" in html and "mine ✓" in html
    html = client_of(users["ir"]).get("/ir/referrals/").content.decode()
    assert "1/2" in html and "mine ✓" not in html and "yours to do" in html


def queries_for_queue(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ir/referrals/?sort=grade").status_code == 200
    return len(queries)


def test_queue_makes_a_constant_number_of_queries(make_review, users) -> None:
    client = client_of(users["ir"])
    for _ in range(2):
        quick_referral(make_review)
    two = queries_for_queue(client)
    for _ in range(10):
        quick_referral(make_review)
    assert len(queue_ids(client)) == 12
    assert queries_for_queue(client) == two


def badge(client: Client) -> str | None:
    html = client.get("/ir/").content.decode()
    found = re.search(
        r'href="/ir/referrals/"[^>]*>Referrals</a><span class="nav-badge"[^>]*>(\d+)</span>', html
    )
    return found.group(1) if found else None


def test_nav_badge_counts_open_referrals_i_have_not_assessed(make_review, users, rf) -> None:
    a, b = quick_referral(make_review), quick_referral(make_review)
    ir, ir2 = client_of(users["ir"]), client_of(users["ir2"])
    assert badge(ir) == "2" and badge(ir2) == "2"
    assess(referral_id=a.pk, assessor=users["ir"], eligibility="yes")
    assert badge(ir) == "1" and badge(ir2) == "2"
    assess(referral_id=a.pk, assessor=users["ir2"], eligibility="yes")
    assess(referral_id=b.pk, assessor=users["ir"], eligibility="yes")
    assert badge(ir) is None and badge(ir2) == "1"
    request = rf.get("/ir/")
    request.user = users["ir2"]
    with CaptureQueriesContext(connection) as queries:
        links = navigation(request)["nav_links"]
    assert [link.badge for link in links if link.label == "Referrals"] == [1]
    assert len([q for q in queries.captured_queries if "studies_referral" in q["sql"]]) == 1
    # Radiologists get no referral link nor count.
    request.user = users["junior"]
    assert all(link.badge == 0 for link in navigation(request)["nav_links"])


def test_radiology_home_title_is_plain_text(client_for) -> None:
    from studies.roles import Role

    html = client_for(Role.RADIOLOGIST).get("/radiology/").content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Radiology ·") and "<" not in title
    assert html.count('id="my-referrals"') == 1
