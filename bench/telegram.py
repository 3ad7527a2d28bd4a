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
from collections.abc import Iterator
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


async def reeks(o: Opstelling, keer: int, chats: list[int], teksten: Iterator[str]) -> list[float]:
    """Seconds to each chat's first reply, over `keer` turns in which all `chats` send at once."""
    tijden = []
    for _ in range(keer):
        voor = {chat: len(o.telegram.berichten(chat)) for chat in chats}
        begin = time.monotonic()
        await o.in_wachtrij(*(o.updates.tekst(chat, next(teksten)) for chat in chats))
        for chat in chats:
            if not (nieuw := o.telegram.gelukt("sendMessage", chat)[voor[chat] :]):
                raise RuntimeError(f"chat {chat} kreeg geen antwoord")
            tijden.append(nieuw[0].tijd - begin)
    return tijden


async def meet(stack: launcher.Stack, berichten: int, rondes: int) -> dict[str, list[float]]:
    """Scenario -> seconds to the first reply of each message (the table's rows)."""
    rasa = RasaClient(stack.rasa_url, stack.auth_token, timeout=30)
    teksten, chats = itertools.cycle(BERICHTEN), list(range(100, 120))
    async with draaiende_bot(instellingen(rasa_url=stack.rasa_url), rasa) as o:
        await reeks(o, len(BERICHTEN), [1], teksten)  # warm-up: the first predictions are slow
        # Baseline: the bot's requests (a command as its payload) straight to Rasa's REST channel.
        direct = []
        for _ in range(berichten):
            begin = time.monotonic()
            verzoek = bericht_voor_rasa(next(teksten), [], print)
            assert verzoek is not None  # BERICHTEN are all valid
            await rasa.stuur("direct", verzoek.bericht, verzoek.metadata())
            direct.append(time.monotonic() - begin)
        resultaten = {
            "Rasa direct, zonder bot": direct,
            "1 verkoper": await reeks(o, berichten, [2], teksten),
            "20 tegelijk": await reeks(o, rondes, chats, teksten),
        }
    # The bot layer on its own: Rasa replaced by an instant answer of typical size.
    knoppen = [{"title": f"Situatie {i}", "payload": f"/situatie_{i}"} for i in range(3)]
    antwoord = [{"text": "💡 tip\n💬 zin\n🚫 niet", "buttons": knoppen}]
    nep = RasaClient(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=antwoord)))
    async with draaiende_bot(instellingen(), nep) as o:
        await reeks(o, 1, [1], iter(["warm"]))
        steeds_x = itertools.repeat("x")
        resultaten["bot-laag alleen (nep-Rasa), 1"] = await reeks(o, berichten, [2], steeds_x)
        resultaten["bot-laag alleen (nep-Rasa), 20"] = await reeks(o, rondes, chats, steeds_x)
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
            resultaten = asyncio.run(meet(stack, args.berichten, args.rondes))
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
