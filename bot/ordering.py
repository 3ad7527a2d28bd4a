"""Updates of one chat are handled in order; different chats run concurrently and fairly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine
from contextlib import suppress
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot import texts
from bot.opmaak import verstuur

logger = logging.getLogger(__name__)

MAX_TEGELIJK = 16  # updates in a handler at once, over all chats (Rasa has one or two workers)
MAX_WACHTEND = 5  # updates of one chat waiting behind the one being handled
# python-telegram-bot's own limit only counts the waiting tasks, which are cheap.
MAX_TAKEN = 4096


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """A FIFO lock per chat, taken before a global slot.

    The Application starts one task per update, in arrival order, and each task
    reaches `do_process_update` without yielding (MAX_TAKEN is never reached
    in practice); asyncio.Lock wakes waiters first-in first-out. So a seller's
    messages are answered in order. Only the task that holds its chat's lock
    asks for one of the MAX_TEGELIJK slots, so a flooding chat holds at most
    one slot and a slow conversation only holds up its own chat. Past
    MAX_WACHTEND waiting updates a chat gets one "rustig aan" answer per burst
    instead of more turns: its excess updates are skipped, never silently.
    """

    def __init__(self, max_tegelijk: int = MAX_TEGELIJK, max_wachtend: int = MAX_WACHTEND) -> None:
        super().__init__(MAX_TAKEN)
        self._plekken = asyncio.BoundedSemaphore(max_tegelijk)
        self._max_wachtend = max_wachtend
        self._sloten: dict[int, asyncio.Lock] = {}
        self._wachtenden: dict[int, int] = {}
        self._gewaarschuwd: set[int] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._plekken:
                await coroutine
            return
        if self._wachtenden.get(chat.id, 0) > self._max_wachtend:
            await self._rustig_aan(update, coroutine)
            return
        slot = self._sloten.setdefault(chat.id, asyncio.Lock())
        self._wachtenden[chat.id] = self._wachtenden.get(chat.id, 0) + 1
        try:
            async with slot, self._plekken:
                await coroutine
        finally:
            # Forget idle chats so the maps do not grow with every seller ever seen.
            self._wachtenden[chat.id] -= 1
            if not self._wachtenden[chat.id]:
                del self._wachtenden[chat.id], self._sloten[chat.id]
                self._gewaarschuwd.discard(chat.id)

    async def _rustig_aan(self, update: Update, coroutine: Awaitable[Any]) -> None:
        if isinstance(coroutine, Coroutine):
            coroutine.close()  # this update is skipped; the seller is told once per burst
        chat_id = update.effective_chat.id
        logger.info("Chat %s stuurt te snel: update %s overgeslagen", chat_id, update.update_id)
        with suppress(TelegramError):
            if update.callback_query:
                await update.callback_query.answer(texts.RUSTIG_AAN)
            if chat_id not in self._gewaarschuwd:
                self._gewaarschuwd.add(chat_id)
                await verstuur(update.get_bot(), chat_id, texts.RUSTIG_AAN)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
