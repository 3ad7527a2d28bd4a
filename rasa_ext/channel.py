"""Rasa's REST channel with safety nets for the seller on the shop floor.

- A message longer than MAX_TEKENS is refused with one Dutch line; it never
  reaches the NLU (nor the tracker store).
- Only the coach's own buttons and commands speak Rasa's `/intent{...}`
  language: the bot marks them in the metadata (`bron`: knop or commando), and
  the payload must be on the allowlist from domain.yml (rasa_ext/payload.py).
  Anything else loses its leading "/", so a typed "/restart" is plain text.
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

import asyncio
import gc
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from rasa_ext.payload import MAX_TEKENS, TE_LANG_TEKST, KnopRegels

STANDAARD_STILTE_TEKST = "De coach kan nu even geen advies ophalen. Probeer het zo opnieuw."
GEEN_TEKST = "/nlu_fallback"
EIGEN_BRONNEN = frozenset({"knop", "commando"})
MAX_ONTHOUDEN = 2000  # answered message ids, over all conversations


def leesbare_tekst(bericht: object) -> str:
    """The message as Rasa should see it: unreadable input becomes `nlu_fallback`."""
    if not isinstance(bericht, str) or not any(teken.isalnum() for teken in bericht):
        return GEEN_TEKST
    return bericht


def voor_rasa(tekst: str, metadata: Mapping[str, Any] | None, regels: KnopRegels) -> str:
    """Typed text never becomes an intent: only a marked, allowed payload keeps its "/"."""
    tekst = tekst.strip()
    if tekst.startswith("/"):
        eigen = (metadata or {}).get("bron") in EIGEN_BRONNEN
        if not (eigen and regels.toegestaan(tekst)):
            tekst = tekst.lstrip("/").strip()
    return leesbare_tekst(tekst)


def schone_metadata(ruw: object) -> dict[str, Any] | None:
    """Only the fields the bot sends, short and of the right type: metadata lands in the tracker."""
    if not isinstance(ruw, dict):
        return None
    schoon: dict[str, Any] = {
        k: ruw[k]
        for k in ("bron", "bericht_id")
        if isinstance(ruw.get(k), str) and len(ruw[k]) <= 64
    }
    telegram = ruw.get("telegram")
    if isinstance(telegram, dict):
        schoon["telegram"] = {
            k: v
            for k, v in telegram.items()
            if k in ("message_id", "callback_id") and isinstance(v, int | str) and len(str(v)) <= 64
        }
    return schoon or None


Antwoorden = list[dict[str, Any]]


class CoachRestInput(RestInput):
    """Same URL and payload as `rest`, but never answers with silence."""

    def __init__(
        self,
        stilte_tekst: str = STANDAARD_STILTE_TEKST,
        te_lang_tekst: str = TE_LANG_TEKST,
        regels: KnopRegels | None = None,
    ) -> None:
        self.stilte_tekst = stilte_tekst
        self.te_lang_tekst = te_lang_tekst
        self.regels = regels or KnopRegels.uit_domein()
        self._beurten: OrderedDict[tuple[str, str], asyncio.Task[Antwoorden]] = OrderedDict()

    @classmethod
    def name(cls) -> str:
        # Keep the standard path /webhooks/rest/webhook.
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CoachRestInput:
        credentials = credentials or {}
        return cls(
            stilte_tekst=credentials.get("stilte_tekst") or STANDAARD_STILTE_TEKST,
            te_lang_tekst=credentials.get("te_lang_tekst") or TE_LANG_TEKST,
        )

    def _extract_message(self, req: Request) -> str:
        bericht = (req.json or {}).get("message")
        return bericht if isinstance(bericht, str) else ""

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return schone_metadata((request.json or {}).get("metadata"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def beurt(message: UserMessage) -> Antwoorden:
            uitvoer = CollectingOutputChannel()
            message.output_channel = uitvoer
            await on_new_message(message)
            if not uitvoer.messages:
                await uitvoer.send_text_message(message.sender_id, self.stilte_tekst)
            return uitvoer.messages

        async def met_vangnet(message: UserMessage) -> None:
            uitvoer = message.output_channel
            if len(message.text or "") > MAX_TEKENS:
                await uitvoer.send_text_message(message.sender_id, self.te_lang_tekst)
                return
            message.text = voor_rasa(message.text or "", message.metadata, self.regels)
            if type(uitvoer) is not CollectingOutputChannel:  # ?stream=true: a queue, live
                await on_new_message(message)
                return
            uitvoer.messages.extend(await asyncio.shield(self._eenmalig(message, beurt)))

        blueprint = super().blueprint(met_vangnet)
        blueprint.after_server_start(bevries_geheugen)
        return blueprint

    def _eenmalig(
        self, message: UserMessage, beurt: Callable[[UserMessage], Awaitable[Antwoorden]]
    ) -> asyncio.Task[Antwoorden]:
        """The turn's task; the same task again for a message id seen before."""
        bericht_id = (message.metadata or {}).get("bericht_id")
        if not bericht_id:
            return asyncio.ensure_future(beurt(message))
        sleutel = (message.sender_id, bericht_id)
        if (taak := self._beurten.get(sleutel)) is not None:
            return taak
        taak = asyncio.ensure_future(beurt(message))
        # A failed turn is not remembered: a retry must really try again.
        taak.add_done_callback(
            lambda t: self._beurten.pop(sleutel, None) if t.cancelled() or t.exception() else None
        )
        self._beurten[sleutel] = taak
        while len(self._beurten) > MAX_ONTHOUDEN:
            self._beurten.popitem(last=False)
        return taak


def bevries_geheugen(*_: object) -> None:
    """What exists once the model is loaded lives as long as the server: out of the GC's reach."""
    gc.collect()
    gc.freeze()
