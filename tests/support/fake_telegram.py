"""A fake Telegram Bot API behind python-telegram-bot's own transport interface.

Only the transport is replaced: the real Bot, Application, rate limiter and
handlers run as in production. The fake answers getMe, records every call,
enforces Telegram's limits (text length, callback_data bytes) the way
Telegram does (HTTP 400), parses parse_mode HTML as Telegram does (a stray
"<" or an unknown tag is a 400; the sent message holds the plain text plus
entities), and can inject RetryAfter, timeouts and network errors. It accepts
any base URL, so a self-hosted Bot API server can be pretended (the URL of
each call is recorded). Also: a factory for incoming updates.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

from telegram import Bot, Update
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.rasa_client import RasaClient
from bot.settings import Settings

BOT_ID = 987654321
BOT_NAAM = "verkoopcoach_test_bot"
# Shaped like a real token, so the log redaction is tested for real.
TEST_TOKEN = f"{BOT_ID}:AAFakeTokenVoorTests_0123456789abcd"
assert len(TEST_TOKEN.split(":")[1]) == 35

BOT_GEBRUIKER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Verkoopcoach",
    "username": BOT_NAAM,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Aanroep:
    methode: str
    params: dict[str, Any]
    tijd: float
    url: str
    resultaat: Any = None
    fout: str | None = None  # the injected fault, if any
    bestanden: dict[str, Any] = field(default_factory=dict)  # uploads: name -> (naam, bytes, type)


def _utf16(tekst: str) -> int:
    return len(tekst.encode("utf-16-le")) // 2


# The tags Telegram's HTML parse mode knows, and the entity each one makes.
HTML_ENTITEITEN = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "s": "strikethrough",
    "code": "code",
    "pre": "pre",
}


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode: plain text plus entities, or the reason it refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tekst = ""
        self.entiteiten: list[dict[str, Any]] = []
        self.fout: str | None = None
        self._open: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in HTML_ENTITEITEN:
            self.fout = self.fout or f'can\'t parse entities: Unsupported start tag "{tag}"'
        self._open.append((tag, _utf16(self.tekst)))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            self.fout = self.fout or f'can\'t parse entities: Unmatched end tag "{tag}"'
            return
        _, begin = self._open.pop()
        soort = HTML_ENTITEITEN.get(tag, tag)
        self.entiteiten.append(
            {"type": soort, "offset": begin, "length": _utf16(self.tekst) - begin}
        )

    def handle_data(self, data: str) -> None:
        self.tekst += data


def lees_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """(text, entities) as Telegram shows them; ValueError with Telegram's reason otherwise."""
    parser = _TelegramHtml()
    parser.feed(html)
    parser.close()
    if parser._open and not parser.fout:
        tag = parser._open[-1][0]
        parser.fout = f"can't parse entities: Can't find end tag corresponding to start tag {tag}"
    if parser.fout:
        raise ValueError(parser.fout)
    return parser.tekst, parser.entiteiten


def zichtbaar(coachtekst: str) -> str:
    """What the seller sees of a coach text: stage directions (*...*) are italics, no asterisks."""
    return re.sub(r"\*([^*\n]+)\*", r"\1", coachtekst)


def _fout(code: int, beschrijving: str, **parameters: Any) -> tuple[int, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": beschrijving}
    if parameters:
        body["parameters"] = parameters
    return code, json.dumps(body).encode()


class FakeTelegram(BaseRequest):
    def __init__(self) -> None:
        self.aanroepen: list[Aanroep] = []
        self._storingen: dict[str, list[str]] = {}
        self._volgnummer = 1000
        self.retry_after = 1

    # --- BaseRequest -------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        methode = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if methode == "getUpdates":
            await asyncio.sleep(0.05)  # never used by the tests; don't spin if it is
        aanroep = Aanroep(methode, params, time.monotonic(), url)
        if request_data and request_data.contains_files:
            aanroep.bestanden = dict(request_data.multipart_data)
        self.aanroepen.append(aanroep)

        if storing := self._volgende_storing(methode):
            aanroep.fout = storing
            if storing == "retry_after":
                return _fout(429, "Too Many Requests: retry later", retry_after=self.retry_after)
            if storing == "te_oud":
                return _fout(400, "Bad Request: query is too old and response timeout expired")
            if storing == "timeout":
                raise TimedOut("Timed out (nep)")
            if storing == "netwerk_met_url":  # an error text that carries the token
                raise NetworkError(f"Verbinding met {url} verbroken (nep)")
            raise NetworkError("Bad Gateway (nep)")

        if fout := self._controleer(methode, params):
            aanroep.fout = "400"
            return _fout(400, f"Bad Request: {fout}")
        aanroep.resultaat = self._resultaat(methode, params)
        return 200, json.dumps({"ok": True, "result": aanroep.resultaat}).encode()

    # --- Telegram's rules and answers ---------------------------------------------
    @staticmethod
    def _controleer(methode: str, params: dict[str, Any]) -> str | None:
        if methode == "sendMessage":
            tekst = params.get("text") or ""
            if params.get("parse_mode") == "HTML":
                try:
                    tekst, _ = lees_html(tekst)
                except ValueError as exc:
                    return str(exc)
            if not tekst.strip():
                return "message text is empty"
            if _utf16(tekst) > 4096:
                return "message is too long"
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for rij in (markup or {}).get("inline_keyboard", []):
            for knop in rij:
                data = knop.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    return "BUTTON_DATA_INVALID"
        return None

    def _resultaat(self, methode: str, params: dict[str, Any]) -> Any:
        if methode == "getMe":
            return BOT_GEBRUIKER
        if methode in ("sendMessage", "sendPhoto"):
            self._volgnummer += 1
            chat_id = int(params["chat_id"])
            bericht = {
                "message_id": self._volgnummer,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "from": BOT_GEBRUIKER,
            }
            if methode == "sendPhoto":
                foto = {"file_id": f"foto{self._volgnummer}", "file_unique_id": "f", "width": 640}
                bericht["photo"] = [{**foto, "height": 360}]
                if params.get("caption"):
                    bericht["caption"] = params["caption"]
            else:
                tekst, entiteiten = params["text"], []
                if params.get("parse_mode") == "HTML":
                    tekst, entiteiten = lees_html(tekst)
                bericht["text"] = tekst
                if entiteiten:
                    bericht["entities"] = entiteiten
            if params.get("reply_markup"):
                bericht["reply_markup"] = params["reply_markup"]
            return bericht
        if methode == "getUpdates":
            return []
        return True  # setMyCommands, answerCallbackQuery, editMessageReplyMarkup, setWebhook...

    # --- for the tests -----------------------------------------------------------
    def storing(self, methode: str, soort: str, aantal: int = 1) -> None:
        """Make the next `aantal` calls of `methode` fail.

        soort: retry_after (HTTP 429), te_oud (HTTP 400, an expired callback query),
        timeout (TimedOut), netwerk (NetworkError) or netwerk_met_url (a NetworkError
        whose text holds the URL, and so the token).
        """
        self._storingen.setdefault(methode, []).extend([soort] * aantal)

    def _volgende_storing(self, methode: str) -> str | None:
        wachtrij = self._storingen.get(methode)
        return wachtrij.pop(0) if wachtrij else None

    def gelukt(self, methode: str, chat_id: int | None = None) -> list[Aanroep]:
        return [
            a
            for a in self.aanroepen
            if a.methode == methode
            and a.fout is None
            and (chat_id is None or int(a.params.get("chat_id", 0)) == chat_id)
        ]

    def berichten(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """What a chat received: the sent messages, in order."""
        return [a.resultaat for a in self.gelukt("sendMessage", chat_id)]

    def teksten(self, chat_id: int) -> list[str]:
        return [b["text"] for b in self.berichten(chat_id)]

    async def wacht(self, voorwaarde: Callable[[], bool], timeout: float = 20.0) -> None:
        einde = time.monotonic() + timeout
        while not voorwaarde():
            if time.monotonic() > einde:
                raise AssertionError(f"wachten duurde langer dan {timeout} s")
            await asyncio.sleep(0.01)

    async def wacht_op_berichten(self, chat_id: int, aantal: int, timeout: float = 20.0) -> None:
        await self.wacht(lambda: len(self.berichten(chat_id)) >= aantal, timeout)


class Updates:
    """Builds incoming updates the way Telegram sends them."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._update_id = 0
        self._message_id = 0

    def _volgende(self) -> tuple[int, int]:
        self._update_id += 1
        self._message_id += 1
        return self._update_id, self._message_id

    def _bericht(
        self,
        chat_id: int,
        gebruiker_id: int | None = None,
        chat_type: str = "private",
        **velden: Any,
    ) -> dict[str, Any]:
        _, message_id = self._volgende()
        gebruiker_id = gebruiker_id or abs(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Verkoper"
        else:
            chat["title"] = "Winkelteam"
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": gebruiker_id, "is_bot": False, "first_name": "Verkoper"},
            **velden,
        }

    def _update(self, **velden: Any) -> Update:
        return Update.de_json({"update_id": self._update_id, **velden}, self.bot)

    def tekst(self, chat_id: int, tekst: str, gebruiker_id: int | None = None) -> Update:
        velden: dict[str, Any] = {"text": tekst}
        if tekst.startswith("/"):  # Telegram marks a leading command as an entity
            lengte = len(tekst.split()[0])
            velden["entities"] = [{"type": "bot_command", "offset": 0, "length": lengte}]
        return self._update(message=self._bericht(chat_id, gebruiker_id, **velden))

    def zonder_entiteiten(self, chat_id: int, tekst: str) -> Update:
        """Text as-is, e.g. "/nieuw" pasted without Telegram marking it as a command."""
        return self._update(message=self._bericht(chat_id, text=tekst))

    def soort(self, chat_id: int, veld: str, waarde: Any) -> Update:
        """A non-text message: photo, sticker, voice, document, location, contact, ..."""
        return self._update(message=self._bericht(chat_id, **{veld: waarde}))

    def bewerkt(self, chat_id: int, tekst: str) -> Update:
        bericht = self._bericht(chat_id, text=tekst, edit_date=int(time.time()))
        return self._update(edited_message=bericht)

    def in_groep(self, groep_id: int, tekst: str, gebruiker_id: int, **velden: Any) -> Update:
        bericht = self._bericht(groep_id, gebruiker_id, "group", text=tekst, **velden)
        return self._update(message=bericht)

    def knop(
        self, chat_id: int, bericht: dict[str, Any], data: str, gebruiker_id: int | None = None
    ) -> Update:
        """A press on a button of a message the bot sent (as recorded by FakeTelegram)."""
        self._volgende()
        return self._update(
            callback_query={
                "id": f"cb{self._update_id}",
                "from": {"id": gebruiker_id or chat_id, "is_bot": False, "first_name": "V"},
                "chat_instance": f"ci{chat_id}",
                "message": bericht,
                "data": data,
            }
        )


def knoppen(bericht: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, callback_data) of every button in a recorded message."""
    markup = bericht.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [
        (k["text"], k.get("callback_data", ""))
        for rij in markup.get("inline_keyboard", [])
        for k in rij
    ]


@dataclass
class Opstelling:
    """A running Application with the fake Telegram transport."""

    app: Application
    telegram: FakeTelegram
    updates: Updates

    async def verwerk(self, update: Update) -> None:
        """Handle one update now (Application.process_update)."""
        await self.app.process_update(update)

    async def in_wachtrij(self, *updates: Update) -> None:
        """Through the update queue, as polling/webhook deliver them; waits until all done."""
        for update in updates:
            await self.app.update_queue.put(update)
        await self.app.update_queue.join()


@asynccontextmanager
async def draaiende_bot(
    settings: Settings, rasa: RasaClient, **opties: Any
) -> AsyncIterator[Opstelling]:
    """Like run_polling/run_webhook, minus the updater: initialize, post_init, start."""
    telegram = FakeTelegram()
    opties.setdefault("basis_pauze", 0.05)  # Telegram retries: fast backoff in tests
    opties.setdefault("updater", False)
    app = build_application(settings, request=telegram, rasa=rasa, **opties)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    try:
        yield Opstelling(app, telegram, Updates(app.bot))
    finally:
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def instellingen(**velden: Any) -> Settings:
    """Settings for a test bot: the fake token, everyone allowed (*), plus the given fields."""
    return replace(Settings(telegram_token=TEST_TOKEN, allowed_user_ids=None), **velden)


_chat_ids = itertools.count(10_001)


def nieuwe_chat() -> int:
    """A fresh conversation: Rasa's tracker store is shared by the whole test session."""
    return next(_chat_ids)
