"""NLU on the held-out messages in tests/nlu/ (never trained on): phase accuracy >= 0.90."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tools.domein import ROOT, domein_intents, fase_per_intent, nlu_voorbeelden
from tools.nlu_eval import HELD_OUT, fase_scores, laad_model_parser, voorspel
from tools.oefen_eval import GELABELD

MODEL = ROOT / "models" / "coach.tar.gz"


def test_held_out_is_nooit_training_data() -> None:
    training = {t.lower() for t, _, _ in nlu_voorbeelden(ROOT / "data")}
    dubbel = [t for t, _, _ in nlu_voorbeelden(HELD_OUT) if t.lower() in training]
    assert dubbel == []


def test_minstens_tien_held_out_berichten_per_fase() -> None:
    fasen = fase_per_intent()
    per_fase = Counter(fasen[i] for _, i, _ in nlu_voorbeelden(HELD_OUT) if i in fasen)
    assert set(per_fase) == set(fasen.values())
    assert min(per_fase.values()) >= 10, per_fase


@pytest.fixture(scope="module")
def parse() -> Callable[[str], tuple[str, float]]:
    assert MODEL.exists(), "train eerst: make train"
    return laad_model_parser(Path(MODEL))


@pytest.mark.timeout(600)
def test_fase_nauwkeurigheid_op_held_out(
    parse: Callable[[str], tuple[str, float]], capsys: pytest.CaptureFixture[str]
) -> None:
    voorspellingen = voorspel(parse)
    nauwkeurigheid, scores = fase_scores(voorspellingen)
    with capsys.disabled():
        print(f"\nFase-nauwkeurigheid held-out: {nauwkeurigheid:.3f} (n={len(voorspellingen)})")
        for s in scores:
            print(f"  {s.fase:<14} P={s.precisie:.2f} R={s.recall:.2f} F1={s.f1:.2f} n={s.aantal}")
    assert nauwkeurigheid >= 0.90


def test_elke_intent_heeft_minstens_25_voorbeelden_en_geen_dubbele() -> None:
    voorbeelden = nlu_voorbeelden(ROOT / "data")
    aantallen = Counter(i for _, i, _ in voorbeelden)
    te_weinig = {i: aantallen[i] for i in domein_intents() if aantallen[i] < 25}
    assert te_weinig == {}
    intents_per_tekst: dict[str, set[str]] = {}
    for tekst, intent, _ in voorbeelden:
        intents_per_tekst.setdefault(tekst.lower(), set()).add(intent)
    assert {t: i for t, i in intents_per_tekst.items() if len(i) > 1} == {}


def test_antwoorden_aan_de_klant_stoppen_het_oefenen_niet(
    parse: Callable[[str], tuple[str, float]],
) -> None:
    """While practising, a message the NLU reads as oefenen_stop ends the session."""
    antwoorden = [
        rij["tekst"]
        for pad in sorted(GELABELD.glob("*.yml"))
        for rij in yaml.safe_load(pad.read_text(encoding="utf-8"))["antwoorden"]
    ]
    assert [a for a in antwoorden if parse(a)[0] == "oefenen_stop"] == []
    assert parse("stop")[0] == "oefenen_stop"
