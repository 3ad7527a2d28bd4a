"""`python -m bench telegram` (make bench-telegram): message-to-reply latency through the
Telegram layer with real Rasa; the scenarios are in docs/bench-methode.md."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.measure import percentiel
from bench.report import tabel
from bench.targets import OPMAAK
from bot.rasa_client import RasaClient
from bot.terminal import bericht_voor_rasa
from stack import launcher
from tests.support.fake_telegram import Opstelling, draaiende_bot, instellingen

# What sellers type, across the phases (advice from the action server, plus menus).
BERICHTEN = [
    "er komt iemand binnen",
    "klant zoekt een laptop",
    "ze wil hem even uitproberen",
    "ze zegt dat de laptop te duur is",
    "online is hij goedkoper",
    "ik denk er nog even over na",
    "ze vraagt of ze kan pinnen",
    "ze heeft hem gekocht",
    "/tips",  # typed commands, as in the Telegram menu
    "/fase",
]


async def reeks(
    o: Opstelling, keer: int, chats: list[int], tekst: Callable[[], str]
) -> list[float]:
    """`keer` turns in which all `chats` send a message at once: seconds until each chat's first
    reply, every turn."""
    tijden = []
    for _ in range(keer):
        voor = {chat: len(o.telegram.berichten(chat)) for chat in chats}
        begin = time.monotonic()
        await o.in_wachtrij(*(o.updates.tekst(chat, tekst()) for chat in chats))
        for chat in chats:
            if not (nieuw := o.telegram.gelukt("sendMessage", chat)[voor[chat] :]):
                raise RuntimeError(f"chat {chat} kreeg geen antwoord")
            tijden.append(nieuw[0].tijd - begin)
    return tijden


async def meet(rasa_url: str, token: str, berichten: int, rondes: int) -> dict[str, list]:
    rasa = RasaClient(rasa_url, token, timeout=30)
    tekst, chats = itertools.cycle(BERICHTEN).__next__, list(range(100, 120))
    async with draaiende_bot(instellingen(rasa_url=rasa_url), rasa) as o:
        await reeks(o, len(BERICHTEN), [1], tekst)  # warm-up: the first predictions are slow
        # Baseline: the same messages straight to Rasa's REST channel, without the bot.
        direct = []
        for _ in range(berichten):
            begin = time.monotonic()
            # as the bot sends it: a command as its marked payload (BERICHTEN are all valid)
            verzoek = bericht_voor_rasa(tekst(), [], print)
            assert verzoek is not None
            await rasa.stuur("direct", verzoek.bericht, verzoek.metadata())
            direct.append(time.monotonic() - begin)
        resultaten = {
            "Rasa direct, zonder bot": direct,
            "1 verkoper": await reeks(o, berichten, [2], tekst),
            "20 tegelijk": await reeks(o, rondes, chats, tekst),
        }

    # The bot layer on its own: Rasa replaced by an instant answer of typical size.
    def direct_antwoord(request: httpx.Request) -> httpx.Response:
        knoppen = [{"title": f"Situatie {i}", "payload": f"/situatie_{i}"} for i in range(3)]
        return httpx.Response(200, json=[{"text": "💡 tip\n💬 zin\n🚫 niet", "buttons": knoppen}])

    nep = RasaClient(transport=httpx.MockTransport(direct_antwoord))
    async with draaiende_bot(instellingen(), nep) as o:
        await reeks(o, 1, [1], lambda: "warm")
        resultaten["bot-laag alleen (nep-Rasa), 1"] = await reeks(o, berichten, [2], lambda: "x")
        resultaten["bot-laag alleen (nep-Rasa), 20"] = await reeks(o, rondes, chats, lambda: "x")
    return resultaten


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench telegram")
    parser.add_argument("--berichten", type=int, default=40, help="berichten voor 1 verkoper")
    parser.add_argument("--rondes", type=int, default=10, help="rondes van 20 tegelijk")
    args = parser.parse_args(argv)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-telegram-") as tmp,
            launcher.losse_stack(Path(tmp)) as stack,
        ):
            meting = meet(stack.rasa_url, stack.auth_token, args.berichten, args.rondes)
            resultaten = asyncio.run(meting)
    except launcher.StackFout as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    ms = OPMAAK["ms"]
    rijen = [
        (naam, len(t), ms(statistics.median(t) * 1000), ms(percentiel(t, 95) * 1000))
        for naam, t in resultaten.items()
    ]
    print("\n".join(tabel(["scenario", "berichten", "mediaan", "p95"], rijen)))
    return 0
