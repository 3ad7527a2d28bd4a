"""The bot's handlers: a gate, then text, commands, buttons and bad input."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts, voortgang
from bot.chatstaat import Verzoek, chatstaat
from bot.commands import commando_naam, payload_voor
from bot.keyboards import (
    GEKOZEN_DATA,
    Keyboard,
    gekozen_keyboard,
    knoptitel,
    splits_tekst,
)
from bot.opmaak import verstuur
from bot.rasa_client import CoachBericht, RasaClient, RasaFout, RasaTraag
from bot.settings import Settings
from rasa_ext.payload import MAX_TEKENS, KnopRegels

logger = logging.getLogger(__name__)

DIENST = "coach"  # key in bot_data


@dataclass
class Dienst:
    """What the handlers share: settings, the Rasa client, the button allowlist."""

    settings: Settings
    rasa: RasaClient
    regels: KnopRegels = field(default_factory=KnopRegels.uit_domein)
    geweigerd: set[int] = field(default_factory=set)  # users who got their one refusal


def dienst(context: ContextTypes.DEFAULT_TYPE) -> Dienst:
    return context.application.bot_data[DIENST]


async def stuur(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    tekst: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    return await verstuur(context.bot, chat_id, tekst, markup)


async def bezorg(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, berichten: Sequence[CoachBericht]
) -> None:
    """The coach's messages to the chat; the keyboard goes under the last part of each.

    What Telegram does not take after all retries is kept and sent before the
    next answer: Rasa has stored the turn, so the seller must still see it.
    """
    knoppen = chatstaat(context).knoppen
    for nummer, coachbericht in enumerate(berichten):
        if coachbericht.extra is not None:
            await voortgang.stuur_grafiek(context.bot, chat_id, coachbericht.extra)
            if not coachbericht.tekst and not coachbericht.knoppen:
                continue  # a payload only: nothing to write
        try:
            delen = splits_tekst(coachbericht.tekst or texts.KNOPPEN_ZONDER_TEKST)
            for i, deel in enumerate(delen):
                laatste = i == len(delen) - 1
                markup = Keyboard.markup(coachbericht.knoppen) if laatste else None
                verstuurd = await stuur(context, chat_id, deel, markup)
                if markup:
                    knoppen.onthoud(verstuurd.message_id, Keyboard.payloads(coachbericht.knoppen))
        except (BadRequest, Forbidden):
            raise  # sending it again cannot help
        except TelegramError:
            chatstaat(context).onbezorgd.extend(berichten[nummer:])
            raise


async def markeer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, verzoek: Verzoek) -> None:
    """A used keyboard becomes its chosen button with ✅; only after Rasa has answered."""
    if verzoek.keyboard is None:
        return
    message_id, titel = verzoek.keyboard
    chatstaat(context).knoppen.gebruikt.append(message_id)
    markup = gekozen_keyboard(titel, texts.GEKOZEN_PREFIX)
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
    except BadRequest as exc:  # e.g. a message too old to edit: not worth a failure
        logger.debug("Toetsenbord niet aangepast: %s", exc)


async def inhalen(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """First what is still owed to this chat: undelivered answers, then open turns.

    A Telegram failure here is logged and kept for the next time; the seller's
    new message is still handled.
    """
    try:
        await _inhalen(context, chat_id)
    except TelegramError as exc:
        logger.warning("Achterstand voor chat %s nog niet bezorgd: %s", chat_id, exc)


async def _inhalen(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    staat = chatstaat(context)
    if staat.onbezorgd:
        achterstand = list(staat.onbezorgd)
        staat.onbezorgd.clear()
        await stuur(context, chat_id, texts.EERDER_ANTWOORD)
        await bezorg(context, chat_id, achterstand)
    while staat.openstaand:
        verzoek = staat.openstaand[0]
        try:
            berichten = await dienst(context).rasa.stuur(
                str(chat_id), verzoek.bericht, verzoek.metadata()
            )
        except RasaFout:
            return  # still open; the seller already knows
        staat.openstaand.popleft()
        await stuur(context, chat_id, texts.EERDER_ANTWOORD)
        await bezorg(context, chat_id, berichten or [CoachBericht(texts.GEEN_ANTWOORD)])
        await markeer(context, chat_id, verzoek)


async def coach_beurt(context: ContextTypes.DEFAULT_TYPE, chat_id: int, verzoek: Verzoek) -> None:
    """One turn: the message to Rasa (conversation = chat id), its answers to the chat.

    A timeout does not tell the seller it failed (Rasa
    may have stored the turn): the bot says the answer is coming, asks once
    more with the same message id (the channel then answers from the first
    turn, never a second one), and otherwise before the next turn.
    """
    await inhalen(context, chat_id)
    rasa = dienst(context).rasa
    try:
        berichten = await rasa.stuur(str(chat_id), verzoek.bericht, verzoek.metadata())
    except RasaTraag:
        await stuur(context, chat_id, texts.TRAAG)
        try:
            berichten = await rasa.stuur(str(chat_id), verzoek.bericht, verzoek.metadata())
        except RasaFout:
            chatstaat(context).openstaand.append(verzoek)
            return
    except RasaFout:  # never reached Rasa, or Rasa failed: nothing stored
        await stuur(context, chat_id, texts.NIET_BEREIKBAAR)
        return
    await bezorg(context, chat_id, berichten or [CoachBericht(texts.GEEN_ANTWOORD)])
    await markeer(context, chat_id, verzoek)


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
        if not chatstaat(context).nieuw(update.update_id):
            logger.info(
                "Update %s van chat %s al verwerkt: overgeslagen", update.update_id, chat.id
            )
            raise ApplicationHandlerStop
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
        bericht_id = f"m:{update.effective_message.message_id}"
        await coach_beurt(
            context, update.effective_chat.id, Verzoek(payload, "commando", bericht_id)
        )

    return handler


async def tekst(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text (and commands typed without Telegram marking them as such)."""
    chat_id = update.effective_chat.id
    inhoud = update.effective_message.text or ""
    bericht_id = f"m:{update.effective_message.message_id}"
    if not inhoud.strip():
        await stuur(context, chat_id, texts.LEEG)
    elif len(inhoud.strip()) > MAX_TEKENS:
        await stuur(context, chat_id, texts.TE_LANG)
    elif payload := payload_voor(inhoud):
        await coach_beurt(context, chat_id, Verzoek(payload, "commando", bericht_id))
    elif commando_naam(inhoud):
        # Never pass "/something" on: Rasa would read it as an intent.
        await stuur(context, chat_id, texts.ONBEKEND_COMMANDO)
    else:
        await coach_beurt(context, chat_id, Verzoek(inhoud.strip(), "tekst", bericht_id))


async def geen_tekst(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice, documents, locations, contacts, ... and empty text."""
    leeg = update.effective_message.text is not None
    await stuur(context, update.effective_chat.id, texts.LEEG if leeg else texts.ALLEEN_TEKST)


async def bewerkt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await stuur(context, update.effective_chat.id, texts.BEWERKT)


async def knop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: only a button the coach sent to this chat, with an allowed payload.

    The keyboard is marked as used only after Rasa has answered, so a press
    during an outage can be repeated.
    """
    query = update.callback_query
    chat_id = update.effective_chat.id
    data = query.data or ""
    bericht = query.message if isinstance(query.message, Message) else None
    await inhalen(context, chat_id)  # an open turn of this keyboard may mark it used
    knoppen = chatstaat(context).knoppen
    if data == GEKOZEN_DATA or (bericht and bericht.message_id in knoppen.gebruikt):
        await beantwoord(query, texts.AL_GEKOZEN)  # a double tap must not ask Rasa twice
        return
    payload = knoppen.payload(bericht.message_id, data) if bericht else None
    if payload is None or not dienst(context).regels.toegestaan(payload):
        logger.info("Onbekende knop in chat %s geweigerd", chat_id)
        await beantwoord(query, texts.KNOP_VERLOPEN, alert=True)
        return
    await beantwoord(query)
    titel = knoptitel(bericht.reply_markup, data) or "gekozen"
    verzoek = Verzoek(payload, "knop", f"c:{query.id}", (bericht.message_id, titel))
    await coach_beurt(context, chat_id, verzoek)


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
