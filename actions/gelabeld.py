"""Labelled examples from the conversation: what the seller meant by an unclear message."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet


def gelabeld_voorbeeld(tracker: Tracker, intent: str) -> list[EventType]:
    """A button pressed after "Bedoel je ...?" labels the unclear message, for the trainers.

    The pair stays in the conversation (slot `gelabeld`, in the tracker store).
    """
    vraag = tracker.get_slot("bedoel_je_tekst")
    if not vraag:
        return []
    if not str(tracker.latest_message.get("text") or "").startswith("/"):
        return [SlotSet("bedoel_je_tekst", None)]  # typed anew: no label
    gelabeld = [*(tracker.get_slot("gelabeld") or []), {"tekst": vraag, "intent": intent}]
    return [SlotSet("bedoel_je_tekst", None), SlotSet("gelabeld", gelabeld)]
