"""Chat with the coach in a terminal, over Rasa's REST channel.

Plain input()/print(), so it also works through a pipe:
    printf 'hoi\\n/tips\\n1\\n/quit\\n' | python -m bot.terminal
Buttons are shown as a numbered list; typing a number presses that button.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable

from bot import texts
from bot.chatstaat import Verzoek
from bot.commands import COMMANDOS, commando_naam, payload_voor
from bot.logs import setup_logging
from bot.opmaak import terminal_tekst
from bot.rasa_client import CoachBericht, Knop, RasaClient, RasaFout
from bot.settings import ConfigError, load_settings
from rasa_ext.payload import MAX_TEKENS

PROMPT = "jij> "
# Not /stop: in the command table that ends a practice session.
STOP = ("/quit", "/exit")
INSPRING = "       "


def intro() -> str:
    commandos = "  ".join(f"/{c.naam}" for c in COMMANDOS)
    return (
        "Verkoopcoach in de terminal. Typ wat er met je klant gebeurt, "
        "of een nummer om een knop te kiezen.\n"
        f"Commando's: {commandos}  /quit (of Ctrl-D) om de chat te sluiten."
    )


def toon(berichten: list[CoachBericht], schrijf: Callable[[str], None]) -> list[Knop]:
    """Print the coach's messages; returns the buttons, numbered from 1 across messages."""
    knoppen: list[Knop] = []
    for bericht in berichten:
        if bericht.extra is not None and not bericht.tekst and not bericht.knoppen:
            continue  # data for a chart (Telegram); the text came in its own message
        # Stage directions (*...*) as _..._, the plain-text way to write italics.
        regels = terminal_tekst(bericht.tekst or texts.KNOPPEN_ZONDER_TEKST).split("\n")
        schrijf("coach> " + f"\n{INSPRING}".join(regels))
        for knop in bericht.knoppen:
            if knop.url:
                schrijf(f"  - {knop.titel}: {knop.url}")
            else:
                knoppen.append(knop)
                schrijf(f"  {len(knoppen)}. {knop.titel}")
    return knoppen


def _lees(prompt: str) -> str:
    regel = input(prompt)
    if not sys.stdin.isatty():
        print(regel)  # piped input: echo it, so the transcript reads like a conversation
    return regel


def bericht_voor_rasa(
    invoer: str, knoppen: list[Knop], schrijf: Callable[[str], None]
) -> Verzoek | None:
    """What a line of input sends to Rasa: a pressed button, a command or the text itself."""
    if invoer.isdigit() and knoppen:
        nummer = int(invoer)
        if 1 <= nummer <= len(knoppen):
            return Verzoek(knoppen[nummer - 1].payload, "knop")
        schrijf(f"coach> Kies een nummer van 1 tot {len(knoppen)}.")
        return None
    if payload := payload_voor(invoer):
        return Verzoek(payload, "commando")
    if commando_naam(invoer):
        schrijf(f"coach> {texts.ONBEKEND_COMMANDO}")
        return None
    if len(invoer) > MAX_TEKENS:
        schrijf(f"coach> {texts.TE_LANG}")
        return None
    return Verzoek(invoer, "tekst")


def chat(
    client: RasaClient,
    afzender: str = "terminal",
    lees: Callable[[str], str] = _lees,
    schrijf: Callable[[str], None] = print,
) -> int:
    schrijf(intro())
    knoppen: list[Knop] = []
    # One loop for the whole chat: the client's connection pool is bound to it.
    lus = asyncio.new_event_loop()
    try:
        while True:
            try:
                invoer = lees(PROMPT).strip()
            except (EOFError, KeyboardInterrupt):
                schrijf("")
                break
            if invoer.lower() in STOP:
                break
            verzoek = bericht_voor_rasa(invoer, knoppen, schrijf) if invoer else None
            if verzoek is None:
                continue
            try:
                berichten = lus.run_until_complete(
                    client.stuur(afzender, verzoek.bericht, verzoek.metadata())
                )
            except RasaFout:
                schrijf(f"coach> {texts.NIET_BEREIKBAAR}")
                continue
            knoppen = toon(berichten, schrijf) if berichten else []
            if not berichten:
                schrijf(f"coach> {texts.GEEN_ANTWOORD}")
    finally:
        lus.run_until_complete(client.aclose())
        lus.close()
    schrijf("Tot de volgende klant!")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chat met de verkoopcoach in de terminal.")
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://localhost:5005"))
    parser.add_argument("--afzender", default="terminal", help="gespreks-id in Rasa")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(token_nodig=False)
    except ConfigError as exc:
        print(f"Fout in de instellingen: {exc}", file=sys.stderr)
        return 2
    # The coach's own Dutch line says when Rasa is down; no log lines in between. Any that
    # do come (errors) go through the same filter as the bot's: no secret in them.
    setup_logging("ERROR", settings.geheimen())
    client = RasaClient(args.rasa_url, settings.rasa_token, settings.rasa_timeout)
    return chat(client, args.afzender)


if __name__ == "__main__":
    sys.exit(main())
