"""The bot's handlers: a gate, then text, commands, buttons and bad input."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts, voortgang
from bot.commands import commando_naam, payload_voor
from bot.keyboards import (
    GEKOZEN_DATA,
    MAX_TEKST,
    Keyboard,
    gekozen_keyboard,
    knoptitel,
    splits_tekst,
    utf16_lengte,
)
from bot.rasa_client import RasaClient, RasaFout
from bot.settings import Settings

logger = logging.getLogger(__name__)

DIENST = "coach"  # key in bot_data
GEBRUIKT = "gebruikte_toetsenborden"  # key in chat_data


@dataclass
class Dienst:
    """What the handlers share: settings, the Rasa client, the keyboard map."""

    settings: Settings
    rasa: RasaClient
    knoppen: Keyboard = field(default_factory=Keyboard)
    geweigerd: set[int] = field(default_factory=set)  # users who got their one refusal


def dienst(context: ContextTypes.DEFAULT_TYPE) -> Dienst:
    return context.application.bot_data[DIENST]


async def stuur(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    tekst: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    # Plain text on purpose: Rasa texts are not escaped for Markdown or HTML.
    await context.bot.send_message(chat_id, tekst, reply_markup=markup)


async def coach_beurt(context: ContextTypes.DEFAULT_TYPE, chat_id: int, bericht: str) -> None:
    """One turn: the message to Rasa (conversation = chat id), its answers to the chat."""
    d = dienst(context)
    try:
        berichten = await d.rasa.stuur(str(chat_id), bericht)
    except RasaFout:
        await stuur(context, chat_id, texts.NIET_BEREIKBAAR)
        return
    if not berichten:
        await stuur(context, chat_id, texts.GEEN_ANTWOORD)
        return
    for coachbericht in berichten:
        if coachbericht.extra is not None:
            await voortgang.stuur_grafiek(context.bot, chat_id, coachbericht.extra)
            if not coachbericht.tekst and not coachbericht.knoppen:
                continue  # a payload only: nothing to write
        delen = splits_tekst(coachbericht.tekst or texts.KNOPPEN_ZONDER_TEKST)
        for i, deel in enumerate(delen):
            # The keyboard goes under the last part, where the seller's eyes are.
            laatste = i == len(delen) - 1
            markup = d.knoppen.markup(coachbericht.knoppen) if laatste else None
            await stuur(context, chat_id, deel, markup)


async def beantwoord(query: CallbackQuery, tekst: str | None = None, alert: bool = False) -> None:
    """Stop the button's spinner.

    A query Telegram no longer knows (too old, e.g. after a restart) must not cost
    the seller the answer to the press itself.
    """
    try:
        await query.answer(tekst, show_alert=alert)
    except BadRequest as exc:
        logger.debug("Callback query niet beantwoord: %s", exc)


def _aangesproken(bericht: Message, bot_id: int, gebruikersnaam: str) -> bool:
    """In a group: is this message meant for the coach (command, @mention or reply)?"""
    antwoord_op = bericht.reply_to_message
    if antwoord_op and antwoord_op.from_user and antwoord_op.from_user.id == bot_id:
        return True
    soorten = [MessageEntity.MENTION, MessageEntity.BOT_COMMAND]
    for entiteit, tekst in bericht.parse_entities(soorten).items():
        if entiteit.type == MessageEntity.MENTION and tekst[1:].lower() == gebruikersnaam.lower():
            return True
        if entiteit.type == MessageEntity.BOT_COMMAND and entiteit.offset == 0:
            doel = tekst.partition("@")[2]
            if not doel or doel.lower() == gebruikersnaam.lower():
                return True
    return False


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: only private chats, and only allowed sellers.

    Group chats: the coach answers only when addressed there, and then only to
    say it works in a private chat: a sale is one seller's conversation, and
    nothing said in a group is sent to Rasa.
    """
    chat, gebruiker = update.effective_chat, update.effective_user
    if chat is None or gebruiker is None:
        raise ApplicationHandlerStop
    if chat.type != ChatType.PRIVATE:
        bericht = update.message
        if bericht and _aangesproken(bericht, context.bot.id, context.bot.username):
            tekst = texts.ALLEEN_PRIVE.format(gebruikersnaam=context.bot.username)
            await stuur(context, chat.id, tekst)
        raise ApplicationHandlerStop

    toegestaan = dienst(context).settings.allowed_user_ids
    if toegestaan is None or gebruiker.id in toegestaan:
        return
    if update.callback_query:
        await beantwoord(update.callback_query)
    geweigerd = dienst(context).geweigerd
    if gebruiker.id not in geweigerd:
        geweigerd.add(gebruiker.id)
        logger.info("Geweigerd: gebruiker %s staat niet in ALLOWED_USER_IDS", gebruiker.id)
        await stuur(context, chat.id, texts.GEWEIGERD.format(gebruiker_id=gebruiker.id))
    raise ApplicationHandlerStop


def commando(payload: str) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """A handler for one entry of the command table."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await coach_beurt(context, update.effective_chat.id, payload)

    return handler


async def tekst(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text (and commands typed without Telegram marking them as such)."""
    chat_id = update.effective_chat.id
    inhoud = update.effective_message.text or ""
    if not inhoud.strip():
        await stuur(context, chat_id, texts.LEEG)
    elif utf16_lengte(inhoud) > MAX_TEKST:
        await stuur(context, chat_id, texts.TE_LANG)
    elif payload := payload_voor(inhoud):
        await coach_beurt(context, chat_id, payload)
    elif commando_naam(inhoud):
        # Never pass "/something" on: Rasa would read it as an intent.
        await stuur(context, chat_id, texts.ONBEKEND_COMMANDO)
    else:
        await coach_beurt(context, chat_id, inhoud.strip())


async def geen_tekst(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice, documents, locations, contacts, ... and empty text."""
    leeg = update.effective_message.text is not None
    await stuur(context, update.effective_chat.id, texts.LEEG if leeg else texts.ALLEEN_TEKST)


async def bewerkt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await stuur(context, update.effective_chat.id, texts.BEWERKT)


async def knop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answer the query, mark the keyboard as used, then ask Rasa."""
    query = update.callback_query
    data = query.data or ""
    bericht = query.message if isinstance(query.message, Message) else None
    gebruikt: deque[int] = context.chat_data.setdefault(GEBRUIKT, deque(maxlen=200))
    if data == GEKOZEN_DATA or (bericht and bericht.message_id in gebruikt):
        await beantwoord(query, texts.AL_GEKOZEN)  # a double tap must not ask Rasa twice
        return
    payload = dienst(context).knoppen.payload_voor(data)
    if payload is None:
        await beantwoord(query, texts.KNOP_VERLOPEN, alert=True)
        return
    await beantwoord(query)
    if bericht:
        gebruikt.append(bericht.message_id)
        titel = knoptitel(bericht.reply_markup, data) or "gekozen"
        try:
            await query.edit_message_reply_markup(gekozen_keyboard(titel, texts.GEKOZEN_PREFIX))
        except BadRequest as exc:  # e.g. a message too old to edit: not worth a failure
            logger.debug("Toetsenbord niet aangepast: %s", exc)
    await coach_beurt(context, update.effective_chat.id, payload)


async def bij_fout(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One log line per Telegram problem; a traceback only for real bugs."""
    fout = context.error
    if isinstance(fout, Forbidden):
        logger.info(
            "Telegram weigert het bericht (heeft de verkoper de bot geblokkeerd?): %s", fout
        )
        return
    if isinstance(fout, TelegramError):
        logger.warning("Telegram-fout: %s: %s", type(fout).__name__, fout)
        return
    logger.error("Onverwachte fout bij een update", exc_info=fout)
    if isinstance(update, Update) and update.effective_chat:
        with suppress(TelegramError):
            await stuur(context, update.effective_chat.id, texts.INTERNE_FOUT)
