"""Serve trained models on the real servers (127.0.0.1) and measure parse, load and memory."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import yaml

from actions.adviesboek import laad_fasen
from bench.measure import cpu_tijden, geheugen, latentie_ms, mediaan_van_runs, steal
from rasa_ext.channel import CoachRestInput
from stack import launcher
from tools.domein import fase_per_intent

WORKERS = 2  # one Rasa process per core of the 2-core machine (docs/serving.md)
TIMEOUT = 60.0  # seconds per request; a slower answer counts as lost
OPWARM_PARSES = 5
# All Rasa processes of both pipelines load their model at once on 2 cores; DIET
# and TED take longer than the 180 s of stack.launcher then.
OPSTART_TIMEOUT = 600.0
ROLLEN = {"rasa": "Rasa-server", "actieserver": "actieserver"}  # key in the result -> Server.naam
# One sale: a held-out message for each phase with a customer (actions/inhoud/advies/fasen.yml).
VERKOOP_FASEN = tuple(naam for naam, fase in laad_fasen().items() if fase.met_klant)
# The REST channel's line for a turn without an answer: it counts as lost.
_KANAAL = yaml.safe_load(launcher.CREDENTIALS.read_text(encoding="utf-8"))
STILTE = CoachRestInput.from_credentials(
    _KANAAL.get("rasa_ext.channel.CoachRestInput")
).stilte_tekst
Beurt = tuple[bool, float]  # (answered by a real bot message, seconds)
Berichten = Iterable[tuple[str, str]]  # (sender, text)
Rijen = list[tuple[str, str, Path]]  # held-out (text, intent, file)


def melding(tekst: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {tekst}", file=sys.stderr, flush=True)


def korte_verkopen(rijen: Rijen) -> list[list[str]]:
    """Short sales from the held-out rows: sale k is the k-th text of each phase."""
    fasen = fase_per_intent()
    per_fase = {f: [t for t, i, _ in rijen if fasen.get(i) == f] for f in VERKOOP_FASEN}
    aantal = max(map(len, per_fase.values()))
    return [[per_fase[f][k % len(per_fase[f])] for f in VERKOOP_FASEN] for k in range(aantal)]


async def parse_ronde(
    client: httpx.AsyncClient, url: str, teksten: Sequence[str]
) -> tuple[list[tuple[str, float]], list[Beurt]]:
    """Every text once through /model/parse, in order: (intent, confidence) and the turns."""
    voorspellingen, beurten = [], []
    for tekst in teksten:
        begin = time.perf_counter()
        antwoord = await client.post(f"{url}/model/parse", json={"text": tekst})
        beurten.append((True, time.perf_counter() - begin))
        intent = antwoord.raise_for_status().json().get("intent") or {}
        zekerheid = float(intent.get("confidence") or 0)
        voorspellingen.append((intent.get("name") or "nlu_fallback", zekerheid))
    return voorspellingen, beurten


async def verkoper(client: httpx.AsyncClient, url: str, berichten: Berichten) -> list[Beurt]:
    """One seller's messages through the webhook, each after the answer to the previous one."""
    beurten = []
    for afzender, tekst in berichten:
        begin, body = time.perf_counter(), {"sender": afzender, "message": tekst}
        try:
            antwoord = await client.post(f"{url}/webhooks/rest/webhook", json=body)
            antwoorden = antwoord.json() if antwoord.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            antwoorden = None
        seconden = time.perf_counter() - begin
        beantwoord = isinstance(antwoorden, list) and any(
            isinstance(a, dict) and (a.get("text") or a.get("buttons")) and a.get("text") != STILTE
            for a in antwoorden
        )
        beurten.append((beantwoord, seconden))
    return beurten


async def belasting(
    url: str, n: int, k: int, verkopen: list[list[str]], label: str
) -> dict[str, Any]:
    """`n` sellers at once, each its own sender and next `k` sales: latency, lost, throughput."""
    limieten = httpx.Limits(max_connections=n + 5, max_keepalive_connections=n + 5)
    berichten = [  # seller i: sales i*k .. i*k + k - 1, round the list
        [(f"{label}-{i}", t) for j in range(i * k, i * k + k) for t in verkopen[j % len(verkopen)]]
        for i in range(n)
    ]
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=limieten) as client:
        begin = time.perf_counter()
        beurten = await asyncio.gather(*(verkoper(client, url, b) for b in berichten))
        seconden = time.perf_counter() - begin
    uit = latentie_ms([b for lijst in beurten for b in lijst])
    return uit | {"doorvoer": (uit["n"] - uit["verloren"]) / seconden, "seconden": seconden}


async def _meet(
    urls: dict[str, str], args: argparse.Namespace, rijen: Rijen, token: str
) -> dict[str, dict[str, Any]]:
    """Warm up, then parse, round trip and load; the models take turns, run by run."""
    om_beurten = [(run, naam, url) for run in range(args.runs) for naam, url in urls.items()]
    uit: dict[str, dict[str, Any]] = {n: {"parse_ms": [], "rondreis_ms": []} for n in urls}
    verkopen, teksten = korte_verkopen(rijen), [t for t, _, _ in rijen]
    # /model/parse is Rasa's HTTP API: it needs the token.
    async with httpx.AsyncClient(timeout=TIMEOUT, params={"token": token}) as client:
        for url in urls.values():  # TensorFlow's first predictions are slow: measure warm
            await parse_ronde(client, url, verkopen[0][:OPWARM_PARSES])
            await verkoper(client, url, (("bench-opwarmen", t) for t in verkopen[0]))
        for _, naam, url in om_beurten:
            voorspeld, beurten = await parse_ronde(client, url, teksten)
            uit[naam].setdefault("voorspellingen", voorspeld)
            uit[naam]["parse_ms"].append(latentie_ms(beurten))
        rondreis = [divmod(k, len(VERKOOP_FASEN)) for k in range(args.rondreis_berichten)]
        for run, naam, url in om_beurten:  # one seller; a new sender per sale
            berichten = (
                (f"{naam}-rt{run}-{nr}", verkopen[nr % len(verkopen)][f]) for nr, f in rondreis
            )
            uit[naam]["rondreis_ms"].append(latentie_ms(await verkoper(client, url, berichten)))
    for r in uit.values():
        r |= {k: mediaan_van_runs(r[k]) for k in ("parse_ms", "rondreis_ms")} | {"belasting": {}}
    k = args.verkopen_per_verkoper
    for n in args.niveaus:
        runs: dict[str, list[dict[str, float]]] = {naam: [] for naam in urls}
        for run, naam, url in om_beurten:
            voor = cpu_tijden()
            uitslag = await belasting(url, n, k, verkopen, f"{naam}-n{n}-r{run}")
            runs[naam].append(uitslag | {"steal": steal(voor, cpu_tijden())})
        for naam, lijst in runs.items():
            melding(f"{naam}, {n} verkopers: doorvoer {[round(r['doorvoer'], 1) for r in lijst]}/s")
            uit[naam]["belasting"][str(n)] = mediaan_van_runs(lijst)
    return uit


def meet_modellen(
    modellen: dict[str, Path], werkmap: Path, args: argparse.Namespace, rijen: Rijen
) -> dict[str, dict[str, Any]]:
    """Serve every model at once (own servers each), measure them in turns, then their memory.
    `args` holds workers, runs, niveaus, verkopen_per_verkoper and rondreis_berichten."""
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
                    rasa_workers=args.workers,
                    timeout=OPSTART_TIMEOUT,
                )
            )
            for naam, model in modellen.items()
        }
        urls = {naam: stack.rasa_url for naam, stack in stacks.items()}
        resultaat = asyncio.run(_meet(urls, args, rijen, token))
        for naam, stack in stacks.items():  # after the load, before the servers stop
            pids = {rol: stack.server(server).proces.pid for rol, server in ROLLEN.items()}
            for rol, gemeten in geheugen(pids).items():
                for sleutel, waarde in gemeten.items():
                    resultaat[naam].setdefault(sleutel, {})[rol] = waarde
    return resultaat
