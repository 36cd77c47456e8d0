"""Landmark corrections: VHL and grade per SPEC.md from the moved points, beside the original."""

from __future__ import annotations

import pytest

from studies.models import FindingCorrection, VertebraFinding
from studies.roles import Role
from studies.services.corrections import CorrectionConflict, CorrectionError, correct_landmarks
from tests.columns import box_landmarks

pytestmark = pytest.mark.django_db


def centre_of(finding: VertebraFinding) -> tuple[float, float, float]:
    return (finding.centroid_x_mm, finding.centroid_y_mm, finding.centroid_z_mm)


def test_moving_the_anterior_points_recomputes_vhl_and_grade(make_column, make_user) -> None:
    column = make_column(l1_anterior=24.0)
    l1 = column.findings["L1"]
    reader = make_user(Role.RADIOLOGIST)

    points = box_landmarks(centre_of(l1), anterior=13.0, middle=22.0, posterior=25.0)
    correction = correct_landmarks(
        finding_id=l1.pk, author=reader, landmarks=points, based_on_correction_id=None
    )

    # Intra loss 1 − 13/25 = 48 %; inter loss 0 (max height 25 equals the neighbours').
    assert correction.height_anterior_mm == pytest.approx(13.0)
    assert correction.height_middle_mm == pytest.approx(22.0)
    assert correction.height_loss_pct == pytest.approx(48.0)
    assert correction.grade == 3
    l1.refresh_from_db()
    assert l1.latest_correction_id == correction.pk
    # The pipeline's measurement is untouched.
    assert l1.height_anterior_mm == 24.0 and l1.height_loss_pct == pytest.approx(4.0) and l1.grade == 0


def test_inter_vertebral_loss_uses_the_neighbours_as_they_now_stand(make_column, make_user) -> None:
    column = make_column()
    reader = make_user(Role.RADIOLOGIST)
    t12, l1 = column.findings["T12"], column.findings["L1"]
    # A reader makes T12 taller (30 mm): L1's reference becomes mean(30, 25) = 27.5 mm.
    correct_landmarks(
        finding_id=t12.pk,
        author=reader,
        landmarks=box_landmarks(centre_of(t12), anterior=30.0, middle=30.0, posterior=30.0),
        based_on_correction_id=None,
    )
    correction = correct_landmarks(
        finding_id=l1.pk,
        author=reader,
        landmarks=box_landmarks(centre_of(l1), anterior=20.0, middle=20.0, posterior=20.0),
        based_on_correction_id=None,
    )
    assert correction.height_loss_pct == pytest.approx(100 * (1 - 20.0 / 27.5), abs=0.01)
    assert correction.grade == 2


def test_a_cemented_neighbour_is_no_reference(make_column, make_user) -> None:
    column = make_column(cement_t11=True)
    t12 = column.findings["T12"]
    # T12's neighbours are T11 (cement, skipped) and L1: with L1 at 25 mm, 15 mm gives 40 %.
    correction = correct_landmarks(
        finding_id=t12.pk,
        author=make_user(Role.RADIOLOGIST),
        landmarks=box_landmarks(centre_of(t12), anterior=15.0, middle=15.0, posterior=15.0),
        based_on_correction_id=None,
    )
    assert correction.height_loss_pct == pytest.approx(40.0)
    assert correction.grade == 2


def test_a_stale_correction_is_refused_and_the_first_one_kept(make_column, make_user) -> None:
    column = make_column()
    l1 = column.findings["L1"]
    first_reader, second_reader = make_user(Role.RADIOLOGIST), make_user(Role.SENIOR_RADIOLOGIST)
    first = correct_landmarks(
        finding_id=l1.pk,
        author=first_reader,
        landmarks=box_landmarks(centre_of(l1), anterior=12.0, middle=25.0, posterior=25.0),
        based_on_correction_id=None,
    )
    # The second reader opened the vertebra before the first correction landed.
    with pytest.raises(CorrectionConflict, match=first_reader.username):
        correct_landmarks(
            finding_id=l1.pk,
            author=second_reader,
            landmarks=box_landmarks(centre_of(l1), anterior=20.0, middle=25.0, posterior=25.0),
            based_on_correction_id=None,
        )
    l1.refresh_from_db()
    assert l1.latest_correction_id == first.pk
    assert FindingCorrection.objects.filter(finding=l1).count() == 1
    # Having seen it, the second reader may correct on top of it.
    second = correct_landmarks(
        finding_id=l1.pk,
        author=second_reader,
        landmarks=box_landmarks(centre_of(l1), anterior=20.0, middle=25.0, posterior=25.0),
        based_on_correction_id=first.pk,
    )
    l1.refresh_from_db()
    assert l1.latest_correction_id == second.pk
    assert second.grade == 1 and second.height_loss_pct == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("middle_inferior"), "missing: middle_inferior"),
        (lambda p: p.update(nose=[0, 0, 0]), "unknown landmark names: nose"),
        (lambda p: p.update(anterior_superior=[0, 0]), "three finite numbers"),
        (lambda p: p.update(anterior_superior=[float("nan"), 0, 0]), "three finite numbers"),
        (lambda p: p.update(anterior_superior=["a", 0, 0]), "three numbers"),
        (lambda p: p.update(anterior_superior=[500.0, 40.0, 136.0]), "more than 80 mm"),
    ],
)
def test_bad_landmarks_are_refused_with_a_reason(make_column, make_user, change, message) -> None:
    column = make_column()
    l1 = column.findings["L1"]
    points = box_landmarks(centre_of(l1), anterior=20.0, middle=25.0, posterior=25.0)
    change(points)
    with pytest.raises(CorrectionError, match=message):
        correct_landmarks(
            finding_id=l1.pk,
            author=make_user(Role.RADIOLOGIST),
            landmarks=points,
            based_on_correction_id=None,
        )
    assert not FindingCorrection.objects.exists()


def test_a_cemented_vertebra_cannot_be_corrected(make_column, make_user) -> None:
    column = make_column(cement_t11=True)
    t11 = column.findings["T11"]
    with pytest.raises(CorrectionError, match="excluded"):
        correct_landmarks(
            finding_id=t11.pk,
            author=make_user(Role.RADIOLOGIST),
            landmarks=box_landmarks(centre_of(t11), anterior=20.0, middle=25.0, posterior=25.0),
            based_on_correction_id=None,
        )
