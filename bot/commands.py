"""The one command table: Telegram's menu (set_my_commands) and the terminal chat use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Commando:
    naam: str  # without the slash, as Telegram wants it
    payload: str  # what Rasa receives
    beschrijving: str  # shown in Telegram's command menu


COMMANDOS: tuple[Commando, ...] = (
    Commando("start", "/greet", "Welkom en hoe de coach werkt"),
    Commando("help", "/help", "Uitleg en voorbeelden"),
    Commando("nieuw", "/nieuwe_klant", "Nieuwe klant: begin een nieuwe verkoop"),
    Commando("fase", "/fase_overzicht", "In welke fase zit je verkoop?"),
    Commando("tips", "/fase_menu", "Alle situaties per fase, met knoppen"),
    Commando("oefenen", "/oefenen_start", "Oefen een verkoop: ik speel de klant"),
    Commando("stop", "/oefenen_stop", "Stop met oefenen"),
    Commando("voortgang", "/voortgang", "Je oefenscores per fase, door de tijd"),
)

_PER_NAAM = {c.naam: c for c in COMMANDOS}


def commando_naam(tekst: str) -> str | None:
    """'/Nieuw@coach_bot extra' -> 'nieuw'; None when the text is no command."""
    woord = tekst.strip().split(maxsplit=1)[0] if tekst.strip() else ""
    if not woord.startswith("/") or len(woord) < 2:
        return None
    return woord[1:].split("@", 1)[0].lower()


def payload_voor(tekst: str) -> str | None:
    """The Rasa payload for a command from the table, or None."""
    naam = commando_naam(tekst)
    commando = _PER_NAAM.get(naam) if naam else None
    return commando.payload if commando else None
