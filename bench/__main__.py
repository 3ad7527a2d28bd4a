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
from pathlib import Path
from typing import Any

from bench import accuracy, report, serve, train
from bench.measure import GEHEUGEN_INTERVAL, machine
from bench.serve import OPWARM_PARSES, TIMEOUT, VERKOOP_FASEN, WORKERS, melding
from bench.targets import KEYWORD, PROJECT, STANDAARD, doelen
from stack.launcher import MODEL, REDIS_OPTIES, sigterm_als_ctrl_c
from stack.paths import ROOT
from tools.domein import nlu_voorbeelden
from tools.nlu_eval import HELD_OUT, laad_model_parser

# dest: (option, full run, --quick run, help)
STANDAARDEN: dict[str, tuple[str, Any, Any, str]] = {
    "runs": ("--runs", 3, 1, "herhalingen per tijdmeting"),
    "train_runs": ("--train-runs", 3, 1, "trainingen van nul van config.yml"),
    "standaard_train_runs": ("--standaard-train-runs", 1, 0, "idem, Rasa's standaard (traag)"),
    "niveaus": ("--niveaus", (1, 10, 50), (1, 5), "gelijktijdige verkopers, bijv. 1,10,50"),
    "verkopen_per_verkoper": ("--verkopen", 2, 1, "verkopen per verkoper bij belasting"),
    "rondreis_berichten": ("--rondreis", 60, 12, "berichten voor de rondreis van 1 verkoper"),
}
SUBCOMMANDOS = ("telegram", "trainer", "nlu", "oefenen")  # main(argv)


def _niveaus(tekst: str) -> tuple[int, ...]:
    niveaus = tuple(int(d) for d in tekst.split(","))
    if not niveaus or min(niveaus) < 1 or max(niveaus) > 200:
        raise argparse.ArgumentTypeError("tussen 1 en 200 verkopers")
    return niveaus


def instellingen(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="rooktest: weinig verkeer, 1 training, geen DIET"
    )
    p.add_argument("--zonder-standaard", action="store_true", help="Rasa's standaard niet meten")
    for naam, (optie, vol, snel, uitleg) in STANDAARDEN.items():
        soort = _niveaus if naam == "niveaus" else int
        p.add_argument(optie, dest=naam, type=soort, help=f"{uitleg} ({vol}; --quick {snel})")
    p.add_argument("--project-model", type=Path, help="dit model meten, bijv. models/coach.tar.gz")
    p.add_argument("--standaard-model", type=Path, help="dit model van de standaardpipeline meten")
    p.add_argument("--workers", type=int, default=WORKERS, help="Rasa-workers (%(default)s)")
    p.add_argument("--json", type=Path, help="standaard reports/bench(-deel).json")
    p.add_argument("--markdown", type=Path, help="standaard docs/benchmarks.md")
    args = p.parse_args(argv)
    for naam, (_, vol, snel, _) in STANDAARDEN.items():
        if getattr(args, naam) is None:
            setattr(args, naam, snel if args.quick else vol)
    args.zonder_standaard |= args.quick  # a smoke run does not train DIET for half an hour
    if args.standaard_model:
        args.standaard_train_runs = 0
    # Only a full run replaces the committed tables; a partial one goes to reports/.
    deel = "-deel" if args.zonder_standaard else ""
    args.json = args.json or ROOT / "reports" / f"bench{deel}.json"
    args.markdown = args.markdown or ROOT / (
        "reports/benchmarks-deel.md" if deel else "docs/benchmarks.md"
    )
    return args


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def opzet(argv: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """What was run, where, and how it was measured."""
    eigen = shlex.join(["python", "-m", "bench", *argv])
    return {
        "datum": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commando": f"make bench ({eigen})" if os.environ.get("MAKELEVEL") else eigen,
        "git": {
            "commit": _git("rev-parse", "--short", "HEAD") or "onbekend",
            "gewijzigd": bool(_git("status", "--porcelain", "--untracked-files=no")),
        },
        "machine": machine(),
        "instellingen": {k: str(w) if isinstance(w, Path) else w for k, w in vars(args).items()},
        "meetopzet": {
            "verkoop_fasen": list(VERKOOP_FASEN),
            "timeout_s": TIMEOUT,
            "opwarm_parses": OPWARM_PARSES,
            "geheugen_interval_s": GEHEUGEN_INTERVAL,
            "SANIC_WORKERS": str(args.workers),
            "ACTION_SERVER_SANIC_WORKERS": os.environ.get(
                "ACTION_SERVER_SANIC_WORKERS", "1 (rasa-sdk's standaard)"
            ),
            "opslag": shlex.join(["redis-server", *REDIS_OPTIES]),
        },
    }


def bench(argv: list[str]) -> int:
    args = instellingen(argv)
    train.WERKMAP.mkdir(parents=True, exist_ok=True)
    rijen, resultaat = nlu_voorbeelden(HELD_OUT), opzet(argv, args)
    pipelines: dict[str, dict[str, Any]] = {}
    project_model = None if args.train_runs else MODEL
    opgegeven = {  # config, timed trainings, the model to measure (None: the first one trained)
        PROJECT: (ROOT / "config.yml", args.train_runs, args.project_model or project_model),
        STANDAARD: (train.RASA_INIT_CONFIG, args.standaard_train_runs, args.standaard_model),
    }
    if args.zonder_standaard:
        del opgegeven[STANDAARD]
    try:
        for naam, (config, runs, model) in opgegeven.items():
            pipelines[naam] = train.pipeline(naam, config, runs, model, melding)
        modellen = {naam: Path(pipelines[naam]["model"]) for naam in opgegeven}
        melding("servers starten: " + ", ".join(f"{n} met {m}" for n, m in modellen.items()))
        workers = max(1, args.workers)
        gemeten = serve.meet_modellen(modellen, train.WERKMAP, args, rijen, workers)
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
    resultaat["machine"]["load_bij_einde"] = list(os.getloadavg())
    resultaat |= {"pipelines": pipelines, "doelen": doelen(pipelines)}
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
