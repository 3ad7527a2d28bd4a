"""Faults on either side of the bot, with a scripted Rasa: the seller never gets silence.

Rasa is replaced here (httpx MockTransport, a closed port, a server that never
answers) because these tests need Rasa to misbehave on cue. The same bot runs
against the real Rasa in test_telegram_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from bot import texts
from bot.keyboards import utf16_lengte
from bot.rasa_client import RasaClient
from stack.launcher import free_port
from tests.support.fake_telegram import TEST_TOKEN, Opstelling, draaiende_bot, instellingen, knoppen

pytestmark = pytest.mark.vijandig  # every test here is a fault or hostile input

CHAT = 4242


class NepRasa:
    """Rasa's REST channel on cue: records what it got, answers what `antwoord` says."""

    def __init__(self, antwoord: Callable[[str, str], Any] | None = None) -> None:
        self.ontvangen: list[tuple[str, str]] = []
        self.antwoord = antwoord or (lambda afzender, bericht: [{"text": f"echo: {bericht}"}])

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/status":  # the bot's health check at start-up
            return httpx.Response(200, json={"model_file": "nep.tar.gz"})
        body = json.loads(request.content)
        self.ontvangen.append((body["sender"], body["message"]))
        resultaat = self.antwoord(body["sender"], body["message"])
        if asyncio.iscoroutine(resultaat):
            resultaat = await resultaat
        if isinstance(resultaat, httpx.Response):
            return resultaat
        return httpx.Response(200, json=resultaat)

    def client(self, **opties: Any) -> RasaClient:
        return RasaClient(transport=httpx.MockTransport(self), **opties)


@pytest.fixture
def nep_rasa() -> NepRasa:
    return NepRasa()


@pytest.fixture
async def bot(nep_rasa: NepRasa) -> AsyncIterator[Opstelling]:
    async with draaiende_bot(instellingen(), nep_rasa.client()) as opstelling:
        yield opstelling


# --- Rasa down, slow, broken or silent -------------------------------------------------------


async def test_rasa_onbereikbaar_melding_binnen_seconden_en_een_logregel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=5)  # nobody listens there
    async with draaiende_bot(instellingen(), rasa) as o:
        caplog.set_level(logging.DEBUG, logger="bot")
        begin = time.monotonic()
        await o.verwerk(o.updates.tekst(CHAT, "klant vindt het te duur"))
        assert time.monotonic() - begin < 3
        await o.verwerk(o.updates.tekst(CHAT, "en nu?"))
        assert o.telegram.teksten(CHAT) == [texts.NIET_BEREIKBAAR] * 2
    waarschuwingen = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len([r for r in waarschuwingen if "Rasa niet bereikbaar" in r.getMessage()]) == 1
    assert not any(r.exc_info for r in caplog.records)  # no stack-trace flood


async def test_rasa_te_traag(caplog: pytest.LogCaptureFixture) -> None:
    verbindingen: list[asyncio.StreamWriter] = []

    async def zwijg(_: asyncio.StreamReader, schrijver: asyncio.StreamWriter) -> None:
        verbindingen.append(schrijver)  # accept, read nothing, answer nothing

    server = await asyncio.start_server(zwijg, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        rasa = RasaClient(f"http://127.0.0.1:{port}", timeout=1.0)
        async with draaiende_bot(instellingen(), rasa) as o:
            begin = time.monotonic()
            await o.verwerk(o.updates.tekst(CHAT, "klant twijfelt"))
            assert 0.9 < time.monotonic() - begin < 4
            assert o.telegram.teksten(CHAT) == [texts.NIET_BEREIKBAAR]
    finally:
        for schrijver in verbindingen:
            schrijver.close()
        server.close()
        await server.wait_closed()
    assert "ReadTimeout" in caplog.text


@pytest.mark.parametrize(
    "antwoord",
    [
        httpx.Response(500, text="Internal Server Error"),
        httpx.Response(401, json={"message": "User is not authenticated."}),
        httpx.Response(200, text="<html>geen json</html>"),
        httpx.Response(200, json={"geen": "lijst"}),
    ],
    ids=["500", "401", "geen-json", "geen-lijst"],
)
async def test_rasa_fout_geeft_melding(antwoord: httpx.Response) -> None:
    rasa = NepRasa(lambda *_: antwoord)
    async with draaiende_bot(instellingen(), rasa.client()) as o:
        await o.verwerk(o.updates.tekst(CHAT, "hallo"))
        assert o.telegram.teksten(CHAT) == [texts.NIET_BEREIKBAAR]


async def test_rasa_zonder_berichten_geeft_terugvaltekst() -> None:
    rasa = NepRasa(lambda *_: [])
    async with draaiende_bot(instellingen(), rasa.client()) as o:
        await o.verwerk(o.updates.tekst(CHAT, "hallo"))
        assert o.telegram.teksten(CHAT) == [texts.GEEN_ANTWOORD]


async def test_rasa_herstel_wordt_gelogd(caplog: pytest.LogCaptureFixture) -> None:
    storing = {"aan": True}

    def antwoord(_: str, bericht: str) -> Any:
        if storing["aan"]:
            return httpx.Response(503)
        return [{"text": f"echo: {bericht}"}]

    rasa = NepRasa(antwoord)
    async with draaiende_bot(instellingen(), rasa.client()) as o:
        caplog.set_level(logging.INFO, logger="bot")
        await o.verwerk(o.updates.tekst(CHAT, "een"))
        storing["aan"] = False
        await o.verwerk(o.updates.tekst(CHAT, "twee"))
        assert o.telegram.teksten(CHAT) == [texts.NIET_BEREIKBAAR, "echo: twee"]
    assert "weer bereikbaar" in caplog.text


# --- Telegram misbehaving ------------------------------------------------------------------


async def test_retry_after_wordt_gerespecteerd(bot: Opstelling) -> None:
    bot.telegram.storing("sendMessage", "retry_after")
    begin = time.monotonic()
    await bot.verwerk(bot.updates.tekst(CHAT, "hallo"))
    assert time.monotonic() - begin >= bot.telegram.retry_after
    pogingen = [a for a in bot.telegram.aanroepen if a.methode == "sendMessage"]
    assert [a.fout for a in pogingen] == ["retry_after", None]
    assert bot.telegram.teksten(CHAT) == ["echo: hallo"]


@pytest.mark.parametrize("soort", ["timeout", "netwerk"])
async def test_timeout_en_netwerkfout_opnieuw_met_backoff(bot: Opstelling, soort: str) -> None:
    bot.telegram.storing("sendMessage", soort, aantal=2)
    await bot.verwerk(bot.updates.tekst(CHAT, "hallo"))
    pogingen = [a for a in bot.telegram.aanroepen if a.methode == "sendMessage"]
    assert [a.fout for a in pogingen] == [soort, soort, None]
    # Backoff: the pause doubles (0.05 s, then 0.1 s in tests).
    assert pogingen[2].tijd - pogingen[1].tijd > pogingen[1].tijd - pogingen[0].tijd
    assert bot.telegram.teksten(CHAT) == ["echo: hallo"]


async def test_knop_overleeft_storingen(bot: Opstelling, nep_rasa: NepRasa) -> None:
    nep_rasa.antwoord = lambda *_: [{"text": "Kies", "buttons": [{"title": "A", "payload": "/a"}]}]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    bot.telegram.storing("answerCallbackQuery", "timeout")
    bot.telegram.storing("editMessageReplyMarkup", "netwerk")
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/a"))
    assert len(bot.telegram.gelukt("answerCallbackQuery")) == 1
    assert len(bot.telegram.gelukt("editMessageReplyMarkup")) == 1
    assert nep_rasa.ontvangen[-1] == (str(CHAT), "/a")


async def test_verlopen_callback_query_kost_het_antwoord_niet(
    bot: Opstelling, nep_rasa: NepRasa
) -> None:
    # After a restart the bot may handle presses Telegram no longer accepts an answer for.
    nep_rasa.antwoord = lambda *_: [{"text": "Kies", "buttons": [{"title": "A", "payload": "/a"}]}]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    bot.telegram.storing("answerCallbackQuery", "te_oud")
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/a"))
    assert nep_rasa.ontvangen[-1] == (str(CHAT), "/a")
    assert len(bot.telegram.berichten(CHAT)) == 2


async def test_blijvende_telegramfout_een_logregel_en_bot_draait_door(
    bot: Opstelling, caplog: pytest.LogCaptureFixture
) -> None:
    bot.telegram.storing("sendMessage", "netwerk", aantal=6)  # more than the retries
    await bot.verwerk(bot.updates.tekst(CHAT, "een"))
    assert bot.telegram.teksten(CHAT) == []
    assert len([r for r in caplog.records if "Telegram-fout" in r.getMessage()]) == 1
    await bot.verwerk(bot.updates.tekst(CHAT, "twee"))
    assert bot.telegram.teksten(CHAT) == ["echo: twee"]


# --- buttons and long texts ---------------------------------------------------------------


async def test_callback_data_blijft_binnen_64_bytes(bot: Opstelling, nep_rasa: NepRasa) -> None:
    lang = '/fase_menu{"gekozen_fase":"voorbereiding","toelichting":"' + "één " * 30 + '"}'
    payloads = ['/fase_menu{"gekozen_fase":"voorbereiding"}', lang, "gewoon tekst"]
    nep_rasa.antwoord = lambda *_: [
        {
            "text": "Kies",
            "buttons": [{"title": f"K{i}", "payload": p} for i, p in enumerate(payloads)],
        }
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    knop_data = [data for _, data in knoppen(bericht)]
    assert all(1 <= len(d.encode()) <= 64 for d in knop_data)
    assert knop_data[0] == payloads[0]  # short payloads travel as they are

    nep_rasa.antwoord = lambda _, bericht: [{"text": f"ok {bericht}"}]
    await bot.verwerk(bot.updates.knop(CHAT, bericht, knop_data[1]))
    assert nep_rasa.ontvangen[-1] == (str(CHAT), lang)
    assert bot.telegram.gelukt("editMessageReplyMarkup")[-1].params["reply_markup"] == {
        "inline_keyboard": [[{"text": "✅ K1", "callback_data": "x:gekozen"}]]
    }


async def test_dubbele_tik_en_verlopen_knop(bot: Opstelling, nep_rasa: NepRasa) -> None:
    nep_rasa.antwoord = lambda *_: [{"text": "Kies", "buttons": [{"title": "A", "payload": "/a"}]}]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    voor = len(nep_rasa.ontvangen)
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/a"))
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/a"))  # the same button, tapped again
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "x:gekozen"))
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "k:onbekend"))
    assert len(nep_rasa.ontvangen) == voor + 1
    antwoorden = [a.params.get("text") for a in bot.telegram.gelukt("answerCallbackQuery")]
    assert antwoorden == [None, texts.AL_GEKOZEN, texts.AL_GEKOZEN, texts.AL_GEKOZEN]


async def test_lange_antwoorden_worden_gesplitst(bot: Opstelling, nep_rasa: NepRasa) -> None:
    tekst = "\n".join(f"{i:03d} " + "tip voor de verkoper " * 8 for i in range(50))
    assert utf16_lengte(tekst) > 2 * 4096
    nep_rasa.antwoord = lambda *_: [
        {"text": tekst, "buttons": [{"title": "Verder", "payload": "/verder"}]}
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "veel"))
    berichten = bot.telegram.berichten(CHAT)
    assert len(berichten) == 3
    assert all(utf16_lengte(b["text"]) <= 4096 for b in berichten)
    assert "\n".join(b["text"] for b in berichten) == tekst  # split at line breaks only
    assert [bool(knoppen(b)) for b in berichten] == [False, False, True]


# --- concurrency -------------------------------------------------------------------------------


async def test_trage_verkoper_houdt_anderen_niet_op(bot: Opstelling, nep_rasa: NepRasa) -> None:
    async def antwoord(afzender: str, bericht: str) -> Any:
        if afzender == "1":
            await asyncio.sleep(2)
        return [{"text": f"{afzender}: {bericht}"}]

    nep_rasa.antwoord = antwoord
    begin = time.monotonic()
    for update in (bot.updates.tekst(1, "traag"), bot.updates.tekst(2, "snel")):
        await bot.app.update_queue.put(update)
    await bot.telegram.wacht_op_berichten(2, 1, timeout=5)
    assert time.monotonic() - begin < 1.5
    assert bot.telegram.teksten(1) == []  # still waiting for its slow Rasa answer
    await bot.app.update_queue.join()
    assert bot.telegram.teksten(1) == ["1: traag"]


async def test_zelfde_verkoper_op_volgorde_ook_als_rasa_wisselend_traag_is(
    bot: Opstelling, nep_rasa: NepRasa
) -> None:
    async def antwoord(afzender: str, bericht: str) -> Any:
        await asyncio.sleep(0.2 if bericht == "0" else 0.0)  # the first is the slowest
        return [{"text": bericht}]

    nep_rasa.antwoord = antwoord
    await bot.in_wachtrij(*(bot.updates.tekst(CHAT, str(i)) for i in range(5)))
    assert bot.telegram.teksten(CHAT) == ["0", "1", "2", "3", "4"]


# --- webhook mode ------------------------------------------------------------------------------


async def test_webhook_met_en_zonder_geheim(nep_rasa: NepRasa) -> None:
    port = free_port()
    settings = instellingen(
        webhook_url="https://coach.example.org/telegram-hook",
        webhook_secret="juist-geheim",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    async with draaiende_bot(settings, nep_rasa.client(), updater=True) as o:
        await o.app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
        )
        try:
            gezet = o.telegram.gelukt("setWebhook")[-1].params
            assert gezet["url"] == settings.webhook_url
            assert gezet["secret_token"] == "juist-geheim"

            url = f"http://127.0.0.1:{port}/telegram-hook"
            update = o.updates.tekst(CHAT, "via webhook").to_dict()
            async with httpx.AsyncClient() as http:
                zonder = await http.post(url, json=update)
                fout = await http.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "fout"}
                )
                goed = await http.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "juist-geheim"}
                )
            assert (zonder.status_code, fout.status_code, goed.status_code) == (403, 403, 200)
            await o.telegram.wacht_op_berichten(CHAT, 1, timeout=5)
            await asyncio.sleep(0.2)  # a wrongly accepted update would have arrived by now
            assert o.telegram.teksten(CHAT) == ["echo: via webhook"]
            assert nep_rasa.ontvangen == [(str(CHAT), "via webhook")]
        finally:
            await o.app.updater.stop()


def test_token_niet_in_webhook_pad() -> None:
    # The token is not needed in the URL: the secret header authenticates Telegram.
    settings = instellingen(webhook_url="https://coach.example.org/hook")
    assert TEST_TOKEN not in settings.webhook_path
