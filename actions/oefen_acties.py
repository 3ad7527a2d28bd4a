"""Practice mode (oefenmodus) as a Rasa form: the bot plays the customer, the seller answers.

`oefen_form` asks for two slots. `oefen_scenario` is asked once, with buttons.
`oefen_antwoord` is asked once per step of the scenario: the validation judges the
answer (the coach's part), clears the slot and moves to the next step, so the form
asks again with the next customer line (the customer's part). After the last step
the slot keeps its value, the form ends and `action_oefen_afronden` shows the
scorecard. While the form is active every message is an answer: the coaching
intents cannot take over (see the slot mappings in domain.yml).

A real customer during practice (actions/echte_klant.py): the answer is kept in
`oefen_echt` and the coach asks pause or carry on. Pause ends the form but keeps the
session's slots (`oefen_gepauzeerd`); /oefenen resumes it at the same step. Carry on
judges the kept answer as usual.
"""

from __future__ import annotations

import random
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import voortgang
from actions.beoordeling import woorden, zoek
from actions.coach_acties import BOEK as ADVIESBOEK
from actions.coach_acties import advies
from actions.echte_klant import is_echte_klant, laad_markers
from actions.gelabeld import gelabeld_voorbeeld
from actions.oefen_model import oordelaar
from actions.oefenboek import Oefenboek, Scenario, laad_oefenboek
from actions.scorekaart import scorekaart

# Loaded and schema-checked once, when the action server starts, like the advice book.
BOEK = laad_oefenboek()
BEOORDEEL = oordelaar(BOEK)
MARKERS = laad_markers()
VOORTGANG = voortgang.laad_instellingen()
FORM = "oefen_form"
STOP_PAYLOAD = "/oefenen_stop"
START_PAYLOAD = "/oefenen_start"
PAUZE_PAYLOAD = "/oefenen_pauze"
VERDER_PAYLOAD = "/oefenen_verder"
WILLEKEURIG = "willekeurig"
# Slots of one session, cleared at its end; `oefen_historie` stays.
SESSIE_SLOTS = (
    "oefen_scenario",
    "oefen_antwoord",
    "oefen_stap",
    "oefen_oordelen",
    "oefen_echt",
    "oefen_gepauzeerd",
)


def kies_scenario(boek: Oefenboek, tekst: str) -> Scenario | None:
    """The scenario a seller picked: by button, number, name or a word of it; or random."""
    w = woorden(tekst)
    if not w:
        return None
    if zoek(w, boek.willekeurig):
        return random.choice(list(boek.scenarios.values()))
    lijst = list(boek.scenarios.values())
    if len(w) == 1 and w[0].isdigit() and 1 <= int(w[0]) <= len(lijst):
        return lijst[int(w[0]) - 1]
    kandidaten = [
        s for s in lijst if s.id in w or set(w) & (set(woorden(s.knop)) | {s.id.replace("_", " ")})
    ]
    return kandidaten[0] if len(kandidaten) == 1 else None


def _waar(tracker: Tracker) -> tuple[Scenario | None, int]:
    """The running scenario and the step the seller is answering."""
    scenario = BOEK.scenarios.get(tracker.get_slot("oefen_scenario") or "")
    return scenario, int(tracker.get_slot("oefen_stap") or 0)


def _sessie_klaar() -> list[EventType]:
    return [SlotSet(slot, None) for slot in SESSIE_SLOTS]


def _stop_knop() -> list[dict[str, str]]:
    return [{"title": BOEK.teksten["stop_knop"], "payload": STOP_PAYLOAD}]


class ValidateOefenForm(FormValidationAction):
    """Picks the scenario, and judges each answer against the step it answers."""

    def name(self) -> str:
        return "validate_oefen_form"

    async def validate_oefen_scenario(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if slot_value is None:  # cleared by action_oefen_begin, not typed by the seller
            return {"oefen_scenario": None}
        if (
            tracker.get_slot("requested_slot") != "oefen_scenario"
            and slot_value == tracker.get_slot("oefen_scenario")
            and slot_value in BOEK.scenarios
        ):
            return {"oefen_scenario": slot_value}  # a paused session resumes: keep its step
        scenario = kies_scenario(BOEK, str(slot_value))
        if scenario is None:
            dispatcher.utter_message(text=BOEK.teksten["scenario_onbekend"])
            return {"oefen_scenario": None}
        return {"oefen_scenario": scenario.id, "oefen_stap": 0, "oefen_oordelen": []}

    async def validate_oefen_antwoord(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if slot_value is None:  # cleared by action_oefen_begin, not typed by the seller
            return {"oefen_antwoord": None}
        scenario, stap = _waar(tracker)
        if scenario is None or stap >= len(scenario.stappen):
            # A trainer removed the scenario or a step mid-session: end it cleanly.
            return {"oefen_antwoord": "klaar"}
        tekst = str(slot_value or "").strip()
        wachtend = tracker.get_slot("oefen_echt")
        if wachtend and _verder(tracker, tekst):
            tekst = str(wachtend.get("tekst") or "") if isinstance(wachtend, dict) else ""
        elif _echte_klant(tekst, tracker):
            dispatcher.utter_message(text=MARKERS.teksten["vraag"], buttons=_echt_knoppen())
            return {"oefen_antwoord": None, "oefen_echt": _bewaar(tracker, tekst)}
        if tekst.startswith("/nlu_fallback") or not any(t.isalpha() for t in tekst):
            dispatcher.utter_message(text=BOEK.teksten["geen_antwoord"])
            return {"oefen_antwoord": None}
        if tekst.startswith("/"):
            dispatcher.utter_message(text=BOEK.teksten["commando_tijdens_oefenen"])
            return {"oefen_antwoord": None}
        huidig = scenario.stappen[stap]
        oordeel = BEOORDEEL(BOEK, huidig.fase, tekst, huidig.beter, scenario.jargon)
        dispatcher.utter_message(text="\n".join(oordeel.feedback))
        uitslagen = [*(tracker.get_slot("oefen_oordelen") or []), oordeel.als_dict()]
        volgende = stap + 1
        klaar = volgende >= len(scenario.stappen)
        return {
            "oefen_antwoord": tekst if klaar else None,
            "oefen_stap": volgende,
            "oefen_oordelen": uitslagen,
            "oefen_echt": None,
        }


def _verder(tracker: Tracker, tekst: str) -> bool:
    """The seller chose to carry on practising (the button, or typed)."""
    return tekst == VERDER_PAYLOAD or tracker.get_intent_of_latest_message() == "oefenen_verder"


def _echte_klant(tekst: str, tracker: Tracker) -> bool:
    if tekst.startswith("/"):
        return False
    return is_echte_klant(tekst, tracker.latest_message or {}, MARKERS)


def _bewaar(tracker: Tracker, tekst: str) -> dict[str, Any]:
    """What the coaching needs once the seller pauses: the text, the situation, the product."""
    return {
        "tekst": tekst,
        "intent": tracker.get_intent_of_latest_message(skip_fallback_intent=False),
        "product": next(tracker.get_latest_entity_values("product"), None),
    }


def _echt_knoppen() -> list[dict[str, str]]:
    return [
        {"title": MARKERS.teksten["pauze_knop"], "payload": PAUZE_PAYLOAD},
        {"title": MARKERS.teksten["verder_knop"], "payload": VERDER_PAYLOAD},
    ]


class ActionAskOefenScenario(Action):
    """The scenarios as buttons, plus one for a random scenario."""

    def name(self) -> str:
        return "action_ask_oefen_scenario"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # An intent payload with the entity: typed text could be misread (e.g. as oefenen_stop).
        keuzes = [(s.knop, s.id) for s in BOEK.scenarios.values()]
        keuzes.append((BOEK.teksten["willekeurig_knop"], WILLEKEURIG))
        knoppen = [
            {"title": titel, "payload": f'{START_PAYLOAD}{{"oefen_scenario":"{waarde}"}}'}
            for titel, waarde in keuzes
        ]
        dispatcher.utter_message(text=BOEK.teksten["kies_scenario"], buttons=knoppen)
        return []


class ActionAskOefenAntwoord(Action):
    """The customer's next line (and at the first step the scene)."""

    def name(self) -> str:
        return "action_ask_oefen_antwoord"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        scenario, stap = _waar(tracker)
        if scenario is None or stap >= len(scenario.stappen) or tracker.get_slot("oefen_echt"):
            return []  # nothing, or the question "echte klant?" is still the last word
        klant = BOEK.teksten["klant"].format(klant=scenario.stappen[stap].klant)
        if stap == 0:
            start = BOEK.teksten["start"].format(titel=scenario.titel, situatie=scenario.situatie)
            klant = f"{start}\n\n{klant}"
        dispatcher.utter_message(text=klant, buttons=_stop_knop())
        return []


class ActionOefenBegin(Action):
    """A clean slate before the form starts, or the paused session where it was."""

    def name(self) -> str:
        return "action_oefen_begin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        scenario, stap = _waar(tracker)
        if tracker.get_slot("oefen_gepauzeerd") and scenario and stap < len(scenario.stappen):
            tekst = MARKERS.teksten["hervat"].format(
                titel=scenario.titel, stap=stap + 1, totaal=len(scenario.stappen)
            )
            dispatcher.utter_message(text=tekst)
            return [SlotSet("oefen_gepauzeerd", None), SlotSet("oefen_echt", None)]
        return [*_sessie_klaar(), *gelabeld_voorbeeld(tracker, START_PAYLOAD[1:])]


class ActionOefenAfronden(Action):
    """The scorecard; the session is added to the seller's history (a slot, so it persists)."""

    def name(self) -> str:
        return "action_oefen_afronden"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        scenario = BOEK.scenarios.get(tracker.get_slot("oefen_scenario") or "")
        uitslagen = tracker.get_slot("oefen_oordelen") or []
        if scenario is None or not uitslagen:
            dispatcher.utter_message(text=BOEK.teksten["gestopt_kort"])
            return _sessie_klaar()
        eerder = tracker.get_slot("oefen_historie") or []
        tekst, sessie = scorekaart(BOEK, scenario, uitslagen, eerder)
        dispatcher.utter_message(
            text=tekst, buttons=[{"title": BOEK.teksten["opnieuw_knop"], "payload": START_PAYLOAD}]
        )
        historie, samenvatting = voortgang.begrens(
            [*eerder, sessie], tracker.get_slot("oefen_samenvatting"), VOORTGANG.bewaar_sessies
        )
        return [
            *_sessie_klaar(),
            SlotSet("oefen_historie", historie),
            SlotSet("oefen_samenvatting", samenvatting),
        ]


class ActionOefenStop(Action):
    """Stop: end the running session (it does not count), or say none is running."""

    def name(self) -> str:
        return "action_oefen_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Always the same events, with or without a session: the rules expect them.
        gestopt = [ActiveLoop(None), SlotSet("requested_slot", None)]
        gepauzeerd = tracker.get_slot("oefen_gepauzeerd")
        if tracker.active_loop.get("name") != FORM and not gepauzeerd:
            dispatcher.utter_message(text=BOEK.teksten["geen_sessie"])
            return gestopt
        scenario = BOEK.scenarios.get(tracker.get_slot("oefen_scenario") or "")
        if scenario is None:
            tekst = BOEK.teksten["gestopt_kort"]
        else:
            gedaan = len(tracker.get_slot("oefen_oordelen") or [])
            tekst = BOEK.teksten["gestopt"].format(gedaan=gedaan, totaal=len(scenario.stappen))
        dispatcher.utter_message(text=tekst)
        return [*gestopt, *_sessie_klaar()]


class ActionOefenPauze(Action):
    """Pause for a real customer: the session's slots stay, the real situation gets advice."""

    def name(self) -> str:
        return "action_oefen_pauze"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Always the same events, with or without a session: the rules expect them.
        gestopt = [ActiveLoop(None), SlotSet("requested_slot", None)]
        scenario, _ = _waar(tracker)
        if tracker.active_loop.get("name") != FORM or scenario is None:
            dispatcher.utter_message(text=BOEK.teksten["geen_sessie"])
            return gestopt
        dispatcher.utter_message(text=MARKERS.teksten["gepauzeerd"])
        wachtend = tracker.get_slot("oefen_echt")
        events = [*gestopt, SlotSet("oefen_gepauzeerd", True), SlotSet("oefen_echt", None)]
        if not isinstance(wachtend, dict):
            return events  # paused by hand: nothing to coach yet
        intent = wachtend.get("intent")
        product = wachtend.get("product") or tracker.get_slot("product")
        events += advies(dispatcher, tracker, intent, product)
        if intent in ADVIESBOEK.adviezen:
            events += [
                SlotSet("fase", ADVIESBOEK.adviezen[intent].fase),
                SlotSet("product", product),
            ]
        return events


class ActionVoortgang(Action):
    """/voortgang: scores over time per phase, as text and as data for a chart."""

    def name(self) -> str:
        return "action_voortgang"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        titels = {f: r.titel for f, r in BOEK.fasen.items()}
        reeksen = voortgang.voortgang(
            tracker.get_slot("oefen_historie"),
            tracker.get_slot("oefen_samenvatting"),
            {voortgang.TOTAAL: VOORTGANG.teksten["totaal"], **titels},
            VOORTGANG,
        )
        tekst = voortgang.tekst(reeksen, VOORTGANG)
        if not reeksen:
            dispatcher.utter_message(
                text=tekst,
                buttons=[{"title": VOORTGANG.teksten["oefen_knop"], "payload": START_PAYLOAD}],
            )
            return []
        dispatcher.utter_message(text=tekst, json_message=voortgang.payload(reeksen, VOORTGANG))
        return []
