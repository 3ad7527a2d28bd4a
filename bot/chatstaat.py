"""What the bot remembers per chat, all of it bounded: keyboards, seen updates, open turns."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.rasa_client import CoachBericht

STAAT = "chatstaat"  # key in chat_data
MAX_TOETSENBORDEN = 20  # the last keyboards a seller can still press
MAX_GEZIEN = 200  # update ids, for redelivered updates
MAX_ACHTERSTAND = 10  # open turns and undelivered answers


@dataclass(frozen=True)
class Verzoek:
    """One turn for Rasa: the text, and the metadata the REST channel reads (rasa_ext/channel.py).

    `bericht_id` makes the turn idempotent: the channel answers a repeat with the first answer.
    `keyboard` is the (message id, button title) to mark ✅ once Rasa has answered.
    """

    bericht: str
    bron: str  # tekst, commando or knop: only the last two may carry an intent
    bericht_id: str | None = None
    keyboard: tuple[int, str] | None = None

    def metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {"bron": self.bron}
        if self.bericht_id:
            metadata["bericht_id"] = self.bericht_id
            soort, _, waarde = self.bericht_id.partition(":")
            sleutel = "message_id" if soort == "m" else "callback_id"
            metadata["telegram"] = {sleutel: int(waarde) if waarde.isdigit() else waarde}
        return metadata


class KnopGeheugen:
    """The keyboards the coach sent to one chat: message id -> {callback_data: payload}."""

    def __init__(self, maximum: int = MAX_TOETSENBORDEN) -> None:
        self._borden: OrderedDict[int, dict[str, str]] = OrderedDict()
        self._max = maximum
        self.gebruikt: deque[int] = deque(maxlen=maximum * 10)

    def onthoud(self, message_id: int, payloads: dict[str, str]) -> None:
        self._borden[message_id] = payloads
        while len(self._borden) > self._max:
            self._borden.popitem(last=False)

    def payload(self, message_id: int, data: str) -> str | None:
        """The payload behind a press, if the coach sent that button in that message."""
        return self._borden.get(message_id, {}).get(data)


@dataclass
class ChatStaat:
    knoppen: KnopGeheugen = field(default_factory=KnopGeheugen)
    gezien: deque[int] = field(default_factory=lambda: deque(maxlen=MAX_GEZIEN))
    # Sent to Rasa, answer unknown (a timeout): asked again, with the same id, before the next turn.
    openstaand: deque[Verzoek] = field(default_factory=lambda: deque(maxlen=MAX_ACHTERSTAND))
    # Rasa answered, Telegram did not take it (after all retries): sent before the next answer.
    onbezorgd: deque[CoachBericht] = field(default_factory=lambda: deque(maxlen=MAX_ACHTERSTAND))

    def nieuw(self, update_id: int) -> bool:
        """False for an update seen before (Telegram redelivers after a lost acknowledgement)."""
        if update_id in self.gezien:
            return False
        self.gezien.append(update_id)
        return True


def chatstaat(context: ContextTypes.DEFAULT_TYPE) -> ChatStaat:
    return context.chat_data.setdefault(STAAT, ChatStaat())
