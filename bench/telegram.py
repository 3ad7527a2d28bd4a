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
from pathlib import Path

import httpx

from bench.measure import percentiel
from bot.rasa_client import RasaClient
from stack import launcher as stackmodule
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
    "/fase_menu",
    "/fase_overzicht",
]


async def beurt(o: Opstelling, chats: list[int], teksten: list[str]) -> list[float]:
    """All chats send one message at once; seconds until each chat's first reply."""
    voor = {chat: len(o.telegram.berichten(chat)) for chat in chats}
    begin = time.monotonic()
    for chat, tekst in zip(chats, teksten, strict=True):
        await o.app.update_queue.put(o.updates.tekst(chat, tekst))
    await o.app.update_queue.join()
    tijden = []
    for chat in chats:
        nieuw = o.telegram.gelukt("sendMessage", chat)[voor[chat] :]
        if not nieuw:
            raise RuntimeError(f"chat {chat} kreeg geen antwoord")
        tijden.append(nieuw[0].tijd - begin)
    return tijden


async def meet(rasa_url: str, token: str | None, berichten: int, rondes: int) -> dict[str, list]:
    rasa = RasaClient(rasa_url, token, timeout=30)
    tekst = itertools.cycle(BERICHTEN)
    async with draaiende_bot(instellingen(rasa_url=rasa_url), rasa) as o:
        for _ in range(len(BERICHTEN)):  # warm-up: the first predictions are slow
            await beurt(o, [1], [next(tekst)])
        # Baseline: the same messages straight to Rasa's REST channel, without the bot.
        direct = []
        for _ in range(berichten):
            begin = time.monotonic()
            await rasa.stuur("direct", next(tekst))
            direct.append(time.monotonic() - begin)
        een = [t for _ in range(berichten) for t in await beurt(o, [2], [next(tekst)])]
        chats = list(range(100, 120))
        twintig = [
            t for _ in range(rondes) for t in await beurt(o, chats, [next(tekst) for _ in chats])
        ]
    resultaten = {"Rasa direct, zonder bot": direct, "1 verkoper": een, "20 tegelijk": twintig}

    # The bot layer on its own: Rasa replaced by an instant answer of typical size.
    def direct_antwoord(request: httpx.Request) -> httpx.Response:
        knoppen = [{"title": f"Situatie {i}", "payload": f"/situatie_{i}"} for i in range(3)]
        return httpx.Response(200, json=[{"text": "💡 tip\n💬 zin\n🚫 niet", "buttons": knoppen}])

    nep = RasaClient(transport=httpx.MockTransport(direct_antwoord))
    async with draaiende_bot(instellingen(), nep) as o:
        await beurt(o, [1], ["warm"])
        resultaten["bot-laag alleen (nep-Rasa), 1"] = [
            t for _ in range(berichten) for t in await beurt(o, [2], ["x"])
        ]
        resultaten["bot-laag alleen (nep-Rasa), 20"] = [
            t for _ in range(rondes) for t in await beurt(o, chats, ["x"] * len(chats))
        ]
    return resultaten


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench telegram")
    parser.add_argument("--berichten", type=int, default=40, help="berichten voor 1 verkoper")
    parser.add_argument("--rondes", type=int, default=10, help="rondes van 20 tegelijk")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-telegram-") as tmp:
        map_ = Path(tmp)
        actie, rasa = stackmodule.free_port(), stackmodule.free_port()
        endpoints = stackmodule.schrijf_endpoints(map_ / "endpoints.yml", actie, map_ / "t.db")
        try:
            with stackmodule.coach_stack(
                rasa_port=rasa, actie_port=actie, endpoints=endpoints, logmap=map_
            ) as stack:
                meting = meet(stack.rasa_url, stack.auth_token, args.berichten, args.rondes)
                resultaten = asyncio.run(meting)
        except stackmodule.StackFout as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            return 1

    print("| scenario | berichten | mediaan | p95 |")
    print("|---|---:|---:|---:|")
    for naam, tijden in resultaten.items():
        mediaan, p95 = statistics.median(tijden) * 1000, percentiel(tijden, 95) * 1000
        print(f"| {naam} | {len(tijden)} | {mediaan:.0f} ms | {p95:.0f} ms |")
    return 0
