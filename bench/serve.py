"""Serve trained models behind the real servers and measure them (docs/bench-methode.md)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench import traffic
from bench.measure import PiekGeheugen, cpu_tijden, latentie_ms, mediaan_van_runs, steal
from stack import launcher

ROLLEN = {"rasa": "Rasa-server", "actieserver": "actieserver"}  # key in the result -> Server.naam
# All Rasa processes of both pipelines load their model at once on 2 cores; DIET
# and TED take longer than the 180 s of stack.launcher then.
OPSTART_TIMEOUT = 600.0
Melding = Callable[[str], None]


async def _meet(urls: dict[str, str], v: traffic.Verkeer, melding: Melding, token: str) -> dict:
    """Warm up, then parse, round trip and load; the models take turns, run by run."""
    uit: dict[str, dict[str, Any]] = {n: {"parse": [], "rondreis": []} for n in urls}
    # /model/parse is Rasa's HTTP API: it needs the token.
    async with httpx.AsyncClient(timeout=traffic.TIMEOUT, params={"token": token}) as client:
        for url in urls.values():  # TensorFlow's first predictions are slow: measure warm
            await traffic.parse_ronde(client, url, v.verkopen[0][: traffic.OPWARM_PARSES])
            await traffic.verkoper(client, url, "bench-opwarmen", v.verkopen[0])
        for _ in range(v.runs):
            for naam, url in urls.items():
                voorspeld, tijden = await traffic.parse_ronde(client, url, v.teksten)
                uit[naam].setdefault("voorspellingen", voorspeld)
                uit[naam]["parse"].append(latentie_ms(tijden))
        for run in range(v.runs):
            for naam, url in urls.items():
                rondreis = await traffic.rondreis(client, url, v, f"{naam}-rt{run}")
                uit[naam]["rondreis"].append(rondreis)
    resultaat = {
        naam: {
            "voorspellingen": r["voorspellingen"],
            "parse_ms": mediaan_van_runs(r["parse"]),
            "rondreis_ms": mediaan_van_runs(r["rondreis"]),
            "belasting": {},
        }
        for naam, r in uit.items()
    }
    for n in v.niveaus:
        runs: dict[str, list[dict[str, float]]] = {naam: [] for naam in urls}
        for run in range(v.runs):
            for naam, url in urls.items():
                voor = cpu_tijden()
                uitslag = await traffic.belasting(url, n, v, f"{naam}-n{n}-r{run}")
                runs[naam].append(uitslag | {"steal": steal(voor, cpu_tijden())})
        for naam, lijst in runs.items():
            melding(f"{naam}, {n} verkopers: doorvoer {[round(r['doorvoer'], 1) for r in lijst]}/s")
            resultaat[naam]["belasting"][str(n)] = mediaan_van_runs(lijst)
    return resultaat


def meet_modellen(
    modellen: dict[str, Path], werkmap: Path, v: traffic.Verkeer, workers: int, melding: Melding
) -> dict[str, Any]:
    """Serve every model at once (own servers each), measure them in turns, read peak memory."""
    token = launcher.nieuw_token()
    with ExitStack() as stapel:
        stacks = {
            naam: stapel.enter_context(
                launcher.losse_stack(
                    werkmap / naam,
                    redis=True,
                    model=model,
                    auth_token=token,
                    melding=lambda tekst, naam=naam: melding(f"{naam}: {tekst}"),
                    rasa_workers=workers,
                    timeout=OPSTART_TIMEOUT,
                )
            )
            for naam, model in modellen.items()
        }
        wortels = {
            f"{naam}/{rol}": stack.server(server).proces.pid
            for naam, stack in stacks.items()
            for rol, server in ROLLEN.items()
        }
        urls = {naam: stack.rasa_url for naam, stack in stacks.items()}
        with PiekGeheugen(wortels) as geheugen:
            resultaat = asyncio.run(_meet(urls, v, melding, token))
    for naam in modellen:
        rss, pss, processen = zip(*(geheugen.uitslag(f"{naam}/{r}") for r in ROLLEN), strict=True)
        resultaat[naam]["geheugen_mb"] = dict(zip(ROLLEN, rss, strict=True))
        resultaat[naam]["pss_mb"] = dict(zip(ROLLEN, pss, strict=True))
        resultaat[naam]["processen"] = dict(zip(ROLLEN, processen, strict=True))
    return resultaat
