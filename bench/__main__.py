"""`make bench`: the coach against Rasa's default pipeline and a keyword baseline.

python -m bench [--quick] [...]      everything; writes reports/bench.json, docs/benchmarks.md
python -m bench --zonder-standaard   without Rasa's default: a partial run, into reports/
python -m bench telegram [...]       latency through the Telegram layer (make bench-telegram)
python -m bench trainer [...]        the trainers' web app: inbox, labelling, dashboard
python -m bench nlu [--model M]      ms per message per NLU component, in-process
python -m bench oefenen [--runs N]   the learned judge: training at start-up, ms per answer
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shlex
import signal
import subprocess
import sys
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench import accuracy, report, serve, train
from bench.measure import load, machine
from bench.serve import WORKERS, Rijen, melding
from bench.targets import KEYWORD, PROJECT, RSS_GRENS_MB, STANDAARD, doelen
from stack.launcher import MODEL, REDIS_OPTIES, sigterm_als_ctrl_c
from stack.paths import ROOT, relatief
from tools.domein import nlu_voorbeelden
from tools.nlu_eval import HELD_OUT, laad_model_parser

# --quick, a smoke run: little traffic, one training, no DIET (later options still win)
SNEL = "--zonder-standaard --runs 1 --train-runs 1 --niveaus 1,5 --verkopen 1 --rondreis 12"
SUBCOMMANDOS = ("telegram", "trainer", "nlu", "oefenen")  # main(argv)


def _aantal(tekst: str) -> int:
    if not 1 <= (getal := int(tekst)) <= 200:
        raise argparse.ArgumentTypeError("tussen 1 en 200")
    return getal


def instellingen(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help=SNEL)
    p.add_argument("--zonder-standaard", action="store_true", help="Rasa's standaard niet meten")
    p.add_argument("--runs", type=_aantal, default=3, help="herhalingen per tijdmeting")
    p.add_argument("--train-runs", type=int, default=3, help="trainingen van config.yml")
    p.add_argument("--standaard-train-runs", type=int, default=1, help="idem, Rasa's standaard")
    niveaus = lambda t: tuple(map(_aantal, t.split(",")))  # noqa: E731
    p.add_argument("--niveaus", type=niveaus, default=(1, 10, 50), help="verkopers tegelijk")
    p.add_argument("--verkopen", dest="verkopen_per_verkoper", type=_aantal, default=2)
    p.add_argument("--rondreis", dest="rondreis_berichten", type=_aantal, default=60)
    p.add_argument("--project-model", type=Path, help="dit model meten, bijv. models/coach.tar.gz")
    p.add_argument("--standaard-model", type=Path, help="dit model van de standaardpipeline meten")
    p.add_argument("--workers", type=_aantal, default=WORKERS, help="Rasa-workers (%(default)s)")
    p.add_argument("--json", type=Path, help="standaard reports/bench(-deel).json")
    p.add_argument("--markdown", type=Path, help="standaard docs/benchmarks.md")
    args = p.parse_args([*SNEL.split(), *argv] if "--quick" in argv else argv)
    if args.standaard_model or args.zonder_standaard:
        args.standaard_train_runs = 0
    if not args.train_runs:
        args.project_model = args.project_model or MODEL
    # Only a full run replaces the committed tables; a partial one goes to reports/.
    deel = "-deel" if args.zonder_standaard else ""
    args.json = args.json or ROOT / "reports" / f"bench{deel}.json"
    args.markdown = args.markdown or ROOT / (
        "reports/benchmarks-deel.md" if deel else "docs/benchmarks.md"
    )
    return args


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def kop(argv: list[str], args: argparse.Namespace, rijen: Rijen) -> dict[str, str]:
    """The report's header: when, what and where; the load at the end is added then."""
    eigen = shlex.join(["python", "-m", "bench", *argv])
    commit = _git("rev-parse", "--short", "HEAD") or "onbekend"
    commit += " met lokale wijzigingen" if _git("status", "--porcelain", "-uno") else ""
    ood = sum(pad.name == "buiten_domein.yml" for _, _, pad in rijen)
    return {
        "datum": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commando": f"`make bench ({eigen})`" if os.environ.get("MAKELEVEL") else f"`{eigen}`",
        "machine": machine(),
        "load (1, 5, 15 min)": f"bij de start {load()}",
        "software": f"Rasa {version('rasa')}, rasa-sdk {version('rasa-sdk')}; commit {commit}",
        "held-out": f"{len(rijen)} testzinnen uit `tests/nlu/`, waarvan {ood} buiten domein "
        "(`tests/nlu/buiten_domein.yml`)",
        "herhalingen": f"{args.runs} run(s) per tijdmeting (de tabel toont de mediaan)",
    }


def opzet(args: argparse.Namespace, pipelines: dict[str, Any]) -> dict[str, str]:
    """This run's settings ("Hoe gemeten"); what they mean is in docs/bench-methode.md."""
    fasen, redis = serve.VERKOOP_FASEN, shlex.join(["redis-server", *REDIS_OPTIES])
    actie = os.environ.get("ACTION_SERVER_SANIC_WORKERS", "1 (rasa-sdk's standaard)")
    return {
        "model project": pipelines.get(PROJECT, {}).get("bron", "niet gemeten"),
        "model Rasa-standaard": pipelines.get(STANDAARD, {}).get("bron", "niet gemeten")
        + "; de `config.yml` van `rasa init` ([bench-methode.md](bench-methode.md))",
        "trainingen van nul": f"project {args.train_runs}, standaard {args.standaard_train_runs}, "
        f"keyword {accuracy.KEYWORD_RUNS}",
        "servers": f"SANIC_WORKERS {args.workers}, ACTION_SERVER_SANIC_WORKERS {actie}; {redis}; "
        f"opwarmen: {serve.OPWARM_PARSES} parses en een verkoop",
        "rondreis": f"{args.rondreis_berichten} berichten, "
        f"een nieuwe verkoop per {len(fasen)} berichten",
        "belasting": f"{', '.join(map(str, args.niveaus))} verkopers tegelijk, "
        f"elk {args.verkopen_per_verkoper} verkoop/verkopen van {len(fasen)} berichten "
        f"({', '.join(fasen)}); time-out {serve.TIMEOUT:.0f} s",
        "geheugen": f"na de belasting gelezen; grens 1.3 GB = {RSS_GRENS_MB:.0f} MiB",
    }


def bench(argv: list[str]) -> int:
    args = instellingen(argv)
    train.WERKMAP.mkdir(parents=True, exist_ok=True)
    rijen, pipelines = nlu_voorbeelden(HELD_OUT), {}
    resultaat: dict[str, Any] = {"kop": kop(argv, args, rijen)}
    # config, timed trainings, the model to measure (None: the first one trained)
    opgegeven = {PROJECT: (ROOT / "config.yml", args.train_runs, args.project_model)}
    standaard = (train.RASA_INIT_CONFIG, args.standaard_train_runs, args.standaard_model)
    if not args.zonder_standaard:
        opgegeven[STANDAARD] = standaard
    try:
        for naam, (config, runs, model) in opgegeven.items():
            pipelines[naam] = train.pipeline(naam, config, runs, model, melding)
        modellen = {naam: Path(pipelines[naam]["model"]) for naam in opgegeven}
        melding("servers starten: " + ", ".join(f"{n} met {m}" for n, m in modellen.items()))
        gemeten = serve.meet_modellen(modellen, train.WERKMAP, args, rijen)
        for naam, model in modellen.items():
            pipelines[naam]["nlu"] = accuracy.held_out(rijen, gemeten[naam].pop("voorspellingen"))
            pipelines[naam].update(gemeten[naam])
            melding(f"{naam}: blinde sets")
            pipelines[naam]["blind"] = accuracy.blind(laad_model_parser(model))
    except Exception as exc:  # report what was measured so far, then fail
        melding(f"FOUT: {exc}")
        resultaat["fout"] = str(exc)
    # In-process work after the load: its objects would make the load generator's GC slower.
    pipelines[KEYWORD] = accuracy.meet_keyword(rijen)
    resultaat["kop"]["load (1, 5, 15 min)"] += f"; aan het eind {load()}"
    opties = {k: relatief(w) if isinstance(w, Path) else w for k, w in vars(args).items()}
    resultaat |= {
        "instellingen": opties,
        "opzet": opzet(args, pipelines),
        "pipelines": pipelines,
        "doelen": doelen(pipelines),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(resultaat, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if "fout" in resultaat:
        return 1
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(report.markdown(resultaat), encoding="utf-8")
    melding(f"klaar: {args.json} en {args.markdown}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, sigterm_als_ctrl_c)  # so servers and a training are stopped
    if argv[:1] and argv[0] in SUBCOMMANDOS:
        return importlib.import_module(f"bench.{argv[0]}").main(argv[1:])
    return bench(argv)


if __name__ == "__main__":
    sys.exit(main())
