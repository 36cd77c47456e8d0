"""The report-mention detector: real-style sentences in English and French, whole reports, levels, and the
reports the phantom cohort writes. Pure Python: no database, no Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inference.phantom.cohort import CohortOptions, CohortPlanner
from inference.phantom.reports import ReportedFracture, write_report
from studies.reports.levels import levels_in, normalise_level
from studies.reports.mentions import ReportMentions, detect_language, find_mentions, fold

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# (text, fracture mentioned, some fracture term negated, levels of the affirmed mentions)
TABLE: list[tuple[str, bool, bool, set[str]]] = [
    # English: affirmed
    ("Moderate compression fracture of L1 with approximately 30 % loss of height.", True, False, {"L1"}),
    ("Vertebral compression fracture of T12.", True, False, {"T12"}),
    ("Loss of height of the L3 vertebral body, unchanged appearance.", True, False, {"L3"}),
    ("Stable compression fractures of T11-L1.", True, False, {"T11", "T12", "L1"}),
    ("Compression fractures from T11 to L1.", True, False, {"T11", "T12", "L1"}),
    ("Multiple compression fractures at T7, T9 and L2.", True, False, {"T7", "T9", "L2"}),
    ("Wedging of T7 and T8 vertebral bodies.", True, False, {"T7", "T8"}),
    ("Anterior wedge deformity of T8, 25 % height loss.", True, False, {"T8"}),
    ("Lytic lesion of T10 with pathological fracture.", True, False, {"T10"}),
    ("Burst fracture of L2 with 4 mm retropulsion.", True, False, {"L2"}),
    ("Vertebra plana at T9.", True, False, {"T9"}),
    ("L1 fracture.", True, False, {"L1"}),
    ("Old rib fractures and a T12 compression fracture.", True, False, {"T12"}),
    ("Cement in T9, new compression fracture of T10.", True, False, {"T10"}),
    ("A vertebral fracture is noted.", True, False, set()),
    # English: known / stable / hedged fractures are mentioned
    ("No new fracture; known L1 compression fracture unchanged.", True, False, {"L1"}),
    ("No new vertebral fracture, but the known T12 wedge deformity is stable.", True, True, {"T12"}),
    ("No change in the known L2 compression fracture.", True, False, {"L2"}),
    ("A compression fracture of T12 cannot be excluded.", True, False, {"T12"}),
    ("Compression fracture of L1, no other vertebral fracture.", True, True, {"L1"}),
    ("No pleural effusion, mild compression fracture of T12.", True, False, {"T12"}),
    # English: negated
    ("No compression fracture.", False, True, set()),
    ("No evidence of vertebral collapse.", False, True, set()),
    ("No new compression fracture.", False, True, set()),
    ("No compression fracture, collapse or wedging of T12.", False, True, set()),
    ("Sclerotic metastases of T3 and T8 without collapse.", False, True, set()),
    ("Fracture of L1 ruled out.", False, True, set()),
    # English: not vertebral, hypothetical, or no fracture at all
    ("Old healed fractures of the left 6th and 7th ribs.", False, False, set()),
    ("Subcapital fracture of the right femoral neck.", False, False, set()),
    ("Hip fracture in 2019, spine unremarkable.", False, False, set()),
    ("Collapse of the right lower lobe.", False, False, set()),
    ("Wedge resection of the left upper lobe.", False, False, set()),
    ("Fracture of the left L1 transverse process.", False, False, set()),
    ("CT requested to rule out a vertebral fracture.", False, False, set()),
    ("Status post vertebroplasty of T9.", False, False, set()),
    ("No spinal cord compression.", False, False, set()),
    ("T1-weighted images unavailable; CT shows an L1 compression fracture.", True, False, {"L1"}),
    # French: affirmed
    ("Tassement cunéiforme de L1.", True, False, {"L1"}),
    ("Fracture-tassement de D12 d'allure ostéoporotique.", True, False, {"T12"}),
    ("Tassement de Th12 et de L1.", True, False, {"T12", "L1"}),
    ("Tassements étagés de T11 à L2.", True, False, {"T11", "T12", "L1", "L2"}),
    ("Perte de hauteur du corps vertébral de L3 estimée à 30 %.", True, False, {"L3"}),
    ("Cunéiformisation de D7.", True, False, {"T7"}),
    ("Effondrement du corps vertébral de T10.", True, False, {"T10"}),
    ("Tassement de L1 et L2 sans recul du mur postérieur.", True, False, {"L1", "L2"}),
    ("Vertebra plana de T9.", True, False, {"T9"}),
    ("Fracture de L1 prédominant du côté gauche.", True, False, {"L1"}),
    ("Tassement du plateau supérieur de L2 de 20 %.", True, False, {"L2"}),
    ("Fracture vertébrale de T6 de découverte fortuite.", True, False, {"T6"}),
    # French: known / stable fractures
    ("Rachis : tassement de L1 connu, stable.", True, False, {"L1"}),
    ("Pas de modification du tassement de T12.", True, False, {"T12"}),
    ("Pas de nouveau tassement ; tassement connu de L2 inchangé.", True, True, {"L2"}),
    ("Pas de tassement vertébral récent, mais tassement ancien de T8.", True, True, {"T8"}),
    ("Pas de lésion osseuse suspecte, tassement connu de L1.", True, False, {"L1"}),
    # French: negated
    ("Pas de tassement vertébral.", False, True, set()),
    ("Sans tassement vertébral.", False, True, set()),
    ("Absence de fracture vertébrale.", False, True, set()),
    ("Pas d'argument pour une fracture vertébrale.", False, True, set()),
    ("Aucune fracture ni tassement vertébral.", False, True, set()),
    ("Lésions ostéocondensantes de T4 et T9 sans tassement.", False, True, set()),
    ("Tassement vertébral de L4 non retrouvé.", False, True, set()),
    # French: not vertebral, hypothetical, or no fracture at all
    ("Fracture du col fémoral droit.", False, False, set()),
    ("Fractures costales anciennes à droite.", False, False, set()),
    ("Fracture de côte gauche consolidée.", False, False, set()),
    ("Scanner demandé pour éliminer un tassement vertébral.", False, False, set()),
    ("Fracture de L1 ?", False, False, set()),
    ("Discopathie L4-L5 avec pincement discal.", False, False, set()),
]


@pytest.mark.parametrize(("text", "mentioned", "negated", "levels"), TABLE, ids=[r[0][:40] for r in TABLE])
def test_sentence_table(text: str, mentioned: bool, negated: bool, levels: set[str]) -> None:
    result = find_mentions(text)
    assert result.fracture_mentioned is mentioned
    assert any(s.negated for s in result.sentences) is negated
    assert result.fracture_levels == levels
    assert result.unlocalised_fracture is (mentioned and not levels)


def test_table_is_bilingual_and_large_enough() -> None:
    french = [row for row in TABLE if detect_language(row[0]) == "fr"]
    assert len(TABLE) >= 40
    assert 0.35 <= len(french) / len(TABLE) <= 0.65


EN_REPORT = (
    "CT chest, abdomen and pelvis with contrast.\n"
    "Indication: follow-up of metastatic breast cancer, e.g. response assessment.\n"
    "Findings: Stable 1.5 cm nodule in the right upper lobe. No pleural effusion.\n"
    "Bones: Sclerotic metastases of T4 and L2, unchanged. Moderate compression fracture of T12 with 30 % "
    "loss of height, not seen on the prior study; no other vertebral fracture.\n"
    "Old healed fractures of the left 7th and 8th ribs.\n"
    "Conclusion: Stable disease compared with the study of 12.03.2023."
)
# (sentence, spine relevant, fracture mention, negated, levels named)
EN_SENTENCES = [
    ("CT chest, abdomen and pelvis with contrast.", False, False, False, ()),
    ("Indication: follow-up of metastatic breast cancer, e.g. response assessment.", False, False, False, ()),
    ("Findings: Stable 1.5 cm nodule in the right upper lobe.", False, False, False, ()),
    ("No pleural effusion.", False, False, False, ()),
    ("Bones: Sclerotic metastases of T4 and L2, unchanged.", True, False, False, ("T4", "L2")),
    (
        "Moderate compression fracture of T12 with 30 % loss of height, not seen on the prior study;",
        True,
        True,
        False,
        ("T12",),
    ),
    ("no other vertebral fracture.", True, False, True, ()),
    ("Old healed fractures of the left 7th and 8th ribs.", False, False, False, ()),
    ("Conclusion: Stable disease compared with the study of 12.03.2023.", False, False, False, ()),
]
FR_REPORT = (
    "Scanner thoraco-abdomino-pelvien avec injection.\n"
    "Indication : bilan d’extension d’un adénocarcinome prostatique, éliminer une fracture vertébrale.\n"
    "Résultats : pas de nodule pulmonaire suspect. Foie de taille normale (15,5 cm).\n"
    "Squelette : lésions ostéocondensantes de D4 et L2. Tassement cunéiforme de Th12 et de L1, d’allure "
    "ancienne ; pas de recul du mur postérieur vertébral. Pas d’autre tassement vertébral.\n"
    "Conclusion : tassements de T12 et L1 connus, stables. Cf. compte rendu du Dr. Martin."
)
FR_SENTENCES = [
    ("Scanner thoraco-abdomino-pelvien avec injection.", False, False, False, ()),
    (
        "Indication : bilan d’extension d’un adénocarcinome prostatique, éliminer une fracture vertébrale.",
        True,
        False,
        False,
        (),
    ),
    ("Résultats : pas de nodule pulmonaire suspect.", False, False, False, ()),
    ("Foie de taille normale (15,5 cm).", False, False, False, ()),
    ("Squelette : lésions ostéocondensantes de D4 et L2.", True, False, False, ("T4", "L2")),
    ("Tassement cunéiforme de Th12 et de L1, d’allure ancienne ;", True, True, False, ("T12", "L1")),
    ("pas de recul du mur postérieur vertébral.", True, False, False, ()),
    ("Pas d’autre tassement vertébral.", True, False, True, ()),
    ("Conclusion : tassements de T12 et L1 connus, stables.", True, True, False, ("T12", "L1")),
    ("Cf. compte rendu du Dr. Martin.", False, False, False, ()),
]


@pytest.mark.parametrize(
    ("report", "expected", "language", "levels"),
    [(EN_REPORT, EN_SENTENCES, "en", {"T12"}), (FR_REPORT, FR_SENTENCES, "fr", {"T12", "L1"})],
    ids=["english", "french"],
)
def test_whole_report(report: str, expected: list, language: str, levels: set[str]) -> None:
    result = find_mentions(report)
    assert result.language == language
    got = [(s.text, s.spine_relevant, s.fracture_mention, s.negated, s.levels) for s in result.sentences]
    assert got == expected
    for sentence in result.sentences:
        assert report[sentence.start : sentence.end] == sentence.text
    assert result.fracture_mentioned
    assert result.fracture_levels == levels
    assert not result.unlocalised_fracture


def test_offsets_survive_accents_quotes_and_dashes() -> None:
    text = "Œdème.\r\nTassement   de T11–L1 ; fracture vertébrale « ancienne » de D7…  Fin."
    assert len(fold(text)) == len(text)
    result = find_mentions(text)
    for sentence in result.sentences:
        assert text[sentence.start : sentence.end] == sentence.text == sentence.text.strip()
    assert result.fracture_levels == {"T11", "T12", "L1", "T7"}


def test_mentions_level_normalises_labels() -> None:
    result = find_mentions("Tassement de D12. A vertebral fracture is also noted.")
    assert result.mentions_level("T12") and result.mentions_level("Th12") and result.mentions_level("d12")
    assert not result.mentions_level("L1")
    assert not result.mentions_level("not a level")
    assert result.unlocalised_fracture


def test_empty_report() -> None:
    assert find_mentions("") == ReportMentions("en", (), False, frozenset(), False)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("No compression fracture. The liver is unremarkable.", "en"),
        ("Pas de tassement vertébral. Le foie est sans particularité.", "fr"),
        ("Aucune fracture ni tassement vertébral.", "fr"),
        ("Compression fractures from T11 to L1.", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


LABELS = [
    ("l1", "L1"), ("Th12", "T12"), ("D12", "T12"), ("T 12", "T12"), ("C7", "C7"), ("S1", "S1"),
    ("L6", None), ("C8", None), ("T13", None), ("lumbar", None),
]  # fmt: skip


@pytest.mark.parametrize(("label", "expected"), LABELS)
def test_normalise_level(label: str, expected: str | None) -> None:
    assert normalise_level(label) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T11-L1", ("T11", "T12", "L1")),
        ("de T11 à L1", ("T11", "T12", "L1")),
        ("from T11 to L1", ("T11", "T12", "L1")),
        ("D11–D12", ("T11", "T12")),
        ("C7-T1", ("C7", "T1")),
        ("L4-5 and L5/S1", ("L4", "L5", "S1")),
        ("L1, L3 et L5", ("L1", "L3", "L5")),
        ("L1 and L2", ("L1", "L2")),
        ("L 1 and Th 12", ("L1", "T12")),
        ("tassement de L1 à 25 %", ("L1",)),
        ("T1-weighted and T2 hypersignal", ()),
        ("pT2 N0 M0, T3 N1", ()),
        ("C1D1 of chemotherapy", ()),
        ("S1 nerve root", ("S1",)),
    ],
)
def test_levels(text: str, expected: tuple[str, ...]) -> None:
    assert levels_in(fold(text)) == expected


def test_sentence_splitting_keeps_abbreviations_and_decimals() -> None:
    text = "A 1.5 cm lytic lesion in L2, e.g. myeloma. Dr. Smith vs. Dr. Jones agree! Fracture of L1? No."
    assert [s.text for s in find_mentions(text).sentences] == [
        "A 1.5 cm lytic lesion in L2, e.g. myeloma.",
        "Dr. Smith vs. Dr. Jones agree!",
        "Fracture of L1?",
        "No.",
    ]


@pytest.mark.parametrize("seed", [5, 8, 9])
def test_phantom_cohort_reports_are_classified_as_planned(seed: int) -> None:
    plans = CohortPlanner(CohortOptions(cases=20, seed=seed)).plan()
    assert any(plan.reported_levels for plan in plans)
    for plan in plans:
        result = find_mentions(plan.report_text)
        assert result.language == "en"
        assert result.fracture_mentioned is bool(plan.reported_levels), plan.report_text
        assert result.fracture_levels == set(plan.reported_levels), plan.report_text
        assert not result.unlocalised_fracture
        assert not any(s.negated for s in result.sentences)


def test_every_phantom_report_style_is_found() -> None:
    planned = (("T7", 1, 22.0), ("T12", 2, 31.0), ("L1", 3, 48.0))
    reported = [ReportedFracture(level, grade, pct) for level, grade, pct in planned]
    for seed in range(12):  # the generator picks one of three phrasings per fracture
        text = write_report(
            cancer_site="breast",
            contrast=True,
            reported=reported,
            sclerotic=("T3", "T9"),
            cement=("T10",),
            rng=np.random.default_rng(seed),
        )
        result = find_mentions(text)
        assert result.fracture_levels == {"T7", "T12", "L1"}, text
        bones = [s for s in result.sentences if s.spine_relevant]
        assert all(s.fracture_mention == bool({"T7", "T12", "L1"} & set(s.levels)) for s in bones), text


def test_detector_imports_no_django() -> None:
    forbidden = ("django", "rest_framework")
    for path in sorted((PROJECT_ROOT / "studies" / "reports").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                assert not any(alias.name.split(".")[0] in forbidden for alias in node.names), path
            elif isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in forbidden, path
    code = "import sys, studies.reports.mentions; print(any(x.startswith('django') for x in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
