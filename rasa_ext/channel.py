"""Rasa's REST channel with two safety nets for the seller on the shop floor.

- A message without any letter or digit (empty, whitespace, emoji only, or no
  text at all) says nothing the NLU can read; a linear classifier would still
  pick some intent. It goes to Rasa as the default intent `nlu_fallback`, so the
  seller gets the "niet begrepen" answer with the situations as buttons.
- When a turn yields no bot message (the action server is down, or an action
  failed), Rasa logs the error and answers with an empty list. This channel
  adds one Dutch line instead, so the seller never faces silence.

Its blueprint also freezes the garbage collector once the server has started
(an `after_server_start` listener; Rasa loads the model before that). Each full
collection would otherwise walk the ~540k long-lived objects of Rasa and the
model and stall every open conversation for ~0.3 s (docs/serving.md).
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

STANDAARD_STILTE_TEKST = "De coach kan nu even geen advies ophalen. Probeer het zo opnieuw."
GEEN_TEKST = "/nlu_fallback"


def leesbare_tekst(bericht: object) -> str:
    """The message as Rasa should see it: unreadable input becomes `nlu_fallback`."""
    if not isinstance(bericht, str) or not any(teken.isalnum() for teken in bericht):
        return GEEN_TEKST
    return bericht


class CoachRestInput(RestInput):
    """Same URL and payload as `rest`, but never answers with silence."""

    def __init__(self, stilte_tekst: str = STANDAARD_STILTE_TEKST) -> None:
        self.stilte_tekst = stilte_tekst

    @classmethod
    def name(cls) -> str:
        # Keep the standard path /webhooks/rest/webhook.
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CoachRestInput:
        tekst = (credentials or {}).get("stilte_tekst") or STANDAARD_STILTE_TEKST
        return cls(stilte_tekst=tekst)

    def _extract_message(self, req: Request) -> str:
        return leesbare_tekst((req.json or {}).get("message"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def met_vangnet(message: UserMessage) -> None:
            await on_new_message(message)
            uitvoer = message.output_channel
            if isinstance(uitvoer, CollectingOutputChannel) and not uitvoer.messages:
                await uitvoer.send_text_message(message.sender_id, self.stilte_tekst)

        blueprint = super().blueprint(met_vangnet)
        blueprint.after_server_start(bevries_geheugen)
        return blueprint


def bevries_geheugen(*_: object) -> None:
    """What exists once the model is loaded lives as long as the server: out of the GC's reach."""
    gc.collect()
    gc.freeze()
