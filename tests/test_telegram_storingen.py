"""Faults on either side of the bot, with a scripted Rasa: the seller never gets silence.

Rasa is replaced here (httpx MockTransport, a closed port, a server that never
answers) because these tests need Rasa to misbehave on cue. The same bot runs
against the real Rasa in test_telegram_e2e.py.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from bot import texts
from bot.app import port_fout, run_telegram
from bot.keyboards import utf16_lengte
from bot.ordering import PerChatUpdateProcessor
from bot.rasa_client import RasaClient
from stack.launcher import free_port
from tests.support.fake_telegram import (
    TEST_TOKEN,
    FakeTelegram,
    Opstelling,
    draaiende_bot,
    instellingen,
    knoppen,
)

pytestmark = pytest.mark.vijandig  # every test here is a fault or hostile input

CHAT = 4242


class NepRasa:
    """Rasa's REST channel on cue: records what it got, answers what `antwoord` says."""

    def __init__(self, antwoord: Callable[[str, str], Any] | None = None) -> None:
        self.ontvangen: list[tuple[str, str]] = []
        self.metadata: list[dict[str, Any]] = []
        self.antwoord = antwoord or (lambda afzender, bericht: [{"text": f"echo: {bericht}"}])

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/status":  # the bot's health check at start-up
            return httpx.Response(200, json={"model_file": "nep.tar.gz"})
        body = json.loads(request.content)
        self.ontvangen.append((body["sender"], body["message"]))
        self.metadata.append(body.get("metadata") or {})
        resultaat = self.antwoord(body["sender"], body["message"])
        if asyncio.iscoroutine(resultaat):
            resultaat = await resultaat
        if isinstance(resultaat, httpx.Response):
            return resultaat
        return httpx.Response(200, json=resultaat)

    def client(self, **opties: Any) -> RasaClient:
        return RasaClient(transport=MetTijdslimiet(self), **opties)


class MetTijdslimiet(httpx.MockTransport):
    """A MockTransport that keeps the client's read timeout, as a real connection does."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limiet = request.extensions.get("timeout", {}).get("read")
        try:
            return await asyncio.wait_for(super().handle_async_request(request), limiet)
        except TimeoutError:
            raise httpx.ReadTimeout("nep-timeout", request=request) from None


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
            # After one timeout the seller hears the answer is coming (Rasa may have the
            # turn), never that it failed; the bot asks once more, then later.
            melding = o.telegram.gelukt("sendMessage", CHAT)[0]
            assert 0.9 < melding.tijd - begin < 2
            assert 1.9 < time.monotonic() - begin < 5
            assert o.telegram.teksten(CHAT) == [texts.TRAAG]
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
    nep_rasa.antwoord = lambda *_: [
        {"text": "Kies", "buttons": [{"title": "A", "payload": "/greet"}]}
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    bot.telegram.storing("answerCallbackQuery", "timeout")
    bot.telegram.storing("editMessageReplyMarkup", "netwerk")
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/greet"))
    assert len(bot.telegram.gelukt("answerCallbackQuery")) == 1
    assert len(bot.telegram.gelukt("editMessageReplyMarkup")) == 1
    assert nep_rasa.ontvangen[-1] == (str(CHAT), "/greet")


async def test_verlopen_callback_query_kost_het_antwoord_niet(
    bot: Opstelling, nep_rasa: NepRasa
) -> None:
    # After a restart the bot may handle presses Telegram no longer accepts an answer for.
    nep_rasa.antwoord = lambda *_: [
        {"text": "Kies", "buttons": [{"title": "A", "payload": "/greet"}]}
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    bot.telegram.storing("answerCallbackQuery", "te_oud")
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/greet"))
    assert nep_rasa.ontvangen[-1] == (str(CHAT), "/greet")
    assert len(bot.telegram.berichten(CHAT)) == 2


async def test_blijvende_telegramfout_een_logregel_en_bot_draait_door(
    bot: Opstelling, caplog: pytest.LogCaptureFixture
) -> None:
    bot.telegram.storing("sendMessage", "netwerk", aantal=6)  # more than the retries
    await bot.verwerk(bot.updates.tekst(CHAT, "een"))
    assert bot.telegram.teksten(CHAT) == []
    assert len([r for r in caplog.records if "Telegram-fout" in r.getMessage()]) == 1
    await bot.verwerk(bot.updates.tekst(CHAT, "twee"))
    # Rasa stored "een": its lost answer comes first, announced, then the new one.
    assert bot.telegram.teksten(CHAT) == [texts.EERDER_ANTWOORD, "echo: een", "echo: twee"]


# --- buttons and long texts ---------------------------------------------------------------


async def test_callback_data_blijft_binnen_64_bytes(bot: Opstelling, nep_rasa: NepRasa) -> None:
    lang = '/oefenen_start{"oefen_scenario":"' + "één " * 15 + '"}'
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
    nep_rasa.antwoord = lambda *_: [
        {"text": "Kies", "buttons": [{"title": "A", "payload": "/greet"}]}
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    bericht = bot.telegram.berichten(CHAT)[-1]
    voor = len(nep_rasa.ontvangen)
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/greet"))
    await bot.verwerk(bot.updates.knop(CHAT, bericht, "/greet"))  # the same button, tapped again
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


# --- issue 11: only the coach's own buttons, fairness, nothing used up or lost -------------

MENU = [{"text": "Kies", "buttons": [{"title": "Hallo", "payload": "/greet"}]}]


async def test_vijandig_vervalste_callback_data(bot: Opstelling, nep_rasa: NepRasa) -> None:
    nep_rasa.antwoord = lambda *_: MENU
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    await bot.verwerk(bot.updates.tekst(CHAT + 1, "menu"))
    menu, ander_menu = bot.telegram.berichten(CHAT)[-1], bot.telegram.berichten(CHAT + 1)[-1]
    voor = len(nep_rasa.ontvangen)
    vervalst = [
        "/nieuwe_klant",  # an intent of the domain, but not a button of this message
        "/restart",
        "/session_start",
        "/greet@0.99",
        '/oefenen_start{"oefen_scenario":"bestaatniet"}',
        "k:" + "0" * 24,
        "gewoon tekst",
    ]
    for data in vervalst:
        await bot.verwerk(bot.updates.knop(CHAT, menu, data))
    # A real button, but of another chat's keyboard.
    andere = {**ander_menu, "chat": {"id": CHAT, "type": "private"}}
    await bot.verwerk(bot.updates.knop(CHAT, andere, "/greet"))
    assert len(nep_rasa.ontvangen) == voor, "vervalste knoppen gaan nooit naar Rasa"
    antwoorden = bot.telegram.gelukt("answerCallbackQuery")
    assert [(a.params.get("text"), a.params.get("show_alert")) for a in antwoorden] == [
        (texts.KNOP_VERLOPEN, True)
    ] * (len(vervalst) + 1)
    assert not bot.telegram.gelukt("editMessageReplyMarkup")

    # The real button still works.
    await bot.verwerk(bot.updates.knop(CHAT, menu, "/greet"))
    assert nep_rasa.ontvangen[-1] == (str(CHAT), "/greet")
    assert nep_rasa.metadata[-1]["bron"] == "knop"


async def test_vijandig_coach_knop_buiten_de_allowlist(bot: Opstelling, nep_rasa: NepRasa) -> None:
    """Even a button the coach sent is refused when its payload is not on the domain allowlist."""
    slecht = ["/restart", '/fase_menu{"fase":"bezwaar"}', '/greet{"gelabeld":"x"}']
    nep_rasa.antwoord = lambda *_: [
        {"text": "Kies", "buttons": [{"title": p, "payload": p} for p in slecht]}
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    menu = bot.telegram.berichten(CHAT)[-1]
    for _, data in knoppen(menu):
        await bot.verwerk(bot.updates.knop(CHAT, menu, data))
    assert nep_rasa.ontvangen == [(str(CHAT), "menu")]


async def test_vijandig_getypt_restart_en_intent(bot: Opstelling, nep_rasa: NepRasa) -> None:
    for tekst in ["/restart", '/oefenen_start{"x":1}', "/greet@0.99", "/session_start"]:
        await bot.verwerk(bot.updates.tekst(CHAT, tekst))
    assert bot.telegram.teksten(CHAT) == [texts.ONBEKEND_COMMANDO] * 4
    assert nep_rasa.ontvangen == []
    # The command table still works, typed or pasted, and is marked as a command.
    await bot.verwerk(bot.updates.tekst(CHAT, "/help"))
    await bot.verwerk(bot.updates.zonder_entiteiten(CHAT, "/nieuw"))
    await bot.verwerk(bot.updates.tekst(CHAT, "klant wil /restart"))
    assert nep_rasa.ontvangen == [
        (str(CHAT), "/help"),
        (str(CHAT), "/nieuwe_klant"),
        (str(CHAT), "klant wil /restart"),
    ]
    assert [m["bron"] for m in nep_rasa.metadata] == ["commando", "commando", "tekst"]


async def test_vijandig_knop_tijdens_storing_en_na_herstel(
    bot: Opstelling, nep_rasa: NepRasa
) -> None:
    nep_rasa.antwoord = lambda *_: MENU
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    menu = bot.telegram.berichten(CHAT)[-1]
    nep_rasa.antwoord = lambda *_: httpx.Response(503)  # Rasa down
    await bot.verwerk(bot.updates.knop(CHAT, menu, "/greet"))
    assert bot.telegram.teksten(CHAT)[-1] == texts.NIET_BEREIKBAAR
    assert not bot.telegram.gelukt("editMessageReplyMarkup"), "niet opgebruikt"

    nep_rasa.antwoord = lambda _, bericht: [{"text": f"echt antwoord op {bericht}"}]
    await bot.verwerk(bot.updates.knop(CHAT, menu, "/greet"))
    assert bot.telegram.teksten(CHAT)[-1] == "echt antwoord op /greet"
    gemarkeerd = bot.telegram.gelukt("editMessageReplyMarkup")
    assert len(gemarkeerd) == 1 and gemarkeerd[0].params["message_id"] == menu["message_id"]
    await bot.verwerk(bot.updates.knop(CHAT, menu, "/greet"))  # now it is used
    assert bot.telegram.gelukt("answerCallbackQuery")[-1].params["text"] == texts.AL_GEKOZEN


async def test_vijandig_een_chat_overspoelt_terwijl_rasa_traag_is(nep_rasa: NepRasa) -> None:
    """Four slots in all (as in the review); one chat floods; another is answered within 1 s."""

    async def antwoord(afzender: str, bericht: str) -> Any:
        if afzender == "1":
            await asyncio.sleep(0.5)
        return [{"text": f"{afzender}: {bericht}"}]

    nep_rasa.antwoord = antwoord
    verwerker = PerChatUpdateProcessor(max_tegelijk=4, max_wachtend=5)
    async with draaiende_bot(instellingen(), nep_rasa.client(), verwerker=verwerker) as o:
        for i in range(12):
            await o.app.update_queue.put(o.updates.tekst(1, f"vloed {i}"))
        await asyncio.sleep(0.05)
        begin = time.monotonic()
        await o.app.update_queue.put(o.updates.tekst(2, "ik ook"))
        await o.telegram.wacht_op_berichten(2, 1, timeout=5)
        assert time.monotonic() - begin < 1.0
        await asyncio.wait_for(o.app.update_queue.join(), timeout=20)
        teksten = o.telegram.teksten(1)
    # One handled, five waiting; the other six get one "rustig aan" between them.
    assert teksten.count(texts.RUSTIG_AAN) == 1
    assert [t for t in teksten if t != texts.RUSTIG_AAN] == [f"1: vloed {i}" for i in range(6)]
    assert o.telegram.teksten(2) == ["2: ik ook"]


async def test_vijandig_dubbel_afgeleverde_update_een_keer(
    bot: Opstelling, nep_rasa: NepRasa
) -> None:
    update = bot.updates.tekst(CHAT, "klant vindt het te duur")
    await bot.verwerk(update)
    await bot.verwerk(update)  # Telegram delivers it again (a lost acknowledgement)
    assert nep_rasa.ontvangen == [(str(CHAT), "klant vindt het te duur")]
    assert nep_rasa.metadata[0] == {
        "bron": "tekst",
        "bericht_id": f"m:{update.message.message_id}",
        "telegram": {"message_id": update.message.message_id},
    }
    assert bot.telegram.teksten(CHAT) == ["echo: klant vindt het te duur"]

    nep_rasa.antwoord = lambda *_: MENU
    await bot.verwerk(bot.updates.tekst(CHAT, "menu"))
    druk = bot.updates.knop(CHAT, bot.telegram.berichten(CHAT)[-1], "/greet")
    await bot.verwerk(druk)
    await bot.verwerk(druk)
    assert [b for _, b in nep_rasa.ontvangen].count("/greet") == 1
    assert nep_rasa.metadata[-1]["telegram"] == {"callback_id": druk.callback_query.id}


def eenmalige_rasa(eerste_pauze: float) -> NepRasa:
    """Like the REST channel: a repeated bericht_id gets the stored answer, never a new turn."""
    beurten: dict[str, list[dict[str, str]]] = {}

    async def antwoord(afzender: str, bericht: str) -> Any:
        sleutel = rasa.metadata[-1].get("bericht_id", "")
        if sleutel in beurten:
            return beurten[sleutel]
        beurten[sleutel] = [{"text": f"beurt {len(beurten) + 1}: {bericht}"}]  # stored at once
        await asyncio.sleep(eerste_pauze)  # ... but answered too late
        return beurten[sleutel]

    rasa = NepRasa(antwoord)
    return rasa


async def test_vijandig_timeout_na_opslaan_meldt_geen_fout() -> None:
    rasa = eenmalige_rasa(eerste_pauze=3)
    async with draaiende_bot(instellingen(), rasa.client(timeout=1)) as o:
        await o.verwerk(o.updates.tekst(CHAT, "klant twijfelt"))
    assert o.telegram.teksten(CHAT) == [texts.TRAAG, "beurt 1: klant twijfelt"]
    assert texts.NIET_BEREIKBAAR not in o.telegram.teksten(CHAT)
    assert len({m["bericht_id"] for m in rasa.metadata}) == 1  # the retry had the same id


async def test_vijandig_antwoord_dat_te_laat_komt_volgt_bij_het_volgende_bericht() -> None:
    traag = {"aan": True}

    async def antwoord(_: str, bericht: str) -> Any:
        if traag["aan"]:
            await asyncio.sleep(3)
        return [{"text": f"echo: {bericht}"}]

    rasa = NepRasa(antwoord)
    async with draaiende_bot(instellingen(), rasa.client(timeout=0.5)) as o:
        await o.verwerk(o.updates.tekst(CHAT, "een"))
        assert o.telegram.teksten(CHAT) == [texts.TRAAG]
        traag["aan"] = False
        await o.verwerk(o.updates.tekst(CHAT, "twee"))
    assert o.telegram.teksten(CHAT) == [
        texts.TRAAG,
        texts.EERDER_ANTWOORD,
        "echo: een",
        "echo: twee",
    ]
    ids = [m["bericht_id"] for m in rasa.metadata]
    assert ids[0] == ids[1] == ids[2] != ids[3]  # "een" was always asked with its own id


# --- formatting -------------------------------------------------------------------------------


async def test_regieaanwijzing_cursief_en_verkopertekst_ontsnapt(
    bot: Opstelling, nep_rasa: NepRasa
) -> None:
    nep_rasa.antwoord = lambda _, bericht: [
        {"text": f"*kijkt op van een laptop en zucht* Goedemiddag.\nJij zei: {bericht}"}
    ]
    await bot.verwerk(bot.updates.tekst(CHAT, "<script>alert('x')</script> & <b>vet</b>"))
    verstuurd = bot.telegram.gelukt("sendMessage", CHAT)[-1]
    assert verstuurd.params["parse_mode"] == "HTML"
    assert verstuurd.params["text"] == (
        "<i>kijkt op van een laptop en zucht</i> Goedemiddag.\n"
        "Jij zei: &lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;"
    )
    # What the seller sees: italics, no asterisks, and the seller's text as typed.
    gezien = bot.telegram.berichten(CHAT)[-1]
    assert gezien["text"] == (
        "kijkt op van een laptop en zucht Goedemiddag.\n"
        "Jij zei: <script>alert('x')</script> & <b>vet</b>"
    )
    assert gezien["entities"] == [{"type": "italic", "offset": 0, "length": 32}]


async def test_eigen_teksten_ook_als_html(bot: Opstelling) -> None:
    await bot.verwerk(bot.updates.soort(CHAT, "location", {"latitude": 52.0, "longitude": 5.1}))
    verstuurd = bot.telegram.gelukt("sendMessage", CHAT)[-1]
    assert verstuurd.params["parse_mode"] == "HTML"
    assert bot.telegram.teksten(CHAT) == [texts.ALLEEN_TEKST]


# --- webhook and Bot API server ----------------------------------------------------------------


@pytest.fixture
def eigen_lus() -> Iterator[None]:
    """run_telegram runs and closes an event loop of its own, as in production."""
    try:
        oud: asyncio.AbstractEventLoop | None = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # an earlier asyncio.run() left the main thread without a loop
        oud = None
    asyncio.set_event_loop(asyncio.new_event_loop())
    yield
    asyncio.set_event_loop(oud)


@pytest.mark.usefixtures("eigen_lus")
def test_vijandig_webhookpoort_bezet_een_nederlandse_regel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bezet = socket.socket()
    bezet.bind(("127.0.0.1", 0))
    bezet.listen()
    port = bezet.getsockname()[1]
    settings = instellingen(
        webhook_url="https://coach.example.org/hook",
        webhook_secret="g" * 32,
        webhook_port=port,
    )
    try:
        with caplog.at_level(logging.ERROR):
            assert run_telegram(settings, request=FakeTelegram()) == 1
    finally:
        bezet.close()
    fouten = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in fouten if r.name == "bot.app"] == [
        f"Poort 127.0.0.1:{port} is al in gebruik: kies een andere WEBHOOK_PORT of stop het "
        "andere proces"
    ]
    assert not any(r.exc_info for r in caplog.records if r.name.startswith("bot"))


def test_port_fout_zonder_toestemming() -> None:
    fout = OSError(errno.EACCES, "Permission denied")
    regel = port_fout(instellingen(webhook_port=443), fout)
    assert "Geen toestemming" in regel and "127.0.0.1:443" in regel


def test_vijandig_telegram_zonder_allowlist_start_niet(caplog: pytest.LogCaptureFixture) -> None:
    zonder = instellingen(allowed_user_ids=frozenset())
    assert run_telegram(zonder, request=FakeTelegram()) == 2
    assert "ALLOWED_USER_IDS" in caplog.text and "=*" in caplog.text


async def test_eigen_bot_api_server(nep_rasa: NepRasa) -> None:
    settings = instellingen(telegram_api_url="http://127.0.0.1:8081")
    async with draaiende_bot(settings, nep_rasa.client()) as o:
        await o.verwerk(o.updates.tekst(CHAT, "hallo"))
        assert o.app.bot.base_url == f"http://127.0.0.1:8081/bot{TEST_TOKEN}"
        assert o.app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TEST_TOKEN}"
    urls = [a.url for a in o.telegram.aanroepen]
    assert urls and all(u.startswith(f"http://127.0.0.1:8081/bot{TEST_TOKEN}/") for u in urls)
    assert o.telegram.teksten(CHAT) == ["echo: hallo"]
