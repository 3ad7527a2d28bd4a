"""Settings of the trainers' web app, from the environment (and an optional .env).

There is no default password: without TRAINER_WACHTWOORD the app refuses to start.
Every problem is one Dutch InstellingFout line that names the variable and never
echoes a secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import ConfigError, instelling_getal, lees_omgeving
from stack.paths import ROOT

LOOPBACK = "127.0.0.1"
TRAINER_PORT = 5080
BEWAARDAGEN = 90  # conversations older than this are deleted (docs/trainer.md)
MIN_WACHTWOORD = 12  # characters; a short password on a login form is guessed


class InstellingFout(ConfigError):
    """A missing or invalid setting; str() is one Dutch line for the trainer."""


@dataclass(frozen=True)
class Instellingen:
    wachtwoord: str = field(repr=False)
    geheim: bytes = field(repr=False)  # signs the session cookie
    bewaardagen: int = BEWAARDAGEN
    host: str = LOOPBACK
    port: int = TRAINER_PORT
    endpoints: Path = ROOT / "endpoints.yml"
    data: Path = ROOT / "data"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = field(default=None, repr=False)
    cookie_secure: bool = False  # True behind an HTTPS proxy

    @property
    def project(self) -> Path:
        """The folder with data/, domain.yml, config.yml and actions/inhoud/ (a copy in tests)."""
        return self.data.parent

    def geheimen(self) -> list[str]:
        """Values that must never show up in a log line."""
        return [g for g in (self.wachtwoord, self.rasa_token) if g]


def lees_instellingen(
    env: Mapping[str, str] | None = None, *, dotenv_path: Path | None = ROOT / ".env"
) -> Instellingen:
    """The settings; the real environment wins over .env."""
    lees = lees_omgeving(env, dotenv_path)
    wachtwoord = lees("TRAINER_WACHTWOORD")
    if wachtwoord is None:
        raise InstellingFout(
            "TRAINER_WACHTWOORD ontbreekt: de trainersapp start niet zonder wachtwoord. "
            "Zet het in de omgeving of in .env, bijv. TRAINER_WACHTWOORD=$(python3 -c "
            "'import secrets; print(secrets.token_urlsafe(18))')"
        )
    if len(wachtwoord) < MIN_WACHTWOORD:
        raise InstellingFout(f"TRAINER_WACHTWOORD moet minstens {MIN_WACHTWOORD} tekens hebben")
    geheim = lees("TRAINER_GEHEIM")
    waarden: dict[str, object] = {
        "wachtwoord": wachtwoord,
        # A per-start secret: a restart logs every trainer out, which is fine.
        "geheim": (geheim or secrets.token_urlsafe(32)).encode(),
        "rasa_token": lees("RASA_TOKEN"),
    }
    if (dagen := lees("TRAINER_BEWAARDAGEN")) is not None:
        try:  # the bot's number check: the same Dutch line for every setting
            waarden["bewaardagen"] = int(instelling_getal("TRAINER_BEWAARDAGEN", dagen, int, 1))
        except ConfigError as fout:
            raise InstellingFout(str(fout)) from None
    if (url := lees("RASA_URL")) is not None:
        waarden["rasa_url"] = url.rstrip("/")
    waarden["cookie_secure"] = (lees("TRAINER_HTTPS") or "").lower() in ("1", "ja", "true")
    return Instellingen(**waarden)  # type: ignore[arg-type]
