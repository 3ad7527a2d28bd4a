"""Updates of one chat are handled in order; different chats run concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """A FIFO lock per chat.

    The Application starts one task per update, in arrival order, and each task
    reaches `do_process_update` without yielding while the concurrency limit is
    not reached; asyncio.Lock wakes waiters first-in first-out. So a seller's
    messages are answered in order, while a slow conversation only holds up
    its own chat. The limit is high because waiting tasks are cheap and a
    waiting task holds a slot.
    """

    def __init__(self, max_concurrent_updates: int = 1024) -> None:
        super().__init__(max_concurrent_updates)
        self._sloten: dict[int, asyncio.Lock] = {}
        self._wachtenden: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        slot = self._sloten.setdefault(chat.id, asyncio.Lock())
        self._wachtenden[chat.id] = self._wachtenden.get(chat.id, 0) + 1
        try:
            async with slot:
                await coroutine
        finally:
            # Forget idle chats so the map does not grow with every seller ever seen.
            self._wachtenden[chat.id] -= 1
            if not self._wachtenden[chat.id]:
                del self._wachtenden[chat.id], self._sloten[chat.id]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
