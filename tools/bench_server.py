"""Run one trained model behind the real servers and measure it, for `make bench`.

The action server and the Rasa server start on free ports on 127.0.0.1 with a
temporary endpoints file and SQLite tracker database (bot.stack), so a coach
that already runs on 5005/5055 is left alone. Both are stopped afterwards.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from bot import stack as stackmodule
from tools import bench_verkeer as verkeer
from tools.bench_meten import PiekGeheugen, latentie_ms, mediaan_van_runs
from tools.domein import ROOT

CREDENTIALS = ROOT / "credentials.yml"
KANAAL = "channels.coach_rest.CoachRestInput"


@dataclass(frozen=True)
class Verkeer:
    """How much traffic one measurement sends."""

    runs: int
    teksten: Sequence[str]  # held-out messages for /model/parse
    verkopen: Sequence[Sequence[str]]  # short sales for the webhook
    rondreis_berichten: int
    niveaus: Sequence[int]  # concurrent sellers
    verkopen_per_verkoper: int


def stilte_tekst() -> str:
    """The line the REST channel sends when a turn has no answer (counts as unanswered)."""
    from channels.coach_rest import STANDAARD_STILTE_TEKST

    kanalen = yaml.safe_load(CREDENTIALS.read_text(encoding="utf-8")) or {}
    return (kanalen.get(KANAAL) or {}).get("stilte_tekst") or STANDAARD_STILTE_TEKST


def _poorten() -> tuple[int, int]:
    actie = stackmodule.vrije_poort()
    rasa = stackmodule.vrije_poort()
    while rasa == actie:
        rasa = stackmodule.vrije_poort()
    return actie, rasa


def _melding(tekst: str) -> None:
    print(f"  {tekst}", file=sys.stderr, flush=True)


async def _meet(url: str, v: Verkeer, naam: str, stilte: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=verkeer.TIMEOUT) as client:
        await verkeer.opwarmen(client, url, v.verkopen[0], stilte)
        voorspellingen: list[tuple[str, float]] = []
        parse_runs, rondreis_runs = [], []
        for run in range(v.runs):
            voorspeld, tijden = await verkeer.parse_ronde(client, url, v.teksten)
            voorspellingen = voorspellingen or voorspeld
            parse_runs.append(latentie_ms(tijden))
        for run in range(v.runs):
            rondreis_runs.append(
                await verkeer.rondreis(
                    client, url, v.verkopen, v.rondreis_berichten, f"{naam}-rt{run}", stilte
                )
            )
    belasting = {}
    for n in v.niveaus:
        runs = [
            await verkeer.belasting(
                url, n, v.verkopen_per_verkoper, v.verkopen, f"{naam}-n{n}-r{run}", stilte
            )
            for run in range(v.runs)
        ]
        _melding(f"{naam}: {n} verkopers, doorvoer {[round(r['doorvoer'], 1) for r in runs]}")
        belasting[str(n)] = {
            **mediaan_van_runs(runs),
            "verloren": sum(r["verloren"] for r in runs),  # every lost message, all runs
            "runs": runs,
        }
    return {
        "voorspellingen": voorspellingen,
        "parse_ms": {**mediaan_van_runs(parse_runs), "runs": parse_runs},
        "rondreis_ms": {
            **mediaan_van_runs(rondreis_runs),
            "verloren": sum(r["verloren"] for r in rondreis_runs),
            "runs": rondreis_runs,
        },
        "belasting": belasting,
    }


def meet_model(model: Path, naam: str, werkmap: Path, v: Verkeer) -> dict[str, Any]:
    """Start both servers with `model`, send the traffic, and read their peak memory."""
    actie, rasa = _poorten()
    logmap = werkmap / naam
    logmap.mkdir(parents=True, exist_ok=True)
    endpoints = stackmodule.schrijf_endpoints(logmap / "endpoints.yml", actie, logmap / "t.db")
    with stackmodule.coach_stack(
        rasa_poort=rasa,
        actie_poort=actie,
        endpoints=endpoints,
        model=model,
        logmap=logmap,
        melding=_melding,
    ) as stack:
        wortels = {
            "rasa": stack.server("Rasa-server").proces.pid,
            "actieserver": stack.server("actieserver").proces.pid,
        }
        with PiekGeheugen(wortels) as geheugen:
            resultaat = asyncio.run(_meet(stack.rasa_url, v, naam, stilte_tekst()))
    resultaat["geheugen_mb"] = {n: geheugen.piek_mb(n) for n in wortels}
    resultaat["processen"] = {n: geheugen.processen(n) for n in wortels}
    return resultaat
