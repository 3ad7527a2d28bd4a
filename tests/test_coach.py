"""Picking and formatting advice: every intent, tailoring, skip warnings, no repeats."""

from __future__ import annotations

import pytest

from actions.adviesboek import laad_adviesboek
from actions.coach import MAX_LENGTE, coach, productsoort, verloop_na
from tools.domein import fase_per_intent

BOEK = laad_adviesboek()
FASE_INTENTS = sorted(fase_per_intent())


@pytest.mark.parametrize("intent", FASE_INTENTS)
def test_elke_intent_geeft_advies(intent: str) -> None:
    antwoord = coach(BOEK, intent, [], {}, None)
    regels = antwoord.tekst.splitlines()
    assert regels[1].startswith("💡 "), "de tip komt eerst"
    assert any(r.startswith("💬 ") and '"' in r for r in regels), "een zin om te zeggen"
    assert len(antwoord.tekst) <= MAX_LENGTE
    assert 1 <= len(antwoord.knoppen) <= 3
    assert all(k["payload"].startswith("/") for k in antwoord.knoppen)


@pytest.mark.parametrize("intent", FASE_INTENTS)
def test_nooit_twee_keer_hetzelfde_antwoord_achter_elkaar(intent: str) -> None:
    teller: dict[str, int] = {}
    vorige = None
    for _ in range(5):
        antwoord = coach(BOEK, intent, ["behoefte"], teller, None)
        assert antwoord.tekst != vorige
        vorige, teller = antwoord.tekst, antwoord.teller


def test_productsoort_herkent_varianten() -> None:
    assert productsoort(BOEK, "Laptop").naam == "laptop"
    assert productsoort(BOEK, "hardloopschoenen").naam == "schoenen"
    assert productsoort(BOEK, "bank").naam == "meubels"
    assert productsoort(BOEK, "ruimteschip") is None
    assert productsoort(BOEK, "broodrooster") is None, "brood is het begin, niet het hoofdwoord"
    assert productsoort(BOEK, None) is None


def test_open_vragen_zijn_afgestemd_op_het_product() -> None:
    laptop = coach(BOEK, "behoefte_vragen", [], {}, "laptop").tekst
    schoenen = coach(BOEK, "behoefte_vragen", [], {}, "schoenen").tekst
    algemeen = coach(BOEK, "behoefte_vragen", [], {}, None).tekst
    assert laptop != schoenen != algemeen
    assert "(laptop)" in laptop.splitlines()[0]
    for tekst in (laptop, schoenen, algemeen):
        for soort in ("Algemeen", "Gericht", "Aanvullend"):
            assert f"💬 {soort}:" in tekst


@pytest.mark.parametrize("intent", ["presentatie_tonen", "afsluiting_twijfel_keuze"])
def test_waarschuwing_als_de_behoefte_is_overgeslagen(intent: str) -> None:
    overgeslagen = coach(BOEK, intent, ["contact"], {}, None)
    netjes = coach(BOEK, intent, ["contact", "behoefte"], {}, None)
    assert "⚠️" in overgeslagen.tekst
    assert "⚠️" not in netjes.tekst


def test_verloop_houdt_fasen_bij_en_nieuwe_klant_begint_opnieuw() -> None:
    _, na = verloop_na(BOEK, ["contact", "behoefte"], "presentatie")
    assert na == ["contact", "behoefte", "presentatie"]
    _, opnieuw = verloop_na(BOEK, ["contact", "behoefte", "nazorg"], "contact")
    assert opnieuw == ["contact"]
    _, blijft = verloop_na(BOEK, ["voorbereiding"], "contact")
    assert blijft == ["voorbereiding", "contact"]
