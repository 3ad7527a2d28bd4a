"""Run one trained model behind the real servers and measure it, for `make bench`.

The action server, the Rasa server and a Redis for its conversations start on
free ports on 127.0.0.1 with a temporary endpoints file (stack.launcher), so a coach
that already runs on 5005/5055 is left alone. All are stopped afterwards. This is
the serving set-up of docs/serving.md; `make run` keeps SQLite and needs no Redis.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench import traffic as verkeer
from bench.measure import PiekGeheugen, cpu_tijden, latentie_ms, mediaan_van_runs, steal
from stack import launcher as stackmodule
from tools.domein import ROOT, fase_per_intent

CREDENTIALS = ROOT / "credentials.yml"
KANAAL = "rasa_ext.channel.CoachRestInput"
ROLLEN = {"rasa": "Rasa-server", "actieserver": "actieserver"}  # key in the result -> Server.naam
# All Rasa processes of both pipelines load their model at once on 2 cores; DIET
# and TED take longer than the 180 s of stack.launcher then.
OPSTART_TIMEOUT = 600.0
# Durable as in production: every write in an append-only file, fsync'ed each second.
REDIS_OPTIES = ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"]


@dataclass(frozen=True)
class Verkeer:
    """How much traffic one measurement sends."""

    runs: int
    teksten: Sequence[str]  # held-out messages for /model/parse
    verkopen: Sequence[Sequence[str]]  # short sales for the webhook
    rondreis_berichten: int
    niveaus: Sequence[int]  # concurrent sellers
    verkopen_per_verkoper: int

    @classmethod
    def uit(cls, rijen: Sequence[tuple[str, str, Any]], **instellingen: Any) -> Verkeer:
        """Traffic from held-out rows: every text for /model/parse, short sales for the webhook."""
        return cls(
            teksten=[tekst for tekst, _, _ in rijen],
            verkopen=verkeer.verkopen(rijen, fase_per_intent()),
            **instellingen,
        )


def stilte_tekst() -> str:
    """The line the REST channel sends when a turn has no answer (counts as unanswered)."""
    from rasa_ext.channel import STANDAARD_STILTE_TEKST

    kanalen = yaml.safe_load(CREDENTIALS.read_text(encoding="utf-8")) or {}
    return (kanalen.get(KANAAL) or {}).get("stilte_tekst") or STANDAARD_STILTE_TEKST


def _poorten(aantal: int) -> list[int]:
    poorten: list[int] = []
    while len(poorten) < aantal:
        if (poort := stackmodule.vrije_poort()) not in poorten:
            poorten.append(poort)
    return poorten


def _wacht_op_redis(server: stackmodule.Server, poort: int, timeout: float = 30.0) -> None:
    einde = time.monotonic() + timeout
    while time.monotonic() < einde and server.leeft():
        try:
            with socket.create_connection(("127.0.0.1", poort), timeout=1.0) as verbinding:
                verbinding.sendall(b"PING\r\n")
                if verbinding.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise stackmodule.StackFout(f"Redis start niet (log: {server.log})")


def _start_redis(stapel: ExitStack, poort: int, logmap: Path) -> None:
    """A fresh, empty Redis for one stack's conversations."""
    if shutil.which("redis-server") is None:
        raise stackmodule.StackFout(
            "redis-server ontbreekt: `make bench` installeert het (apt-get install redis-server)"
        )
    data = logmap / "redis"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    cmd = ["redis-server", "--port", str(poort), "--bind", "127.0.0.1", "--dir", str(data)]
    server = stackmodule.start_server("Redis", cmd + REDIS_OPTIES, poort, "", logmap / "redis.log")
    stapel.callback(stackmodule.stop_server, server)
    _wacht_op_redis(server, poort)


def _melding(tekst: str) -> None:
    print(f"  {tekst}", file=sys.stderr, flush=True)


async def _opwarmen(urls: dict[str, str], v: Verkeer, stilte: str) -> None:
    async with httpx.AsyncClient(timeout=verkeer.TIMEOUT) as client:
        for url in urls.values():
            await verkeer.opwarmen(client, url, v.verkopen[0], stilte)


async def _latentie(urls: dict[str, str], v: Verkeer, stilte: str) -> dict[str, dict[str, Any]]:
    """Parse and round-trip latency; the pipelines take turns, run by run."""
    uit: dict[str, dict[str, Any]] = {n: {"parse": [], "rondreis": []} for n in urls}
    async with httpx.AsyncClient(timeout=verkeer.TIMEOUT) as client:
        for _ in range(v.runs):
            for naam, url in urls.items():
                voorspeld, tijden = await verkeer.parse_ronde(client, url, v.teksten)
                uit[naam].setdefault("voorspellingen", voorspeld)
                uit[naam]["parse"].append(latentie_ms(tijden))
        for run in range(v.runs):
            for naam, url in urls.items():
                label = f"{naam}-rt{run}"
                uit[naam]["rondreis"].append(
                    await verkeer.rondreis(
                        client, url, v.verkopen, v.rondreis_berichten, label, stilte
                    )
                )
    return {
        naam: {
            "voorspellingen": r["voorspellingen"],
            "parse_ms": {**mediaan_van_runs(r["parse"]), "runs": r["parse"]},
            "rondreis_ms": {
                **mediaan_van_runs(r["rondreis"]),
                "verloren": sum(x["verloren"] for x in r["rondreis"]),
                "runs": r["rondreis"],
            },
        }
        for naam, r in uit.items()
    }


async def _belasting(urls: dict[str, str], v: Verkeer, stilte: str) -> dict[str, dict[str, Any]]:
    """Each load level, the pipelines taking turns run by run."""
    uit: dict[str, dict[str, Any]] = {naam: {} for naam in urls}
    for n in v.niveaus:
        runs: dict[str, list[dict[str, float]]] = {naam: [] for naam in urls}
        for run in range(v.runs):
            for naam, url in urls.items():
                label = f"{naam}-n{n}-r{run}"
                voor = cpu_tijden()
                uitslag = await verkeer.belasting(
                    url, n, v.verkopen_per_verkoper, v.verkopen, label, stilte
                )
                runs[naam].append({**uitslag, "steal": steal(voor, cpu_tijden())})
        for naam, lijst in runs.items():
            _melding(
                f"{naam}, {n} verkopers: doorvoer {[round(r['doorvoer'], 1) for r in lijst]}/s"
            )
            uit[naam][str(n)] = {
                **mediaan_van_runs(lijst),
                "verloren": sum(r["verloren"] for r in lijst),  # every lost message, all runs
                "runs": lijst,
            }
    return uit


async def _meet(urls: dict[str, str], v: Verkeer, stilte: str) -> dict[str, dict[str, Any]]:
    await _opwarmen(urls, v, stilte)
    latentie = await _latentie(urls, v, stilte)
    belasting = await _belasting(urls, v, stilte)
    return {naam: {**latentie[naam], "belasting": belasting[naam]} for naam in urls}


def _start(
    stapel: ExitStack, naam: str, model: Path, werkmap: Path, workers: int
) -> stackmodule.Stack:
    actie, rasa, redis = _poorten(3)
    logmap = werkmap / naam
    logmap.mkdir(parents=True, exist_ok=True)
    _start_redis(stapel, redis, logmap)
    endpoints = stackmodule.schrijf_endpoints(
        logmap / "endpoints.yml", actie, logmap / "t.db", redis_poort=redis
    )
    return stapel.enter_context(
        stackmodule.coach_stack(
            rasa_poort=rasa,
            actie_poort=actie,
            endpoints=endpoints,
            model=model,
            logmap=logmap,
            melding=lambda tekst: _melding(f"{naam}: {tekst}"),
            rasa_workers=workers,
            timeout=OPSTART_TIMEOUT,
        )
    )


def meet_modellen(
    modellen: dict[str, Path], werkmap: Path, v: Verkeer, workers: int = 1
) -> dict[str, Any]:
    """Serve every model at once (own servers each), measure them in turns, read peak RSS.

    Taking turns run by run spreads the load of others on this shared machine
    evenly over the pipelines.
    """
    with ExitStack() as stapel:
        stacks = {
            naam: _start(stapel, naam, model, werkmap, workers) for naam, model in modellen.items()
        }
        wortels = {
            f"{naam}/{rol}": stack.server(server).proces.pid
            for naam, stack in stacks.items()
            for rol, server in ROLLEN.items()
        }
        urls = {naam: stack.rasa_url for naam, stack in stacks.items()}
        with PiekGeheugen(wortels) as geheugen:
            resultaat = asyncio.run(_meet(urls, v, stilte_tekst()))
    for naam in modellen:
        resultaat[naam]["geheugen_mb"] = {r: geheugen.piek_mb(f"{naam}/{r}") for r in ROLLEN}
        resultaat[naam]["pss_mb"] = {r: geheugen.pss_piek_mb(f"{naam}/{r}") for r in ROLLEN}
        resultaat[naam]["processen"] = {r: geheugen.processen(f"{naam}/{r}") for r in ROLLEN}
    return resultaat
