"""Rasa buttons <-> Telegram inline keyboards, and splitting long texts.

Telegram limits callback_data to 64 bytes. Rasa payloads such as
'/fase_menu{"gekozen_fase":"voorbereiding"}' usually fit and then travel as
they are; longer ones get a short key (a hash of the payload). Either way the
bot only believes callback data that it finds in a keyboard it sent to that
chat (KnopGeheugen in bot/chatstaat.py): a client can send any callback data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rasa_client import Knop

MAX_CALLBACK_BYTES = 64
MAX_TEKST = 4096  # Telegram's limit, counted in UTF-16 code units
SLEUTEL_PREFIX = "k:"
GEKOZEN_DATA = "x:gekozen"  # the "✅ chosen" marker button; pressing it does nothing


def utf16_lengte(tekst: str) -> int:
    return len(tekst.encode("utf-16-le")) // 2


class Keyboard:
    """Rasa buttons -> an inline keyboard, and which callback data stands for which payload."""

    @staticmethod
    def data_voor(payload: str) -> str:
        if payload.startswith("/") and len(payload.encode()) <= MAX_CALLBACK_BYTES:
            return payload
        # Deterministic, so the same payload always gets the same key.
        return SLEUTEL_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:24]

    @classmethod
    def payloads(cls, knoppen: Sequence[Knop]) -> dict[str, str]:
        """callback_data -> payload for the buttons that carry one (not the links)."""
        return {cls.data_voor(k.payload): k.payload for k in knoppen if not k.url}

    @classmethod
    def markup(cls, knoppen: Sequence[Knop]) -> InlineKeyboardMarkup | None:
        if not knoppen:
            return None
        # One button per row: titles are whole situations, read on a phone.
        rijen = [
            [
                InlineKeyboardButton(k.titel, url=k.url)
                if k.url
                else InlineKeyboardButton(k.titel, callback_data=cls.data_voor(k.payload))
            ]
            for k in knoppen
        ]
        return InlineKeyboardMarkup(rijen)


def gekozen_keyboard(titel: str, prefix: str) -> InlineKeyboardMarkup:
    """What replaces a used keyboard: only the chosen button, marked."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(prefix + titel, callback_data=GEKOZEN_DATA)]]
    )


def knoptitel(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    for rij in markup.inline_keyboard if markup else ():
        for knop in rij:
            if knop.callback_data == data:
                return knop.text
    return None


def splits_tekst(tekst: str, limiet: int = MAX_TEKST) -> list[str]:
    """Split at line breaks into parts of at most `limiet` (UTF-16) characters.

    A single line that is too long is split at a space, or hard when it has none.
    """
    if utf16_lengte(tekst) <= limiet:
        return [tekst]
    delen: list[str] = []
    huidig = ""
    for regel in tekst.split("\n"):
        kandidaat = f"{huidig}\n{regel}" if huidig else regel
        if utf16_lengte(kandidaat) <= limiet:
            huidig = kandidaat
            continue
        if huidig:
            delen.append(huidig)
        while utf16_lengte(regel) > limiet:
            stuk = _voorkant(regel, limiet)
            delen.append(stuk.rstrip())
            regel = regel[len(stuk) :].lstrip(" ")
        huidig = regel
    if huidig.strip():
        delen.append(huidig)
    return [d for d in delen if d.strip()]


def _voorkant(regel: str, limiet: int) -> str:
    """The longest prefix within the limit, preferably ending at a space."""
    lengte, einde = 0, 0
    for i, teken in enumerate(regel):
        lengte += utf16_lengte(teken)
        if lengte > limiet:
            break
        einde = i + 1
    spatie = regel.rfind(" ", 0, einde)
    return regel[: spatie + 1] if spatie > einde // 2 else regel[:einde]
