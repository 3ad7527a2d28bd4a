"""The coach's text as Telegram HTML, and as plain text for the terminal.

Every text is escaped first (seller text can come back in coach text, e.g. in
"Bedoel je ...?"), so nothing a seller types is ever read as markup. Then the
coach's one formatting convention, stage directions in practice scenes
(`*kijkt op van een laptop en zucht*`), becomes italics: <i>...</i> in
Telegram, _..._ in the terminal. A direction never spans a line, so a text
split at line breaks (bot/keyboards.py) never splits a tag.
"""

from __future__ import annotations

import html
import re

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

# One '*' ... '*' on one line, not starting or ending with a space (so "5 * 3 * 2" stays).
REGIEAANWIJZING = re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*")


def telegram_html(tekst: str) -> str:
    """For parse_mode HTML."""
    return REGIEAANWIJZING.sub(r"<i>\1</i>", html.escape(tekst, quote=False))


def terminal_tekst(tekst: str) -> str:
    return REGIEAANWIJZING.sub(r"_\1_", tekst)


async def verstuur(
    bot: Bot, chat_id: int, tekst: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Every message of the bot goes out this way: escaped, with HTML parse mode."""
    return await bot.send_message(
        chat_id, telegram_html(tekst), parse_mode=ParseMode.HTML, reply_markup=markup
    )
