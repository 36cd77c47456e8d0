"""The review page: who may open it, starting and saving reads, blindness, conflicts, consensus, report."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from studies.models import (
    Analysis,
    AnalysisStatus,
    CaseDecision,
    Read,
    ReadKind,
    ReviewOutcome,
    ReviewStatus,
    Series,
    Study,
    StudySource,
)
from studies.reports.mentions import find_mentions
from studies.services.reviews import DecisionInput, save_read, start_read
from studies.views.report_html import report_html

pytestmark = pytest.mark.django_db

TRUE_L1 = {"v-L1-fracture": "yes", "v-L1-grade": "3", "v-L1-reported": "no"}
FALSE_L1 = {"v-L1-fracture": "no", "v-L1-reason": "sclerotic_metastasis", "v-L1-reported": "no"}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(review) -> str:
    return f"/reviews/{review.pk}/"


def post_read(client: Client, review, read: Read, values: dict[str, str], *, submit: bool = False, **extra):
    data = {"read": str(read.pk), "version": str(read.version), "action": "submit" if submit else "save"}
    return client.post(url(review), {**data, **values, **extra})


def submitted(review, reader, decisions: list[DecisionInput]) -> Read:
    read = start_read(review_id=review.pk, reader=reader)
    return save_read(read_id=read.pk, reader=reader, version=read.version, decisions=decisions, submit=True)


TRUE = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]
FALSE = [DecisionInput(level="L1", is_fracture=False, false_positive_reason="sclerotic_metastasis")]


@pytest.mark.parametrize(
    ("who", "status"),
    [("junior", 200), ("senior", 200), ("lead", 200), ("ir", 403)],
)
def test_who_may_open_the_review(make_review, people, who: str, status: int) -> None:
    review = make_review()
    response = client_of(people[who]).get(url(review))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'id="vcf-viewer"' in html or 'id="viewer-error"' in html
        assert ('id="start-read"' in html) is (who != "lead")
        assert 'id="read-form"' not in html


def test_anonymous_is_sent_to_log_in_and_unknown_review_is_404(make_review, people) -> None:
    review = make_review()
    for path in (url(review), f"{url(review)}start/", f"{url(review)}consensus/"):
        response = Client().post(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_of(people["junior"]).get("/reviews/999999/").status_code == 404
    assert client_of(people["ir"]).post(f"{url(review)}start/").status_code == 403
    assert client_of(people["lead"]).post(f"{url(review)}start/").status_code == 403
    assert client_of(people["junior"]).post(f"{url(review)}consensus/").status_code == 403


def test_the_page_embeds_the_viewer_of_the_reviewed_analysis(make_review, people, monkeypatch) -> None:
    from studies.views import viewer as viewer_view

    monkeypatch.setattr(viewer_view.finders, "find", lambda path: f"/built/{path}")
    review = make_review()
    html = client_of(people["junior"]).get(url(review)).content.decode()
    assert f'data-analysis-url="/api/v1/analyses/{review.analysis_id}/viewer/"' in html
    assert 'data-can-correct="true"' in html and "/static/viewer/viewer.js" in html
    assert "/static/js/review-form.js" in html


def test_starting_a_read_shows_the_form_prefilled_from_the_tool_and_the_report(make_review, people) -> None:
    review = make_review(report="CT thorax. Compression fracture of L1 with 50 % height loss.")
    client = client_of(people["junior"])
    response = client.post(f"{url(review)}start/")
    assert response.status_code == 302 and response["Location"] == url(review)
    read = Read.objects.get(review=review, reader=people["junior"])
    html = client.get(url(review)).content.decode()
    assert 'id="read-form"' in html and f'name="read" value="{read.pk}"' in html
    assert f'name="version" value="{read.version}"' in html
    assert '<option value="3" selected>3 (tool)</option>' in html  # the tool's grade, to agree or correct
    assert 'name="v-L1-fracture" value="yes">' in html  # no fracture call made for the reader
    assert 'name="v-L1-reported" value="yes" checked' in html
    assert "suggested from the report text" in html
    assert 'id="start-read"' not in html


def test_without_a_mention_the_report_suggestion_is_no(make_review, people) -> None:
    review = make_review(report="Liver metastases. Degenerative changes of the lumbar spine.")
    start_read(review_id=review.pk, reader=people["junior"])
    html = client_of(people["junior"]).get(url(review)).content.decode()
    assert 'name="v-L1-reported" value="no" checked' in html


def test_the_second_read_must_be_senior(make_review, people) -> None:
    review = make_review()
    start_read(review_id=review.pk, reader=people["junior"])
    client = client_of(people["junior2"])
    html = client.get(url(review)).content.decode()
    assert 'id="start-read"' in html and 'id="read-form"' not in html  # read-only until started
    html = client.post(f"{url(review)}start/", follow=True).content.decode()
    assert "must be by a senior radiologist" in html
    assert not Read.objects.filter(review=review, reader=people["junior2"]).exists()


def test_saving_a_draft_then_submitting(make_review, people) -> None:
    review = make_review()
    client = client_of(people["junior"])
    read = start_read(review_id=review.pk, reader=people["junior"])
    response = post_read(client, review, read, TRUE_L1, comment="wedge, clear")
    assert response.status_code == 302
    html = client.get(url(review)).content.decode()
    assert "Draft saved" in html and "True positive" in html
    assert 'name="v-L1-fracture" value="yes" checked' in html and "wedge, clear" in html
    read.refresh_from_db()
    assert read.decision == CaseDecision.TRUE_POSITIVE and not read.submitted
    response = post_read(client, review, read, TRUE_L1, submit=True)
    assert response.status_code == 302
    read.refresh_from_db()
    assert read.submitted
    html = client.get(url(review)).content.decode()
    assert "Read submitted" in html and 'id="read-form"' not in html and "Waiting for the other read" in html
    assert "Submitted a read: True positive" in html  # the trail, for the reader herself


def test_a_missed_fracture_row_is_saved(make_review, people) -> None:
    review = make_review()
    client = client_of(people["junior"])
    read = start_read(review_id=review.pk, reader=people["junior"])
    extra = {"missed-level": ["T8"], "missed-grade": ["2"], "missed-reported": ["no"]}
    assert post_read(client, review, read, {**TRUE_L1, **extra}).status_code == 302
    [missed] = [d for d in read.vertebrae.all() if d.finding_id is None]
    assert missed.get_level_display() == "T8" and missed.grade == 2 and missed.is_fracture
    html = client.get(url(review)).content.decode()
    assert '<option value="T8" selected>T8</option>' in html


def test_a_refused_submission_keeps_the_input(make_review, people) -> None:
    review = make_review()
    client = client_of(people["junior"])
    read = start_read(review_id=review.pk, reader=people["junior"])
    values = {"v-L1-fracture": "no", "v-L1-reason": "other", "v-L1-note": "", "comment": "my careful words"}
    response = post_read(client, review, read, values, submit=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "describe the &#x27;other&#x27; reason" in html
    assert 'name="v-L1-fracture" value="no" checked' in html and "my careful words" in html
    assert '<option value="other" selected>' in html
    read.refresh_from_db()
    assert not read.submitted and read.version == 0


def test_a_conflicting_save_says_so_and_keeps_the_input(make_review, people) -> None:
    review = make_review()
    client = client_of(people["junior"])
    read = start_read(review_id=review.pk, reader=people["junior"])
    stale = read.version
    save_read(
        read_id=read.pk, reader=people["junior"], version=read.version, decisions=TRUE, comment="other tab"
    )
    response = client.post(
        url(review),
        {"read": read.pk, "version": stale, "action": "submit", **FALSE_L1, "comment": "typed in this tab"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed elsewhere" in html and "reload the page" in html
    assert "typed in this tab" in html and '<option value="sclerotic_metastasis" selected>' in html
    read.refresh_from_db()
    assert read.comment == "other tab" and not read.submitted


def test_a_form_for_someone_elses_read_is_refused(make_review, people) -> None:
    review = make_review()
    theirs = start_read(review_id=review.pk, reader=people["junior"])
    start_read(review_id=review.pk, reader=people["senior"])
    response = post_read(client_of(people["senior"]), review, theirs, TRUE_L1)
    assert response.status_code == 200 and b"does not belong to a read of yours" in response.content
    theirs.refresh_from_db()
    assert theirs.version == 0


def test_reads_are_blind_until_both_are_in(make_review, people) -> None:
    review = make_review()
    submitted(review, people["junior"], TRUE)
    start_read(review_id=review.pk, reader=people["senior"])
    senior_page = client_of(people["senior"]).get(url(review)).content.decode()
    assert 'id="read-form"' in senior_page
    assert 'data-reader="junior"' not in senior_page and "True positive" not in senior_page
    assert "Submitted a read" in senior_page  # the trail says a read is in, not what it says
    lead_page = client_of(people["lead"]).get(url(review)).content.decode()
    assert 'data-reader="junior"' not in lead_page and 'id="read-form"' not in lead_page


def test_after_both_reads_the_page_shows_them_side_by_side(make_review, people) -> None:
    review = make_review()
    submitted(review, people["junior"], TRUE)
    submitted(review, people["senior"], FALSE)
    for who in ("junior", "senior", "lead"):
        html = client_of(people[who]).get(url(review)).content.decode()
        assert 'data-reader="junior"' in html and 'data-reader="senior"' in html
        assert '<tr class="disagree" data-level="L1">' in html
        assert "Awaiting consensus" in html
        assert ('id="resolve-consensus"' in html) is (who == "senior")


def test_agreeing_reads_are_marked_agree_and_the_outcome_shows(make_review, people) -> None:
    review = make_review()
    submitted(review, people["junior"], TRUE)
    submitted(review, people["senior"], TRUE)
    html = client_of(people["lead"]).get(url(review)).content.decode()
    assert '<tr class="agree" data-level="L1">' in html
    assert "Final outcome: True positive" in html and "The two reads agreed" in html
    outcome = re.search(r'<table class="table outcome">.*?</table>', html, re.S).group(0)  # type: ignore[union-attr]
    assert "L1" in outcome and "No prior study" in outcome and "52.0" in outcome


def test_the_senior_resolves_the_consensus(make_review, people) -> None:
    review = make_review()
    submitted(review, people["junior"], TRUE)
    submitted(review, people["senior"], FALSE)
    senior = client_of(people["senior"])
    assert senior.post(f"{url(review)}consensus/").status_code == 302
    consensus = Read.objects.get(review=review, kind=ReadKind.CONSENSUS)
    html = senior.get(url(review)).content.decode()
    assert "Consensus read" in html and f'name="read" value="{consensus.pk}"' in html
    assert 'name="v-L1-fracture" value="no" checked' in html  # prefilled from the senior's read
    response = post_read(senior, review, consensus, TRUE_L1, submit=True)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_POSITIVE
    assert ReviewOutcome.objects.get(review=review).grade == 3
    html = senior.get(url(review)).content.decode()
    assert "Final outcome: True positive" in html and "by consensus" in html
    assert 'data-kind="consensus"' in html and 'id="read-form"' not in html


def test_a_junior_cannot_resolve_the_consensus(make_review, people) -> None:
    review = make_review()
    submitted(review, people["junior"], TRUE)
    submitted(review, people["senior"], FALSE)
    html = client_of(people["junior"]).get(url(review)).content.decode()
    assert 'id="resolve-consensus"' not in html and 'id="start-read"' not in html


def test_the_report_is_escaped_and_highlighted(make_review, people) -> None:
    report = (
        "Findings: <script>alert('x')</script> liver lesions.\nCompression fracture of L1. No rib lesion."
    )
    review = make_review(report=report)
    html = client_of(people["junior"]).get(url(review)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert (
        '<mark class="spine fracture-mention" data-levels="L1"><strong>Compression fracture of L1.</strong>'
        in html
    )
    assert "fracture: L1" in html


def test_report_html_keeps_every_character_and_escapes_it() -> None:
    text = 'A & B <b>bold</b>.\n\nMild wedge compression of T12 and L1 vertebral bodies. "ok"'
    html = str(report_html(text, find_mentions(text)))
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html and "A &amp; B" in html
    assert "&quot;ok&quot;" in html and "\n\n" in html
    assert 'data-levels="T12 L1"' in html


def test_earlier_studies_open_side_by_side(make_review, make_column, people) -> None:
    review = make_review(study_date=date(2025, 2, 3))
    patient = review.analysis.series.study.patient
    earlier = make_column()
    Study.objects.filter(pk=earlier.analysis.series.study.pk).update(
        patient=patient, study_date=date(2024, 2, 1)
    )
    stranger = make_column()
    client = client_of(people["junior"])
    html = client.get(url(review)).content.decode()
    compare = f"/reviews/{review.pk}/compare/{earlier.analysis.pk}/"
    assert f'href="{compare}"' in html and "2024" in html
    page = client.get(compare).content.decode()
    assert f'src="/analyses/{review.analysis_id}/viewer/?embed=1"' in page
    assert f'src="/analyses/{earlier.analysis.pk}/viewer/?embed=1"' in page
    assert client.get(f"/reviews/{review.pk}/compare/{stranger.analysis.pk}/").status_code == 404
    assert client_of(people["ir"]).get(compare).status_code == 403


def test_the_embedded_viewer_drops_the_top_bar_and_may_be_framed(make_review, people) -> None:
    review = make_review()
    client = client_of(people["junior"])
    embedded = client.get(f"/analyses/{review.analysis_id}/viewer/?embed=1")
    assert embedded["X-Frame-Options"] == "SAMEORIGIN"
    html = embedded.content.decode()
    assert "/static/css/embed.css" in html and 'class="viewer-heading"' not in html
    plain = client.get(f"/analyses/{review.analysis_id}/viewer/")
    assert plain["X-Frame-Options"] == "DENY" and 'class="viewer-heading"' in plain.content.decode()


def test_the_study_page_links_the_review(make_review, people, make_study) -> None:
    review = make_review()
    study = review.analysis.series.study
    html = client_of(people["junior"]).get(f"/studies/{study.study_instance_uid}/").content.decode()
    assert f'<a class="open-review" href="/reviews/{review.pk}/">Review: unread</a>' in html
    html = client_of(people["ir"]).get(f"/studies/{study.study_instance_uid}/").content.decode()
    assert "Review: unread" in html and f'href="/reviews/{review.pk}/"' not in html
    # An analysis without a review shows no link.
    plain = make_study()
    Analysis.objects.create(
        series=Series.objects.get(study=plain),
        model_version="m",
        status=AnalysisStatus.DONE,
        progress=1,
        eligible=True,
        positive=False,
        max_grade=0,
    )
    assert b"Review:" not in client_of(people["junior"]).get(f"/studies/{plain.study_instance_uid}/").content


def test_undated_studies_and_sources_do_not_break_the_page(make_review, people) -> None:
    review = make_review(study_date=None)
    Study.objects.filter(pk=review.analysis.series.study.pk).update(source=StudySource.IMPORT)
    assert client_of(people["junior"]).get(url(review)).status_code == 200
