"""Rasa custom actions. Thin wrappers: the logic is in coach.py, the content in inhoud/advies/."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.adviesboek import laad_adviesboek
from actions.coach import OEFENEN, coach, kandidaten, knoppen
from actions.gelabeld import gelabeld_voorbeeld

# Loaded and schema-checked once, when the action server starts: a broken
# advice file stops start-up with an error naming the file and the line.
BOEK = laad_adviesboek()

Domain = dict[str, Any]


def _fase_knoppen() -> list[dict[str, str]]:
    return [
        {"title": f.titel, "payload": f'/fase_menu{{"gekozen_fase":"{naam}"}}'}
        for naam, f in BOEK.fasen.items()
    ]


class ActionCoach(Action):
    """Advice for the situation the seller just described."""

    def name(self) -> str:
        return "action_coach"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Domain
    ) -> list[EventType]:
        intent = tracker.get_intent_of_latest_message(skip_fallback_intent=False)
        return [
            *advies(dispatcher, tracker, intent, tracker.get_slot("product")),
            *(gelabeld_voorbeeld(tracker, intent) if intent in BOEK.adviezen else []),
        ]


def advies(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None, product: str | None
) -> list[EventType]:
    """Advice for one situation; also for a real customer reported during practice."""
    if intent not in BOEK.adviezen:
        dispatcher.utter_message(text=BOEK.teksten["niet_begrepen"], buttons=_fase_knoppen())
        return []
    antwoord = coach(
        BOEK,
        intent,
        tracker.get_slot("fases_gehad"),
        tracker.get_slot("advies_teller"),
        product,
    )
    dispatcher.utter_message(text=antwoord.tekst, buttons=antwoord.knoppen)
    return [
        SlotSet("fases_gehad", antwoord.fases_gehad),
        SlotSet("advies_teller", antwoord.teller),
    ]


def _iets_anders() -> dict[str, str]:
    return {"title": BOEK.teksten["iets_anders"], "payload": "/fase_menu"}


class ActionBedoelJe(Action):
    """Unsure: offer the two or three likeliest situations; the full menu only without a lead."""

    def name(self) -> str:
        return "action_bedoel_je"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Domain
    ) -> list[EventType]:
        tekst = str(tracker.latest_message.get("text") or "")
        opties = (
            []
            if tekst.startswith("/")
            else kandidaten(BOEK, tracker.latest_message.get("intent_ranking") or [])
        )
        if not opties:
            dispatcher.utter_message(text=BOEK.teksten["niet_begrepen"], buttons=_fase_knoppen())
            return [] if tekst.startswith("/") else [SlotSet("bedoel_je_tekst", tekst)]
        if opties[0] == OEFENEN:  # practice mode starts only when the seller says yes
            dispatcher.utter_message(
                text=BOEK.teksten["oefenen_vraag"],
                buttons=[
                    {"title": BOEK.teksten["oefenen_ja"], "payload": f"/{OEFENEN}"},
                    _iets_anders(),
                ],
            )
        else:
            situaties = [o for o in opties if o != OEFENEN]
            dispatcher.utter_message(
                text=BOEK.teksten["bedoel_je"],
                buttons=[*knoppen(BOEK, situaties), _iets_anders()],
            )
        return [SlotSet("bedoel_je_tekst", tekst)]


class ActionNieuweKlant(Action):
    """A new customer: forget the previous sale (phases covered, product, fase)."""

    def name(self) -> str:
        return "action_nieuwe_klant"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Domain
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=BOEK.teksten["nieuwe_klant"], buttons=knoppen(BOEK, BOEK.nieuwe_klant_knoppen)
        )
        return [SlotSet("fases_gehad", []), SlotSet("product", None), SlotSet("fase", None)]


class ActionFaseMenu(Action):
    """The phases as buttons, or one phase's situations; also the fallback answer."""

    def name(self) -> str:
        return "action_fase_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Domain
    ) -> list[EventType]:
        gekozen = next(tracker.get_latest_entity_values("gekozen_fase"), None)
        if gekozen in BOEK.fasen:
            situaties = [a.intent for a in BOEK.adviezen_in_fase(gekozen)]
            dispatcher.utter_message(
                text=BOEK.teksten["situatie_menu"], buttons=knoppen(BOEK, situaties)
            )
            return []
        intro = {"nlu_fallback": "niet_begrepen", "out_of_scope": "buiten_domein"}.get(
            tracker.get_intent_of_latest_message(skip_fallback_intent=False), "fase_menu"
        )
        dispatcher.utter_message(text=BOEK.teksten[intro], buttons=_fase_knoppen())
        return []


class ActionFaseOverzicht(Action):
    """Where the seller is now, and which phases this sale has covered."""

    def name(self) -> str:
        return "action_fase_overzicht"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Domain
    ) -> list[EventType]:
        fase = tracker.get_slot("fase")
        gehad = [f for f in tracker.get_slot("fases_gehad") or [] if f in BOEK.fasen]
        if fase not in BOEK.fasen and not gehad:
            dispatcher.utter_message(text=BOEK.teksten["fase_overzicht_leeg"])
            return []
        tekst = BOEK.teksten["fase_overzicht"].format(
            fase=BOEK.fasen[fase].titel if fase in BOEK.fasen else "-",
            verloop=" → ".join(BOEK.fasen[f].titel for f in gehad) or "-",
        )
        dispatcher.utter_message(text=tekst)
        return []
