"""The blind sets (tests/nlu/blind/): complete, never trained on, and the model's floor on them.

The floors are the first measurement on each set minus a margin for retraining
noise: a regression guard, not a target to tune to (docs/benchmarks.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tools.blind import BUITEN, berichten, blinde_sets, scoor, typfout_kopie, voorspel
from tools.domein import ROOT, fase_per_intent, nlu_voorbeelden
from tools.nlu_eval import laad_model_parser

MODEL = ROOT / "models" / "coach.tar.gz"
VORMEN = {"situatie", "citaat", "hoe", "gevoel"}
# set -> (phase accuracy, macro-F1, max wrong-phase advice, min out-of-domain to fallback)
# Measured with the session-5 model (docs/nlu-meting.md): set1 0.906 / 0.930 / 4.2% / 93%;
# set2 0.938 / 0.959 / 1.7% / 97%; set3 (first measurement) 0.938 / 0.946 / 4.5% / 100%.
VLOER = {
    "set1": (0.88, 0.90, 0.06, 0.90),
    "set2": (0.91, 0.93, 0.04, 0.93),
    "set3": (0.91, 0.92, 0.06, 0.96),
}


def test_er_zijn_drie_blinde_sets() -> None:
    assert blinde_sets() == ["set1", "set2", "set3"]


@pytest.mark.parametrize("naam", ["set1", "set2"])
def test_blinde_set_is_compleet(naam: str) -> None:
    rijen = berichten(naam)
    per_fase = Counter(b.fase for b in rijen)
    assert set(per_fase) == {*fase_per_intent().values(), BUITEN}
    assert min(per_fase.values()) >= 30, per_fase
    for fase in per_fase.keys() - {BUITEN}:
        assert {b.vorm for b in rijen if b.fase == fase} == VORMEN, fase
    assert len({b.auteur for b in rijen}) >= 3, "meerdere onafhankelijke auteurs"


def test_blinde_berichten_zijn_nooit_trainingsdata() -> None:
    training = {t.lower() for t, _, _ in nlu_voorbeelden(ROOT / "data")}
    for naam in blinde_sets():
        assert [b.tekst for b in berichten(naam) if b.tekst.lower() in training] == []


def test_typfout_kopie_is_reproduceerbaar() -> None:
    rijen = berichten("set2")
    kopie = typfout_kopie(rijen)
    assert kopie == typfout_kopie(rijen)
    assert sum(a.tekst != b.tekst for a, b in zip(rijen, kopie, strict=True)) > len(rijen) / 2


@pytest.mark.timeout(600)
@pytest.mark.parametrize("naam", sorted(VLOER))
def test_model_haalt_de_vloer_op_de_blinde_set(naam: str) -> None:
    assert MODEL.exists(), "train eerst: make train"
    score = scoor(voorspel(laad_model_parser(Path(MODEL)), berichten(naam)))
    nauwkeurigheid, macro_f1, fout_zeker, ood = VLOER[naam]
    assert score.fase_nauwkeurigheid >= nauwkeurigheid
    assert score.macro_f1 >= macro_f1
    assert score.fout_zeker <= fout_zeker
    assert score.ood_fallback >= ood
