"""Traffic against a running coach (127.0.0.1 only): /model/parse, one seller, N sellers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import yaml

from actions.adviesboek import laad_fasen
from bench.measure import latentie_ms, percentiel
from rasa_ext.channel import CoachRestInput
from stack.paths import ROOT
from tools.domein import fase_per_intent

TIMEOUT = 60.0  # seconds per request; a slower answer counts as lost
OPWARM_PARSES = 5
# One sale: a held-out message for each phase with a customer (actions/inhoud/advies/fasen.yml).
VERKOOP_FASEN = tuple(naam for naam, fase in laad_fasen().items() if fase.met_klant)
# The REST channel's line for a turn without an answer: it counts as lost.
_KANALEN = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
STILTE = CoachRestInput.from_credentials(
    _KANALEN.get("rasa_ext.channel.CoachRestInput")
).stilte_tekst


@dataclass(frozen=True)
class Verkeer:
    """How much traffic one measurement sends, and the held-out texts it sends."""

    runs: int
    niveaus: Sequence[int]  # concurrent sellers
    verkopen_per_verkoper: int
    rondreis_berichten: int
    teksten: Sequence[str]  # for /model/parse
    verkopen: Sequence[Sequence[str]]  # short sales for the webhook; sale k: k-th text per phase

    @classmethod
    def uit(cls, rijen: Sequence[tuple[str, str, Any]], args: Any) -> Verkeer:
        """From the held-out rows and the settings of the same names in `args`."""
        fasen = fase_per_intent()
        per_fase = {f: [t for t, i, _ in rijen if fasen.get(i) == f] for f in VERKOOP_FASEN}
        aantal = max(len(teksten) for teksten in per_fase.values())
        verkopen = [
            [per_fase[f][k % len(per_fase[f])] for f in VERKOOP_FASEN] for k in range(aantal)
        ]
        return cls(
            args.runs,
            args.niveaus,
            args.verkopen_per_verkoper,
            args.rondreis_berichten,
            [t for t, _, _ in rijen],
            verkopen,
        )


async def parse_ronde(
    client: httpx.AsyncClient, url: str, teksten: Sequence[str]
) -> tuple[list[tuple[str, float]], list[float]]:
    """Every text once through /model/parse, in order: (intent, confidence) and seconds."""
    voorspellingen, tijden = [], []
    for tekst in teksten:
        begin = time.perf_counter()
        antwoord = await client.post(f"{url}/model/parse", json={"text": tekst})
        tijden.append(time.perf_counter() - begin)
        antwoord.raise_for_status()
        intent = antwoord.json().get("intent") or {}
        voorspellingen.append(
            (intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0))
        )
    return voorspellingen, tijden


async def stuur(
    client: httpx.AsyncClient, url: str, afzender: str, tekst: str
) -> tuple[bool, float]:
    """One message through the webhook: (answered by a real bot message, seconds)."""
    begin = time.perf_counter()
    try:
        antwoord = await client.post(
            f"{url}/webhooks/rest/webhook", json={"sender": afzender, "message": tekst}
        )
        antwoorden = antwoord.json() if antwoord.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        antwoorden = None
    seconden = time.perf_counter() - begin
    beantwoord = isinstance(antwoorden, list) and any(
        isinstance(a, dict) and (a.get("text") or a.get("buttons")) and a.get("text") != STILTE
        for a in antwoorden
    )
    return beantwoord, seconden


async def verkoper(
    client: httpx.AsyncClient, url: str, afzender: str, berichten: Sequence[str]
) -> list[tuple[bool, float]]:
    """One seller: each message after the answer to the previous one."""
    return [await stuur(client, url, afzender, tekst) for tekst in berichten]


async def rondreis(client: httpx.AsyncClient, url: str, v: Verkeer, label: str) -> dict[str, float]:
    """One seller, `v.rondreis_berichten` messages through the webhook, a new sender per sale."""
    beurten = []
    for k in range(v.rondreis_berichten):
        nr = k // len(VERKOOP_FASEN)
        verkoop = v.verkopen[nr % len(v.verkopen)]
        beurten.append(await stuur(client, url, f"{label}-{nr}", verkoop[k % len(verkoop)]))
    return latentie_ms([s for _, s in beurten]) | {"verloren": sum(not b for b, _ in beurten)}


async def belasting(url: str, verkopers: int, v: Verkeer, label: str) -> dict[str, float]:
    """`verkopers` sellers at once; latency, lost messages and throughput of this run."""
    limieten = httpx.Limits(max_connections=verkopers + 5, max_keepalive_connections=verkopers + 5)
    n = v.verkopen_per_verkoper

    def berichten(i: int) -> list[str]:
        return [t for j in range(n) for t in v.verkopen[(i * n + j) % len(v.verkopen)]]

    async with httpx.AsyncClient(timeout=TIMEOUT, limits=limieten) as client:
        begin = time.perf_counter()
        per_verkoper = await asyncio.gather(
            *(verkoper(client, url, f"{label}-{i}", berichten(i)) for i in range(verkopers))
        )
        seconden = time.perf_counter() - begin
    beurten = [b for lijst in per_verkoper for b in lijst]
    ms = [s * 1000 for _, s in beurten]
    beantwoord = sum(b for b, _ in beurten)
    return {
        "berichten": len(beurten),
        "verloren": len(beurten) - beantwoord,
        "p50": percentiel(ms, 50),
        "p95": percentiel(ms, 95),
        "doorvoer": beantwoord / seconden,
        "seconden": seconden,
    }
