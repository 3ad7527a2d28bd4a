"""Telegram calls that survive flood limits and flaky networks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (which honours RetryAfter) plus retries with backoff.

    Every Bot API call except getUpdates goes through here, so sendMessage,
    editMessageReplyMarkup and answerCallbackQuery are all covered. A TimedOut
    may hide a message that did arrive; retrying risks a rare duplicate, which
    beats a lost answer on the shop floor. BadRequest is a NetworkError
    subclass in python-telegram-bot, but retrying it cannot help.
    """

    def __init__(
        self, pogingen: int = 5, basis_pauze: float = 0.5, max_retries: int = 5, **kwargs: Any
    ) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self.pogingen = pogingen
        self.basis_pauze = basis_pauze

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for poging in range(self.pogingen + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:  # includes TimedOut
                if poging == self.pogingen:
                    raise
                pauze = self.basis_pauze * 2**poging
                logger.warning(
                    "Telegram %s mislukt (%s); opnieuw over %.1f s", endpoint, exc, pauze
                )
                await asyncio.sleep(pauze)
        raise AssertionError("unreachable")
