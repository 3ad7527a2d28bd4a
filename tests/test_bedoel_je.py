"""Unsure: "Bedoel je ...?" with the likeliest situations; practice mode only after a yes."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coach import kandidaten
from actions.coach_acties import BOEK, ActionBedoelJe, ActionCoach
from actions.oefen_acties import ActionOefenBegin


def tracker(tekst: str, ranking: list[tuple[str, float]], **slots: Any) -> Tracker:
    rij = [{"name": n, "confidence": c} for n, c in ranking]
    intent = rij[0] if rij else {"name": "nlu_fallback", "confidence": 1.0}
    return Tracker(
        "verkoper",
        {"fases_gehad": [], "advies_teller": {}, **slots},
        {"text": tekst, "intent": intent, "intent_ranking": rij, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


async def vraag(t: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionBedoelJe().run(dispatcher, t, {})
    return dispatcher.messages[0], events


def test_kandidaten_stoppen_bij_een_gok() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "bezwaar_korting", "confidence": 0.28},
        {"name": "greet", "confidence": 0.2},
        {"name": "bezwaar_prijs", "confidence": 0.12},
        {"name": "nazorg_ruilen", "confidence": 0.09},
    ]
    assert kandidaten(BOEK, ranking) == ["bezwaar_korting", "bezwaar_prijs"]


async def test_bedoel_je_biedt_de_waarschijnlijkste_situaties() -> None:
    t = tracker(
        "ze wil er wat af",
        [("nlu_fallback", 0.3), ("bezwaar_korting", 0.29), ("bezwaar_prijs", 0.25)],
    )
    bericht, events = await vraag(t)
    assert bericht["text"] == BOEK.teksten["bedoel_je"]
    payloads = [k["payload"] for k in bericht["buttons"]]
    assert payloads == ["/bezwaar_korting", "/bezwaar_prijs", "/fase_menu"]
    assert SlotSet("bedoel_je_tekst", "ze wil er wat af") in events


@pytest.mark.parametrize("ranking", [[], [("nlu_fallback", 0.3), ("bezwaar_prijs", 0.05)]])
async def test_zonder_idee_het_hele_fasemenu(ranking: list[tuple[str, float]]) -> None:
    bericht, _ = await vraag(tracker("hmm", ranking))
    assert bericht["text"] == BOEK.teksten["niet_begrepen"]
    assert len(bericht["buttons"]) == len(BOEK.fasen)


async def test_oefenen_bij_twijfel_alleen_met_ja() -> None:
    t = tracker("klant wil oefenen", [("nlu_fallback", 0.3), ("oefenen_start", 0.6)])
    bericht, _ = await vraag(t)
    assert bericht["text"] == BOEK.teksten["oefenen_vraag"]
    assert [k["payload"] for k in bericht["buttons"]] == ["/oefenen_start", "/fase_menu"]


async def test_knop_na_bedoel_je_is_een_gelabeld_voorbeeld() -> None:
    t = tracker("/bezwaar_korting", [("bezwaar_korting", 1.0)], bedoel_je_tekst="ze wil er wat af")
    events = await ActionCoach().run(CollectingDispatcher(), t, {})
    assert (
        SlotSet("gelabeld", [{"tekst": "ze wil er wat af", "intent": "bezwaar_korting"}]) in events
    )
    assert SlotSet("bedoel_je_tekst", None) in events


async def test_opnieuw_getypt_is_geen_label() -> None:
    t = tracker("klant wil korting", [("bezwaar_korting", 0.9)], bedoel_je_tekst="ze wil er wat af")
    events = await ActionCoach().run(CollectingDispatcher(), t, {})
    assert not [e for e in events if e.get("name") == "gelabeld"]
    assert SlotSet("bedoel_je_tekst", None) in events


async def test_ja_oefenen_is_ook_een_label() -> None:
    t = tracker("/oefenen_start", [("oefenen_start", 1.0)], bedoel_je_tekst="even trainen")
    events = await ActionOefenBegin().run(CollectingDispatcher(), t, {})
    assert SlotSet("gelabeld", [{"tekst": "even trainen", "intent": "oefenen_start"}]) in events
