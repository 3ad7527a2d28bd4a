"""Talks to Rasa's REST channel: one seller's message in, the coach's messages out."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)

WEBHOOK_PAD = "/webhooks/rest/webhook"
# Only a refused connection is retried here: the message never reached Rasa, so a
# retry cannot make the coach answer twice. A timeout is RasaTraag: the turn may
# have been stored; the bot asks again with the same message id (bot/handlers.py).
VERBIND_PAUZES = (0.3, 0.7)


@dataclass(frozen=True)
class Knop:
    titel: str
    payload: str = ""
    url: str | None = None  # Rasa's web_url buttons open a link instead


@dataclass(frozen=True)
class CoachBericht:
    tekst: str
    knoppen: tuple[Knop, ...] = ()
    extra: dict[str, Any] | None = None  # Rasa's custom payload (json_message), e.g. a chart


class RasaFout(Exception):
    """Rasa is unreachable, too slow, or answered with an error or garbage."""


class RasaTraag(RasaFout):
    """The request went out but no answer came in time: Rasa may have stored the turn."""


def lees_antwoord(data: Any) -> list[CoachBericht]:
    """Rasa's JSON list -> messages; a custom payload is kept as `extra`, attachments skipped."""
    if not isinstance(data, list):
        raise RasaFout(f"onverwacht antwoord van Rasa: {type(data).__name__} in plaats van lijst")
    berichten: list[CoachBericht] = []
    for item in data:
        if not isinstance(item, dict):
            continue
        delen = [str(item["text"])] if item.get("text") else []
        if item.get("image"):
            delen.append(str(item["image"]))
        knoppen = tuple(
            Knop(
                titel=str(k.get("title") or k.get("payload") or "?"),
                payload=str(k.get("payload") or k.get("title") or ""),
                url=k.get("url") if k.get("type") == "web_url" else None,
            )
            for k in item.get("buttons") or ()
            if isinstance(k, dict)
        )
        extra = item.get("custom") if isinstance(item.get("custom"), dict) else None
        if delen or knoppen or extra:
            berichten.append(CoachBericht("\n".join(delen), knoppen, extra))
    return berichten


def _omschrijf(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


class RasaClient:
    """Async client for the bot and the terminal chat.

    While Rasa stays down, only the first failure is logged as a warning (one
    line, no traceback); recovery is logged once too.
    """

    def __init__(
        self,
        url: str = "http://localhost:5005",
        token: str | None = None,
        timeout: float = 8.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # --auth-token guards Rasa's HTTP API (/status, /conversations, ...);
        # sending it on every request is harmless where it is not checked.
        self._params = {"token": token} if token else {}
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 3.0))
        self._gezond_timeout = min(timeout, 3.0)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._storing = False

    def _async_client(self) -> httpx.AsyncClient:
        # Created lazily so it binds to the event loop that actually uses it.
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.url,
                params=self._params,
                timeout=self._timeout,
                transport=self._transport,
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _gelukt(self) -> None:
        if self._storing:
            logger.info("Rasa is weer bereikbaar op %s", self.url)
            self._storing = False

    def _mislukt(self, exc: Exception) -> RasaFout:
        if not self._storing:
            logger.warning("Rasa niet bereikbaar op %s: %s", self.url, _omschrijf(exc))
            self._storing = True
        else:
            logger.debug("Rasa nog steeds niet bereikbaar: %s", _omschrijf(exc))
        soort = RasaTraag if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout) else RasaFout
        return soort(_omschrijf(exc))

    def _verwerk(self, antwoord: httpx.Response) -> list[CoachBericht]:
        antwoord.raise_for_status()
        try:
            return lees_antwoord(antwoord.json())
        except ValueError as exc:
            raise RasaFout("Rasa gaf geen JSON terug") from exc

    async def stuur(
        self, afzender: str, bericht: str, metadata: dict[str, Any] | None = None
    ) -> list[CoachBericht]:
        """Send one message for conversation `afzender`; raises RasaFout on any failure.

        `metadata` tells the REST channel where the text comes from (`bron`) and its id.
        """
        client = self._async_client()
        body: dict[str, Any] = {"sender": afzender, "message": bericht}
        if metadata:
            body["metadata"] = metadata
        for pauze in (*VERBIND_PAUZES, None):
            try:
                berichten = self._verwerk(await client.post(WEBHOOK_PAD, json=body))
            except httpx.ConnectError as exc:
                if pauze is None:
                    raise self._mislukt(exc) from None
                await asyncio.sleep(pauze)
            except (httpx.HTTPError, RasaFout) as exc:
                raise self._mislukt(exc) from None
            else:
                self._gelukt()
                return berichten
        raise AssertionError("unreachable")

    async def gezond(self) -> bool:
        """True when Rasa answers /status (needs --enable-api) with a loaded model."""
        try:
            antwoord = await self._async_client().get("/status", timeout=self._gezond_timeout)
        except httpx.HTTPError:
            return False
        return antwoord.status_code == 200
