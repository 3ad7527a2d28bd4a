"""`make probeer ZIN=...`: one sentence through the real model and the real actions, no servers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from actions.coach_acties import BOEK
from tools.domein import ROOT, fase_per_intent
from tools.nlu_eval import laad_model
from tools.probeer import GEEN_ZIN, main, rapport


@pytest.fixture(scope="module")
def parse() -> Callable[[str], dict[str, Any]]:
    model = ROOT / "models" / "coach.tar.gz"
    if not model.is_file():
        pytest.fail("models/coach.tar.gz ontbreekt: train eerst met `make train`", pytrace=False)
    return laad_model(model)


def test_zeker_advies_met_situatie_zekerheid_tweede_keus_en_knoppen(parse: Any) -> None:
    uitkomst = parse("klant wil korting op de laptop")
    tekst = rapport("klant wil korting op de laptop", uitkomst, fase_per_intent())
    ranking = uitkomst["intent_ranking"]
    assert f"bezwaar_korting (fase bezwaar), zekerheid {ranking[0]['confidence']:.2f}" in tekst
    assert "Herkend:     bezwaar_korting (fase bezwaar)" in tekst
    tweede = ranking[1]["name"]
    assert f"Tweede keus: {tweede} " in tekst
    assert "Product:     laptop" in tekst
    advies = BOEK.adviezen["bezwaar_korting"]
    assert f"Bezwaar · {advies.situatie}" in tekst
    assert advies.varianten[0].tip in tekst
    assert (
        "knoppen: " + " ".join(f"[{BOEK.adviezen[i].situatie}]" for i in advies.volgende) in tekst
    )


def test_onzeker_toont_de_bedoel_je_vraag(parse: Any) -> None:
    uitkomst = parse("de klant kijkt")
    assert uitkomst["intent"]["name"] == "nlu_fallback"
    tekst = rapport("de klant kijkt", uitkomst, fase_per_intent())
    assert "Herkend: niet zeker genoeg" in tekst
    assert "Beste gok:" in tekst and "Tweede keus:" in tekst
    assert BOEK.teksten["bedoel_je"] in tekst or BOEK.teksten["niet_begrepen"] in tekst
    assert f"[{BOEK.teksten['iets_anders']}]" in tekst or "knoppen: [" in tekst


@pytest.mark.vijandig
def test_vijandig_lege_zin_geeft_uitleg(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], parse=lambda _: {}) == 2
    assert GEEN_ZIN in capsys.readouterr().out


@pytest.mark.vijandig
def test_vijandig_html_en_emoji_crashen_niet(
    parse: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["<script>alert(1)</script> 😀"], parse=parse) == 0
    assert 'Zin: "<script>alert(1)</script> 😀"' in capsys.readouterr().out
