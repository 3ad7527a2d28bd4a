"""Pause and resume without servers: the actions' events for a real customer during practice."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coach_acties import BOEK as ADVIESBOEK
from actions.oefen_acties import (
    BOEK,
    MARKERS,
    ActionAskOefenAntwoord,
    ActionOefenBegin,
    ActionOefenPauze,
    ActionOefenStop,
    ValidateOefenForm,
)

LAPTOP = BOEK.scenarios["laptop"]
SESSIE = {"oefen_scenario": "laptop", "oefen_stap": 2, "oefen_oordelen": [{"fase": "contact"}]}


def tracker(loop: str | None, intent: str = "oefenen_pauze", **slots: object) -> Tracker:
    return Tracker(
        "verkoper", slots, {"intent": {"name": intent}}, [], False, None, {"name": loop}, None
    )


def draai(actie: object, t: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    return dispatcher.messages, asyncio.run(actie.run(dispatcher, t, {}))


def test_pauze_houdt_de_sessie_en_coacht_de_echte_situatie() -> None:
    wachtend = {
        "tekst": "klant zegt dat het te duur is",
        "intent": "bezwaar_prijs",
        "product": None,
    }
    berichten, events = draai(
        ActionOefenPauze(), tracker("oefen_form", **SESSIE, oefen_echt=wachtend)
    )
    assert berichten[0]["text"] == MARKERS.teksten["gepauzeerd"]
    assert berichten[1]["text"].startswith("Bezwaar")
    assert ActiveLoop(None) in events and SlotSet("oefen_gepauzeerd", True) in events
    assert SlotSet("fase", ADVIESBOEK.adviezen["bezwaar_prijs"].fase) in events
    gezet = {e["name"] for e in events if e["event"] == "slot"}
    assert not gezet & {"oefen_scenario", "oefen_stap", "oefen_oordelen"}, "de sessie blijft"


def test_hervatten_bij_dezelfde_stap() -> None:
    berichten, events = draai(ActionOefenBegin(), tracker(None, **SESSIE, oefen_gepauzeerd=True))
    assert berichten[0]["text"] == MARKERS.teksten["hervat"].format(
        titel=LAPTOP.titel, stap=3, totaal=len(LAPTOP.stappen)
    )
    assert events == [SlotSet("oefen_gepauzeerd", None), SlotSet("oefen_echt", None)]
    # Without a pause /oefenen starts clean, as before.
    _, events = draai(ActionOefenBegin(), tracker(None, **SESSIE))
    assert SlotSet("oefen_scenario", None) in events and SlotSet("oefen_stap", None) in events


def test_de_vraag_blijft_het_laatste_woord() -> None:
    wachtend = {"tekst": "er loopt net een klant binnen", "intent": "contact_binnenkomst"}
    berichten, _ = draai(
        ActionAskOefenAntwoord(), tracker("oefen_form", **SESSIE, oefen_echt=wachtend)
    )
    assert berichten == []
    berichten, _ = draai(ActionAskOefenAntwoord(), tracker("oefen_form", **SESSIE))
    assert LAPTOP.stappen[2].klant in berichten[0]["text"]


def test_stop_beeindigt_ook_een_gepauzeerde_sessie() -> None:
    berichten, events = draai(ActionOefenStop(), tracker(None, **SESSIE, oefen_gepauzeerd=True))
    assert berichten[0]["text"] == BOEK.teksten["gestopt"].format(
        gedaan=1, totaal=len(LAPTOP.stappen)
    )
    assert SlotSet("oefen_gepauzeerd", None) in events and SlotSet("oefen_scenario", None) in events


def test_vijandig_pauzeknop_zonder_sessie_of_zonder_bericht() -> None:
    berichten, events = draai(ActionOefenPauze(), tracker(None))
    assert berichten[0]["text"] == BOEK.teksten["geen_sessie"]
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    # A forged pause payload in a session, with nothing waiting: pause, no advice, no crash.
    berichten, events = draai(ActionOefenPauze(), tracker("oefen_form", **SESSIE, oefen_echt="x"))
    assert [b["text"] for b in berichten] == [MARKERS.teksten["gepauzeerd"]]
    assert SlotSet("oefen_gepauzeerd", True) in events


def valideer(tekst: str, latest: dict, **slots: object) -> tuple[list[dict], dict]:
    t = Tracker("verkoper", slots, latest, [], False, None, {"name": "oefen_form"}, None)
    dispatcher = CollectingDispatcher()
    uit = asyncio.run(ValidateOefenForm().validate_oefen_antwoord(tekst, dispatcher, t, {}))
    return dispatcher.messages, uit


def test_een_melding_wordt_gevraagd_en_niet_beoordeeld() -> None:
    latest = {
        "text": "er loopt net een klant binnen",
        "intent": {"name": "contact_binnenkomst", "confidence": 0.9},
        "intent_ranking": [{"name": "contact_binnenkomst", "confidence": 0.9}],
        "fase_ranking": [{"name": "contact", "confidence": 0.9}],
        "entities": [],
    }
    berichten, uit = valideer(latest["text"], latest, **SESSIE)
    assert berichten[0]["text"] == MARKERS.teksten["vraag"]
    assert [k["payload"] for k in berichten[0]["buttons"]] == ["/oefenen_pauze", "/oefenen_verder"]
    assert uit["oefen_antwoord"] is None and "oefen_stap" not in uit
    assert uit["oefen_echt"]["intent"] == "contact_binnenkomst"


def test_verder_oefenen_beoordeelt_het_bewaarde_bericht() -> None:
    wachtend = {"tekst": "Goedemiddag! Waar gaat u hem voor gebruiken?", "intent": "x"}
    verder = {"name": "oefenen_verder", "confidence": 1.0}
    latest = {"text": "/oefenen_verder", "intent": verder, "intent_ranking": [verder]}
    berichten, uit = valideer("/oefenen_verder", latest, **SESSIE, oefen_echt=wachtend)
    assert len(berichten) == 1 and berichten[0]["text"] != MARKERS.teksten["vraag"]
    assert uit["oefen_stap"] == 3 and uit["oefen_echt"] is None
    assert len(uit["oefen_oordelen"]) == 2, "het bewaarde bericht telde als antwoord"
    # Without anything waiting, the payload is just a command during practice.
    berichten, uit = valideer("/oefenen_verder", latest, **SESSIE)
    assert berichten[0]["text"] == BOEK.teksten["commando_tijdens_oefenen"]
    assert uit == {"oefen_antwoord": None}
