"""Settings from environment variables, with an optional .env file (never committed).

Every problem is reported as one ConfigError line that names the variable,
and never echoes a secret's value.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values

from stack.paths import ROOT

# Telegram bot tokens look like 123456789:AAE...(35 chars). Bot ids have grown
# from 8 to 10 digits and beyond (they are 52-bit numbers, up to 16 digits), so
# any length from 5 on is accepted. The same pattern redacts tokens from logs
# (bot/logs.py): a shorter upper bound would leave a leading digit in the log.
TOKEN_PATROON = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{35}")
# Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in a webhook secret;
# the coach wants at least 32 (a guessable secret lets anyone post updates).
GEHEIM_PATROON = re.compile(r"[A-Za-z0-9_-]{32,256}")
IEDEREEN = "*"  # ALLOWED_USER_IDS=*: every Telegram user gets in
LOG_NIVEAUS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

BOTFATHER_UITLEG = (
    "Zo krijg je een token: open Telegram, zoek @BotFather, stuur /newbot en kies een naam; "
    "zet het token dat je krijgt in .env als TELEGRAM_BOT_TOKEN=... (zie docs/telegram.md)."
)


class ConfigError(ValueError):
    """A missing or invalid setting; str() is one line meant for the user."""


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = None
    rasa_url: str = "http://localhost:5005"
    rasa_token: str | None = None  # Rasa's --auth-token
    rasa_timeout: float = 8.0  # seconds; the seller hears "niet bereikbaar" after this
    # Empty: nobody (Telegram mode refuses to start, see telegram_bezwaar); None: everybody (*).
    allowed_user_ids: frozenset[int] | None = frozenset()
    webhook_url: str | None = None  # set: webhook mode, else long polling
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind the reverse proxy that terminates TLS
    webhook_port: int = 8443
    telegram_api_url: str | None = None  # a self-hosted Bot API server, e.g. http://localhost:8081
    telegram_api_file_url: str | None = None
    log_level: str = "INFO"

    @property
    def webhook_path(self) -> str:
        """The local path to listen on: the path of WEBHOOK_URL (behind a reverse proxy)."""
        return urlparse(self.webhook_url or "").path.strip("/")

    def telegram_bezwaar(self) -> str | None:
        """Why the Telegram bot must not start with these settings; None when it may."""
        if self.allowed_user_ids is not None and not self.allowed_user_ids:
            return (
                "ALLOWED_USER_IDS ontbreekt: zonder lijst start de Telegram-bot niet, want dan kan "
                "iedereen de coach gebruiken. Zet de gebruikersnummers van je verkopers "
                "(ALLOWED_USER_IDS=12345678,87654321) of ALLOWED_USER_IDS=* als je echt "
                "iedereen wilt toelaten (zie docs/telegram.md)."
            )
        return None

    def geheimen(self) -> list[str]:
        """Values that must never show up in a log line."""
        return [s for s in (self.telegram_token, self.rasa_token, self.webhook_secret) if s]


def _url(naam: str, waarde: str, schemes: tuple[str, ...]) -> str:
    deel = urlparse(waarde)
    if deel.scheme not in schemes or not deel.netloc:
        raise ConfigError(f"{naam} moet een volledige URL zijn die begint met {schemes[0]}://")
    return waarde.rstrip("/")


def _gebruikers(waarde: str) -> frozenset[int] | None:
    if waarde == IEDEREEN:
        return None
    ids: set[int] = set()
    for deel in waarde.replace(";", ",").split(","):
        deel = deel.strip()
        if not deel:
            continue
        if not deel.isdigit():
            raise ConfigError(
                "ALLOWED_USER_IDS moet Telegram-gebruikersnummers bevatten, gescheiden door "
                "komma's (bijv. 12345678,87654321), of * voor iedereen"
            )
        ids.add(int(deel))
    if not ids:
        raise ConfigError("ALLOWED_USER_IDS is gezet maar bevat geen gebruikersnummers")
    return frozenset(ids)


def instelling_getal(
    naam: str, waarde: str, soort: type[int] | type[float], minimum: float
) -> float:
    """A number setting of at least `minimum`, or a Dutch ConfigError naming it."""
    try:
        getal = soort(waarde)
    except ValueError:
        raise ConfigError(f"{naam} moet een getal zijn (nu: {waarde!r})") from None
    if getal < minimum:
        raise ConfigError(f"{naam} moet minstens {minimum} zijn")
    return getal


def lees_omgeving(
    env: Mapping[str, str] | None, dotenv_path: Path | None
) -> Callable[[str], str | None]:
    """A reader of settings for the bot and the trainers' app: the real environment wins over
    .env, and an empty value counts as not set."""
    bron: dict[str, str | None] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        bron.update(dotenv_values(dotenv_path))
    bron.update(os.environ if env is None else env)
    return lambda naam: (bron.get(naam) or "").strip() or None


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    dotenv_path: Path | None = ROOT / ".env",
    token_nodig: bool = True,
) -> Settings:
    """Read the settings; the real environment wins over .env."""
    lees = lees_omgeving(env, dotenv_path)
    token = lees("TELEGRAM_BOT_TOKEN")
    if token is None and token_nodig:
        raise ConfigError(f"TELEGRAM_BOT_TOKEN ontbreekt. {BOTFATHER_UITLEG}")
    if token is not None and not TOKEN_PATROON.fullmatch(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN heeft niet de vorm van een bot-token (cijfers, dubbele punt, "
            "35 tekens); kopieer het opnieuw uit @BotFather"
        )

    instellingen: dict[str, object] = {"telegram_token": token}
    if (url := lees("RASA_URL")) is not None:
        instellingen["rasa_url"] = _url("RASA_URL", url, ("http", "https"))
    instellingen["rasa_token"] = lees("RASA_TOKEN")
    if (timeout := lees("RASA_TIMEOUT")) is not None:
        instellingen["rasa_timeout"] = instelling_getal("RASA_TIMEOUT", timeout, float, 0.5)
    if (gebruikers := lees("ALLOWED_USER_IDS")) is not None:
        instellingen["allowed_user_ids"] = _gebruikers(gebruikers)

    webhook_url = lees("WEBHOOK_URL")
    geheim = lees("WEBHOOK_SECRET")
    if webhook_url is not None:
        # Telegram only delivers webhooks over HTTPS.
        instellingen["webhook_url"] = _url("WEBHOOK_URL", webhook_url, ("https",))
        # Without a configured secret, a fresh one per start: set_webhook runs on every start.
        geheim = geheim or secrets.token_urlsafe(32)
    if geheim is not None and not GEHEIM_PATROON.fullmatch(geheim):
        raise ConfigError(
            "WEBHOOK_SECRET moet 32 tot 256 tekens lang zijn, alleen letters, cijfers, _ en - "
            "(maak er een met: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    instellingen["webhook_secret"] = geheim
    if (listen := lees("WEBHOOK_LISTEN")) is not None:
        instellingen["webhook_listen"] = listen
    if (port := lees("WEBHOOK_PORT")) is not None:
        instellingen["webhook_port"] = int(instelling_getal("WEBHOOK_PORT", port, int, 1))

    if (api := lees("TELEGRAM_API_URL")) is not None:
        instellingen["telegram_api_url"] = _url("TELEGRAM_API_URL", api, ("https", "http"))
    if (bestanden := lees("TELEGRAM_API_FILE_URL")) is not None:
        instellingen["telegram_api_file_url"] = _url(
            "TELEGRAM_API_FILE_URL", bestanden, ("https", "http")
        )

    niveau = (lees("LOG_LEVEL") or "INFO").upper()
    if niveau not in LOG_NIVEAUS:
        raise ConfigError(f"LOG_LEVEL moet een van {', '.join(LOG_NIVEAUS)} zijn")
    instellingen["log_level"] = niveau
    return Settings(**instellingen)  # type: ignore[arg-type]
