"""Serve trained models behind the real servers and measure them (docs/benchmarks.md).

Per model: an action server, a Rasa server and an empty Redis for its conversations
and locks, on free ports on 127.0.0.1 with a temporary endpoints file; all stopped
afterwards, so a coach on 5005/5055 is left alone.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench import traffic
from bench.measure import PiekGeheugen, cpu_tijden, latentie_ms, mediaan_van_runs, steal
from rasa_ext.channel import STANDAARD_STILTE_TEKST
from stack import launcher
from stack.paths import ROOT

ROLLEN = {"rasa": "Rasa-server", "actieserver": "actieserver"}  # key in the result -> Server.naam
# All Rasa processes of both pipelines load their model at once on 2 cores; DIET
# and TED take longer than the 180 s of stack.launcher then.
OPSTART_TIMEOUT = 600.0
# Durable as in production: every write in an append-only file, fsync'ed each second.
REDIS_OPTIES = ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"]
Melding = Callable[[str], None]


def stilte_tekst() -> str:
    """The line the REST channel sends when a turn has no answer (counts as unanswered)."""
    kanalen = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    return (kanalen.get("rasa_ext.channel.CoachRestInput") or {}).get(
        "stilte_tekst"
    ) or STANDAARD_STILTE_TEKST


def _start_redis(stapel: ExitStack, port: int, logmap: Path) -> None:
    if shutil.which("redis-server") is None:
        raise launcher.StackFout("redis-server ontbreekt: `make bench` installeert het")
    data = logmap / "redis"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)]
    server = launcher.start_server("Redis", cmd + REDIS_OPTIES, port, "", logmap / "redis.log")
    stapel.callback(launcher.stop_server, server)
    einde = time.monotonic() + 30
    while time.monotonic() < einde and server.leeft():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0) as verbinding:
                verbinding.sendall(b"PING\r\n")
                if verbinding.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise launcher.StackFout(f"Redis start niet (log: {server.log})")


def _start(
    stapel: ExitStack,
    naam: str,
    model: Path,
    werkmap: Path,
    workers: int,
    melding: Melding,
    token: str,
) -> launcher.Stack:
    ports: set[int] = set()
    while len(ports) < 3:
        ports.add(launcher.free_port())
    actie, rasa, redis = ports
    logmap = werkmap / naam
    logmap.mkdir(parents=True, exist_ok=True)
    _start_redis(stapel, redis, logmap)
    endpoints = launcher.schrijf_endpoints(
        logmap / "endpoints.yml", actie, logmap / "t.db", redis_port=redis
    )
    return stapel.enter_context(
        launcher.coach_stack(
            rasa_port=rasa,
            actie_port=actie,
            endpoints=endpoints,
            model=model,
            logmap=logmap,
            auth_token=token,
            melding=lambda tekst: melding(f"{naam}: {tekst}"),
            rasa_workers=workers,
            timeout=OPSTART_TIMEOUT,
        )
    )


async def _meet(
    urls: dict[str, str], v: traffic.Verkeer, stilte: str, melding: Melding, token: str
) -> dict:
    """Warm up, then parse, round trip and load; the models take turns, run by run."""
    uit: dict[str, dict[str, Any]] = {
        n: {"parse": [], "rondreis": [], "belasting": {}} for n in urls
    }
    # /model/parse is Rasa's HTTP API: it needs the token.
    async with httpx.AsyncClient(timeout=traffic.TIMEOUT, params={"token": token}) as client:
        for url in urls.values():
            await traffic.opwarmen(client, url, v.verkopen[0], stilte)
        for _ in range(v.runs):
            for naam, url in urls.items():
                voorspeld, tijden = await traffic.parse_ronde(client, url, v.teksten)
                uit[naam].setdefault("voorspellingen", voorspeld)
                uit[naam]["parse"].append(latentie_ms(tijden))
        for run in range(v.runs):
            for naam, url in urls.items():
                rondreis = await traffic.rondreis(client, url, v, f"{naam}-rt{run}", stilte)
                uit[naam]["rondreis"].append(rondreis)
    for n in v.niveaus:
        runs: dict[str, list[dict[str, float]]] = {naam: [] for naam in urls}
        for run in range(v.runs):
            for naam, url in urls.items():
                voor = cpu_tijden()
                uitslag = await traffic.belasting(url, n, v, f"{naam}-n{n}-r{run}", stilte)
                runs[naam].append(uitslag | {"steal": steal(voor, cpu_tijden())})
        for naam, lijst in runs.items():
            melding(f"{naam}, {n} verkopers: doorvoer {[round(r['doorvoer'], 1) for r in lijst]}/s")
            uit[naam]["belasting"][str(n)] = mediaan_van_runs(lijst) | {
                "verloren": sum(r["verloren"] for r in lijst),  # every lost message, all runs
                "runs": lijst,
            }
    return {
        naam: {
            "voorspellingen": r["voorspellingen"],
            "parse_ms": mediaan_van_runs(r["parse"]) | {"runs": r["parse"]},
            "rondreis_ms": mediaan_van_runs(r["rondreis"])
            | {"verloren": sum(x["verloren"] for x in r["rondreis"]), "runs": r["rondreis"]},
            "belasting": r["belasting"],
        }
        for naam, r in uit.items()
    }


def meet_modellen(
    modellen: dict[str, Path], werkmap: Path, v: traffic.Verkeer, workers: int, melding: Melding
) -> dict[str, Any]:
    """Serve every model at once (own servers each), measure them in turns, read peak memory."""
    token = launcher.nieuw_token()
    with ExitStack() as stapel:
        stacks = {
            n: _start(stapel, n, m, werkmap, workers, melding, token) for n, m in modellen.items()
        }
        wortels = {
            f"{naam}/{rol}": stack.server(server).proces.pid
            for naam, stack in stacks.items()
            for rol, server in ROLLEN.items()
        }
        urls = {naam: stack.rasa_url for naam, stack in stacks.items()}
        with PiekGeheugen(wortels) as geheugen:
            resultaat = asyncio.run(_meet(urls, v, stilte_tekst(), melding, token))
    for naam in modellen:
        resultaat[naam]["geheugen_mb"] = {r: geheugen.piek_mb(f"{naam}/{r}") for r in ROLLEN}
        resultaat[naam]["pss_mb"] = {r: geheugen.pss_piek_mb(f"{naam}/{r}") for r in ROLLEN}
        resultaat[naam]["processen"] = {r: geheugen.processen(f"{naam}/{r}") for r in ROLLEN}
    return resultaat
