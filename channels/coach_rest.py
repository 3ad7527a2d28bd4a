"""Rasa's REST channel with a safety net against silent turns.

When a turn yields no bot message (the action server is down, or an action
failed), Rasa logs the error and answers with an empty list. A seller on the
shop floor would see nothing, so this channel adds one Dutch line instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

STANDAARD_STILTE_TEKST = "De coach kan nu even geen advies ophalen. Probeer het zo opnieuw."


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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def met_vangnet(message: UserMessage) -> None:
            await on_new_message(message)
            uitvoer = message.output_channel
            if isinstance(uitvoer, CollectingOutputChannel) and not uitvoer.messages:
                await uitvoer.send_text_message(message.sender_id, self.stilte_tekst)

        return super().blueprint(met_vangnet)
