"""Builds and runs the Telegram application."""

from __future__ import annotations

import errno
import logging

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers
from bot.commands import COMMANDOS
from bot.handlers import DIENST, Dienst
from bot.ordering import PerChatUpdateProcessor
from bot.rasa_client import RasaClient
from bot.ratelimit import RetryingRateLimiter
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Only what the coach handles; group membership updates and the like stay at Telegram.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


async def _na_start(app: Application) -> None:
    try:
        await app.bot.set_my_commands([BotCommand(c.naam, c.beschrijving) for c in COMMANDOS])
    except TelegramError as exc:  # the menu is a nicety; the bot works without it
        logger.warning("Commandomenu niet gezet: %s", exc)
    rasa: RasaClient = app.bot_data[DIENST].rasa
    if await rasa.gezond():
        logger.info("Rasa bereikbaar op %s", rasa.url)
    else:
        logger.warning("Rasa (nog) niet bereikbaar op %s; verkopers krijgen een melding", rasa.url)


async def _na_stop(app: Application) -> None:
    await app.bot_data[DIENST].rasa.aclose()


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    rasa: RasaClient | None = None,
    basis_pauze: float = 0.5,
    updater: bool = True,
    verwerker: PerChatUpdateProcessor | None = None,
) -> Application:
    """The Application with all handlers; `request`, `rasa` and `verwerker` are for tests."""
    builder = (
        Application.builder()
        .token(settings.telegram_token or "")
        .rate_limiter(RetryingRateLimiter(basis_pauze=basis_pauze))
        .concurrent_updates(verwerker or PerChatUpdateProcessor())
        .post_init(_na_start)
        .post_shutdown(_na_stop)
    )
    if settings.telegram_api_url:  # a self-hosted Bot API server (telegram-bot-api)
        bestanden = settings.telegram_api_file_url or f"{settings.telegram_api_url}/file"
        builder = builder.base_url(f"{settings.telegram_api_url}/bot").base_file_url(
            f"{bestanden}/bot"
        )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if not updater:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data[DIENST] = Dienst(
        settings=settings,
        rasa=rasa or RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout),
    )

    app.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    for c in COMMANDOS:
        app.add_handler(
            CommandHandler(c.naam, handlers.commando(c.payload), filters.UpdateType.MESSAGE)
        )
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, handlers.tekst))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, handlers.bewerkt))
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            handlers.geen_tekst,
        )
    )
    app.add_handler(CallbackQueryHandler(handlers.knop))
    app.add_error_handler(handlers.bij_fout)
    return app


def port_fout(settings: Settings, exc: OSError) -> str:
    """One Dutch line for a webhook port that cannot be opened."""
    plek = f"{settings.webhook_listen}:{settings.webhook_port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"Poort {plek} is al in gebruik: kies een andere WEBHOOK_PORT of stop het andere proces"
        )
    if exc.errno == errno.EACCES:
        return (
            f"Geen toestemming om op {plek} te luisteren (poorten onder 1024 vragen root): "
            "kies een WEBHOOK_PORT vanaf 1024 en laat de proxy doorsturen"
        )
    return f"Kan niet luisteren op {plek} (WEBHOOK_LISTEN, WEBHOOK_PORT): {exc.strerror or exc}"


def run_telegram(settings: Settings, *, request: BaseRequest | None = None) -> int:
    """Run until Ctrl-C or SIGTERM (python-telegram-bot handles both). Returns an exit code."""
    if bezwaar := settings.telegram_bezwaar():
        logger.error(bezwaar)
        return 2
    app = build_application(settings, request=request)
    try:
        if settings.webhook_url:
            logger.info("Webhook-modus: %s", settings.webhook_url)
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            logger.info("Long polling gestart; stop met Ctrl-C")
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        logger.error("Telegram kent dit token niet: controleer TELEGRAM_BOT_TOKEN (@BotFather)")
        return 1
    except TelegramError as exc:
        logger.error("Telegram niet bereikbaar: %s", exc)
        return 1
    except OSError as exc:  # only the webhook's own port: Telegram errors are TelegramError
        logger.error(port_fout(settings, exc))
        return 1
    return 0
