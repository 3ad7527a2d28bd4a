"""Logging for the bot: quiet HTTP libraries, and no bot token in any log line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from telegram.error import InvalidToken, NetworkError

from bot.settings import TOKEN_PATROON

VERVANGING = "[token verborgen]"
# httpx logs every request URL at INFO, and Telegram URLs contain the bot token.
STILLE_LOGGERS = ("httpx", "httpcore", "hpack")


class TokenFilter(logging.Filter):
    """Redacts anything shaped like a bot token (and other given secrets) from a record.

    Attached to handlers, so it also covers records that propagate from child
    loggers. The message, its arguments and a traceback are all rendered here,
    redacted, and stored back on the record.
    """

    def __init__(self, geheimen: Iterable[str] = ()) -> None:
        super().__init__()
        self.geheimen = [g for g in geheimen if g]

    def verberg(self, tekst: str) -> str:
        tekst = TOKEN_PATROON.sub(VERVANGING, tekst)
        for geheim in self.geheimen:
            tekst = tekst.replace(geheim, VERVANGING)
        return tekst

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            bericht = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            bericht = f"{record.msg} {record.args}"
        record.msg, record.args = self.verberg(bericht), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.verberg(record.exc_text)
        if record.stack_info:
            record.stack_info = self.verberg(record.stack_info)
        return True


class NetwerkfoutZonderTraceback(logging.Filter):
    """A Telegram network error is an outage, not a bug: one line instead of a traceback.

    python-telegram-bot logs one with a full traceback when the start-up call to
    Telegram fails; the line keeps the reason.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NetworkError | InvalidToken):
            fout = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(fout).__name__}: {fout})"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def setup_logging(
    niveau: str = "INFO", geheimen: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """One handler on the root logger, with the token filter. Returns that handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(NetwerkfoutZonderTraceback())
    handler.addFilter(TokenFilter(geheimen))
    root = logging.getLogger()
    for oud in [h for h in root.handlers if any(isinstance(f, TokenFilter) for f in h.filters)]:
        root.removeHandler(oud)  # calling setup twice must not double every line
    root.addHandler(handler)
    root.setLevel(niveau)
    for naam in STILLE_LOGGERS:
        logging.getLogger(naam).setLevel(logging.WARNING)
    return handler
