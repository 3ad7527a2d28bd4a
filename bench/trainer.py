"""`python -m bench trainer`: the trainers' web app's data layer against the targets of issue 12
(docs/bench-methode.md); prints a table, with --markdown also into that file."""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.report import tabel
from stack.paths import ROOT
from stack.postgres import postgres_server
from tools.domein import fase_per_intent, nlu_voorbeelden
from trainer import dashboard, inbox, labelen
from trainer.opslag import EVENTS, Opslag

DOELEN = {"inbox": 0.5, "labelen": 1.0, "dashboard": 1.0}  # seconds (issue 12)
ONZEKER_DEEL = 0.25
RUIS = ["echt", "nou", "eigenlijk", "even", "toch", "gewoon", "zo", "ineens", "weer", "dus"]
BEGIN = "<!-- python -m bench trainer: begin -->"
EIND = "<!-- python -m bench trainer: eind -->"
Uitslag = dict[str, float | int]


@functools.cache
def _bron() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(text, intent) of every training example with a phase, and the phase per intent."""
    fasen = fase_per_intent()
    return [(t, i) for t, i, _ in nlu_voorbeelden(ROOT / "data" / "nlu") if i in fasen], fasen


def _events(rng: random.Random, tijd: float, berichten: int) -> Iterator[object]:
    """One seller's conversation as Rasa events: advice, "Bedoel je", new customers, practice."""
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    voorbeelden, fasen = _bron()
    yield ActionExecuted("action_session_start", timestamp=tijd)
    yield SessionStarted(timestamp=tijd)
    historie: list[dict] = []
    for i in range(berichten):
        tijd += rng.uniform(20, 600)
        tekst, intent = rng.choice(voorbeelden)
        andere = rng.sample(list(fasen), 2)
        if rng.random() < ONZEKER_DEEL:
            tekst = f"{tekst} {rng.choice(RUIS)} {rng.randrange(1000)}"
            rangschikking = [("nlu_fallback", 0.45), (intent, 0.41), (andere[0], 0.3)]
        else:
            rangschikking = [(intent, 0.93), (andere[0], 0.04), (andere[1], 0.01)]
        parse = {
            "intent": {"name": rangschikking[0][0], "confidence": rangschikking[0][1]},
            "entities": [],
            "text": tekst,
            "intent_ranking": [{"name": n, "confidence": c} for n, c in rangschikking],
        }
        yield UserUttered(tekst, parse["intent"], [], parse, timestamp=tijd)
        if rangschikking[0][0] == "nlu_fallback":
            yield ActionExecuted("action_bedoel_je", timestamp=tijd + 0.1)
            yield BotUttered("Bedoel je een van deze situaties?", timestamp=tijd + 0.1)
            yield SlotSet("bedoel_je_tekst", tekst, timestamp=tijd + 0.1)
        else:
            yield SlotSet("fase", fasen[intent], timestamp=tijd)
            yield ActionExecuted("action_coach", timestamp=tijd + 0.1)
            advies = f"{fasen[intent].title()} · advies voor {intent}"
            yield BotUttered(advies, timestamp=tijd + 0.1)
        yield ActionExecuted("action_listen", timestamp=tijd + 0.2)
        if i % 8 == 7:
            yield ActionExecuted("action_nieuwe_klant", timestamp=tijd + 0.3)
        if i % 10 == 9:
            historie = [*historie, {"scenario": "laptop", "score": rng.choice([6.0, 7.5, 8.5])}]
            yield SlotSet("oefen_historie", historie, timestamp=tijd + 0.4)


def vul(url: str, *, berichten: int, rng: random.Random, tijd: float) -> int:
    """Add about `berichten` seller messages (30 per seller) to the store; returns rows written."""
    rijen = []
    for n in range(berichten // 30):
        verkoper = f"bench-{rng.randrange(10**9)}-{n}"
        for e in _events(rng, tijd + rng.uniform(0, 25 * 86400), 30):
            data = e.as_dict()  # type: ignore[attr-defined]
            rijen.append(
                {
                    "sender_id": verkoper,
                    "type_name": e.type_name,  # type: ignore[attr-defined]
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
    engine = sa.create_engine(url, future=True)
    with engine.begin() as verbinding:
        for begin in range(0, len(rijen), 5000):
            verbinding.execute(EVENTS.insert(), rijen[begin : begin + 5000])
    engine.dispose()
    return len(rijen)


def _schema(url: str) -> None:
    """Rasa's own table, created by the store endpoints.yml names."""
    from rasa_ext.opslag import StrikteSQLTrackerStore

    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite":
        StrikteSQLTrackerStore(dialect="sqlite", db=u.database)
    else:
        StrikteSQLTrackerStore(
            dialect="postgresql", host=u.host, port=u.port, db=u.database, username=u.username
        )


def _tijd(functie: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of this process; on a shared machine they differ by the
    time spent waiting for a core."""
    tijden, cpu = [], []
    for _ in range(runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        functie()
        tijden.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    return statistics.median(tijden), statistics.median(cpu)


def meet(url: str, runs: int, data: Path) -> Uitslag:
    rng = random.Random(12)
    begin = time.time() - 28 * 86400
    _schema(url)
    uit: Uitslag = {"events_inbox": vul(url, berichten=10_000, rng=rng, tijd=begin)}
    opslag = Opslag(url)
    uit["berichten"] = len(opslag.events(["user"], met_data=False))
    inbox.items(opslag, data=data)  # warm: the training data scan is cached by file times
    # The work itself: what the app keeps until the store changes is dropped first.
    uit["inbox"], uit["inbox_cpu"] = _tijd(
        lambda: (opslag.vergeet(), inbox.items(opslag, data=data)), runs
    )
    uit["inbox_bewaard"], _ = _tijd(lambda: inbox.items(opslag, data=data), runs)
    uit["inbox_items"] = len(inbox.items(opslag, limiet=10**6, data=data))
    teller, merk = iter(range(10**6)), time.time_ns()

    def label() -> None:
        tekst = f"bench voorbeeld {merk} {next(teller)} over korting"  # new in every run
        resultaat = labelen.voeg_toe(tekst, "bezwaar_korting", data=data)
        assert resultaat.ok, resultaat.meldingen

    # The first check reads every NLU file with Rasa; the web app does that at its start.
    uit["labelen_eerst"], _ = _tijd(label, 1)
    uit["labelen"], uit["labelen_cpu"] = _tijd(label, runs)
    uit["events"] = uit["events_inbox"] + vul(url, berichten=10_000, rng=rng, tijd=begin)
    van, tot = date.today() - timedelta(days=29), date.today()

    def bord() -> None:
        dashboard.cijfers(opslag, van=van, tot=tot, per="dag")
        dashboard.grafieken(opslag, van=van, tot=tot, per="dag")

    uit["dashboard"], uit["dashboard_cpu"] = _tijd(lambda: (opslag.vergeet(), bord()), runs)
    uit["dashboard_bewaard"], _ = _tijd(bord, runs)
    week = _tijd(
        lambda: (opslag.vergeet(), dashboard.cijfers(opslag, van=van, tot=tot, per="week")), runs
    )
    uit["dashboard_week"] = week[0]
    opslag.sluit()
    return uit


@contextmanager
def _opslagen(map_: Path, met_postgres: bool) -> Iterator[dict[str, str]]:
    urls = {"SQLite": f"sqlite:///{map_ / 'tracker.db'}"}
    if not met_postgres:
        yield urls
        return
    # Its own folder in /tmp: the server runs as `postgres`, which cannot enter `map_`.
    with (
        tempfile.TemporaryDirectory(prefix="bench-postgres-") as pg,
        postgres_server(Path(pg)) as url,
    ):
        yield {**urls, "PostgreSQL": url}


def _ms(u: Uitslag, sleutel: str) -> str:
    doel = DOELEN.get(sleutel)
    teken = "" if doel is None else (" ✓" if u[sleutel] <= doel else " ✗")
    cpu = f" (cpu {1000 * float(u[sleutel + '_cpu']):.0f} ms)" if f"{sleutel}_cpu" in u else ""
    return f"{1000 * float(u[sleutel]):.0f} ms{teken}{cpu}"


def trainer_tabel(uitslagen: dict[str, Uitslag]) -> list[str]:
    koppen = ["opslag", "inbox (10.000 berichten)", "één voorbeeld schrijven"]
    koppen += ["dashboard + 5 grafieken (100.000 events)", "dashboard per week"]
    rijen = [
        [
            f"{naam} ({u['berichten']} berichten, {u['events']} events)",
            f"{_ms(u, 'inbox')}, {u['inbox_items']} groepen; bewaard {_ms(u, 'inbox_bewaard')}",
            f"{_ms(u, 'labelen')}, de eerste {u['labelen_eerst']:.1f} s",
            f"{_ms(u, 'dashboard')}; bewaard {_ms(u, 'dashboard_bewaard')}",
            _ms(u, "dashboard_week"),
        ]
        for naam, u in uitslagen.items()
    ]
    return tabel(koppen, rijen, links=len(koppen))


def schrijf_sectie(pad: Path, tabel_: list[str], runs: int) -> None:
    """Replace (or append) this bench's section of `pad`; the rest stays."""
    sectie = "\n".join(
        [
            BEGIN,
            "## Trainer-app: inbox, labelen, dashboard (`python -m bench trainer`)",
            "",
            f"Gemeten op {date.today():%d-%m-%Y}, mediaan van {runs} runs, load "
            f"{os.getloadavg()[0]:.1f} bij het schrijven; tussen haakjes de CPU-tijd van het "
            "proces. Doelen en opzet: [bench-methode.md](bench-methode.md#de-trainer-app).",
            "",
            *tabel_,
            EIND,
        ]
    )
    tekst = pad.read_text(encoding="utf-8") if pad.is_file() else ""
    if BEGIN in tekst and EIND in tekst:
        tekst = tekst[: tekst.index(BEGIN)] + sectie + tekst[tekst.index(EIND) + len(EIND) :]
    else:
        tekst = f"{tekst.rstrip()}\n\n{sectie}\n"
    pad.write_text(tekst, encoding="utf-8")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench trainer", description=__doc__)
    p.add_argument("--runs", type=int, default=5, help="herhalingen per meting (mediaan)")
    p.add_argument("--zonder-postgres", action="store_true", help="alleen SQLite")
    p.add_argument("--markdown", type=Path, help="zet de tabel in dit bestand (docs/benchmarks.md)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-trainer-") as tijdelijk:
        data = Path(tijdelijk) / "data"
        shutil.copytree(ROOT / "data", data)  # labelling writes a copy, never data/
        with _opslagen(Path(tijdelijk), not args.zonder_postgres) as urls:
            uitslagen = {naam: meet(url, args.runs, data) for naam, url in urls.items()}
    print("\n".join(tabel_ := trainer_tabel(uitslagen)))
    if args.markdown:
        schrijf_sectie(args.markdown, tabel_, args.runs)
    mislukt = [
        f"{naam}: {sleutel}"
        for naam, u in uitslagen.items()
        for sleutel, doel in DOELEN.items()
        if float(u[sleutel]) > doel
    ]
    if mislukt:
        print(f"Boven het doel: {', '.join(mislukt)}")
    return 1 if mislukt else 0
