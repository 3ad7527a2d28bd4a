"""Traffic against a running coach for `make bench` (127.0.0.1 only).

- `/model/parse` for every held-out message, one after the other: the
  predictions (for accuracy) and the parse latency.
- A full round trip through `/webhooks/rest/webhook` (Rasa, its policies, the
  action server, the SQLite tracker store) for one seller, message by message.
- Load: N sellers at once, each with its own sender id, each typing short sales
  (one held-out message per phase, waiting for the answer before the next).
  A message is lost when the request fails, times out, is not a 200, or gets no
  answer or only the channel's "no advice right now" line.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from bench.measure import latentie_ms, percentiel

TIMEOUT = 60.0  # seconds per request; a slower answer counts as lost
VERKOOP_FASEN = ("contact", "behoefte", "presentatie", "bezwaar", "afsluiting", "nazorg")
OPWARM_PARSES = 5


@dataclass(frozen=True)
class Beurt:
    """One message through the webhook."""

    beantwoord: bool
    seconden: float


def verkopen(rijen: Sequence[tuple[str, str, Any]], fasen: dict[str, str]) -> list[list[str]]:
    """Short sales from the held-out messages: sale k takes the k-th message of each phase."""
    per_fase = {f: [t for t, i, _ in rijen if fasen.get(i) == f] for f in VERKOOP_FASEN}
    aantal = max(len(teksten) for teksten in per_fase.values())
    return [[per_fase[f][k % len(per_fase[f])] for f in VERKOOP_FASEN] for k in range(aantal)]


def beantwoord(antwoorden: object, stilte_tekst: str) -> bool:
    """At least one real bot message (text or buttons), not just the safety-net line."""
    if not isinstance(antwoorden, list):
        return False
    return any(
        isinstance(a, dict)
        and (a.get("text") or a.get("buttons"))
        and a.get("text") != stilte_tekst
        for a in antwoorden
    )


async def parse(client: httpx.AsyncClient, url: str, tekst: str) -> tuple[str, float, float]:
    """(intent, confidence, seconds) from POST /model/parse."""
    begin = time.perf_counter()
    antwoord = await client.post(f"{url}/model/parse", json={"text": tekst})
    seconden = time.perf_counter() - begin
    antwoord.raise_for_status()
    intent = antwoord.json().get("intent") or {}
    return intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), seconden


async def parse_ronde(
    client: httpx.AsyncClient, url: str, teksten: Sequence[str]
) -> tuple[list[tuple[str, float]], list[float]]:
    """Every text once, in order: the predictions and the latencies."""
    voorspellingen, tijden = [], []
    for tekst in teksten:
        intent, zekerheid, seconden = await parse(client, url, tekst)
        voorspellingen.append((intent, zekerheid))
        tijden.append(seconden)
    return voorspellingen, tijden


async def stuur(
    client: httpx.AsyncClient, url: str, afzender: str, tekst: str, stilte_tekst: str
) -> Beurt:
    begin = time.perf_counter()
    try:
        antwoord = await client.post(
            f"{url}/webhooks/rest/webhook", json={"sender": afzender, "message": tekst}
        )
        antwoorden = antwoord.json() if antwoord.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        antwoorden = None
    return Beurt(beantwoord(antwoorden, stilte_tekst), time.perf_counter() - begin)


async def verkoper(
    client: httpx.AsyncClient,
    url: str,
    afzender: str,
    berichten: Sequence[str],
    stilte_tekst: str,
) -> list[Beurt]:
    """One seller: each message after the answer to the previous one."""
    return [await stuur(client, url, afzender, tekst, stilte_tekst) for tekst in berichten]


async def opwarmen(
    client: httpx.AsyncClient, url: str, verkoop: Sequence[str], stilte_tekst: str
) -> None:
    """TensorFlow's first predictions are slow; the bench measures the warm server."""
    for tekst in verkoop[:OPWARM_PARSES]:
        await parse(client, url, tekst)
    await verkoper(client, url, "bench-opwarmen", verkoop, stilte_tekst)


async def rondreis(
    client: httpx.AsyncClient,
    url: str,
    alle_verkopen: Sequence[Sequence[str]],
    aantal: int,
    label: str,
    stilte_tekst: str,
) -> dict[str, float]:
    """One seller, `aantal` messages through the webhook, a new sender id per sale."""
    beurten: list[Beurt] = []
    for k in range(aantal):
        verkoop = alle_verkopen[(k // len(VERKOOP_FASEN)) % len(alle_verkopen)]
        afzender = f"{label}-{k // len(VERKOOP_FASEN)}"
        beurten.append(await stuur(client, url, afzender, verkoop[k % len(verkoop)], stilte_tekst))
    return {
        **latentie_ms([b.seconden for b in beurten]),
        "verloren": sum(not b.beantwoord for b in beurten),
    }


async def belasting(
    url: str,
    verkopers: int,
    verkopen_per_verkoper: int,
    alle_verkopen: Sequence[Sequence[str]],
    label: str,
    stilte_tekst: str,
) -> dict[str, float]:
    """`verkopers` sellers at once; latency, lost messages and throughput of this run."""
    limieten = httpx.Limits(max_connections=verkopers + 5, max_keepalive_connections=verkopers + 5)

    def berichten(i: int) -> list[str]:
        return [
            tekst
            for j in range(verkopen_per_verkoper)
            for tekst in alle_verkopen[(i * verkopen_per_verkoper + j) % len(alle_verkopen)]
        ]

    async with httpx.AsyncClient(timeout=TIMEOUT, limits=limieten) as client:
        begin = time.perf_counter()
        per_verkoper = await asyncio.gather(
            *(
                verkoper(client, url, f"{label}-{i}", berichten(i), stilte_tekst)
                for i in range(verkopers)
            )
        )
        seconden = time.perf_counter() - begin
    beurten = [b for lijst in per_verkoper for b in lijst]
    ms = [b.seconden * 1000 for b in beurten]
    beantwoord_ = sum(b.beantwoord for b in beurten)
    return {
        "berichten": len(beurten),
        "verloren": len(beurten) - beantwoord_,
        "p50": percentiel(ms, 50),
        "p95": percentiel(ms, 95),
        "doorvoer": beantwoord_ / seconden,
        "seconden": seconden,
    }
