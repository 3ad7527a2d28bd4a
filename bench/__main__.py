"""`make bench`: the coach against Rasa's default pipeline and a keyword baseline.

    python -m bench [--quick] [...]      everything; writes reports/bench.json, docs/benchmarks.md
    python -m bench serving [...]        the served model under load only, as JSON (about a minute)
    python -m bench telegram [...]       latency through the Telegram layer (make bench-telegram)
    python -m bench trainer [...]        the trainers' web app: inbox, labelling, dashboard

What is measured and how: docs/bench-methode.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import serve, train
from bench.blind import blind_uitslag
from bench.keyword_baseline import KeywordBaseline
from bench.measure import GEHEUGEN_INTERVAL, machine
from bench.report import schrijf_json, schrijf_markdown
from bench.targets import KEYWORD, PROJECT, STANDAARD, doelen
from bench.traffic import OPWARM_PARSES, TIMEOUT, VERKOOP_FASEN, Verkeer
from stack.launcher import sigterm_als_ctrl_c
from stack.paths import ROOT
from tools.domein import fase_per_intent, nlu_voorbeelden
from tools.nlu_eval import (
    GEEN_FASE,
    HELD_OUT,
    Voorspelling,
    fase_scores,
    fase_van,
    laad_model_parser,
)

FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
WERKMAP = ROOT / "reports" / "bench"
GETRAIND_MODEL = ROOT / "models" / "coach.tar.gz"
WORKERS = 2  # one Rasa process per core of the 2-core machine (docs/serving.md)
# dest: (option, full run, --quick run, help)
STANDAARDEN: dict[str, tuple[str, Any, Any, str]] = {
    "runs": ("--runs", 3, 1, "herhalingen per tijdmeting"),
    "train_runs": ("--train-runs", 3, 1, "trainingen van nul van config.yml"),
    "standaard_train_runs": ("--standaard-train-runs", 1, 1, "idem, Rasa's standaard (traag)"),
    "niveaus": ("--niveaus", (1, 10, 50), (1, 5), "gelijktijdige verkopers, bijv. 1,10,50"),
    "verkopen_per_verkoper": ("--verkopen", 2, 1, "verkopen per verkoper bij belasting"),
    "rondreis_berichten": ("--rondreis", 60, 12, "berichten voor de rondreis van 1 verkoper"),
}


def _melding(tekst: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {tekst}", file=sys.stderr, flush=True)


def _niveaus(tekst: str) -> tuple[int, ...]:
    niveaus = tuple(int(d) for d in tekst.split(","))
    if not niveaus or min(niveaus) < 1 or max(niveaus) > 200:
        raise argparse.ArgumentTypeError("tussen 1 en 200 verkopers")
    return niveaus


def instellingen(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="rooktest: weinig verkeer, 1 training")
    for naam, (optie, vol, snel, uitleg) in STANDAARDEN.items():
        soort = _niveaus if naam == "niveaus" else int
        p.add_argument(optie, dest=naam, type=soort, help=f"{uitleg} ({vol}; --quick {snel})")
    p.add_argument("--project-model", type=Path, help="dit model meten, bijv. models/coach.tar.gz")
    p.add_argument("--standaard-model", type=Path, help="dit model van de standaardpipeline meten")
    p.add_argument("--workers", type=int, default=WORKERS, help="Rasa-workers (%(default)s)")
    p.add_argument("--json", type=Path, default=ROOT / "reports" / "bench.json")
    p.add_argument("--markdown", type=Path, help="standaard docs/benchmarks.md")
    args = p.parse_args(argv)
    for naam, (_, vol, snel, _) in STANDAARDEN.items():
        if getattr(args, naam) is None:
            setattr(args, naam, snel if args.quick else vol)
    if args.quick and args.standaard_model is None:  # a smoke run need not train DIET again
        args.standaard_model = vorig_model(STANDAARD, train.rasa_init_config())
    if args.standaard_model:
        args.standaard_train_runs = 0
    args.markdown = args.markdown or ROOT / (
        "reports/benchmarks-quick.md" if args.quick else "docs/benchmarks.md"
    )
    return args


def vorig_model(naam: str, config: Path) -> Path | None:
    """The model an earlier run trained, if it saw the same config, domain and data."""
    model, afdruk = WERKMAP / f"{naam}.tar.gz", WERKMAP / f"{naam}.vingerafdruk"
    gelijk = afdruk.is_file() and afdruk.read_text().strip() == train.vingerafdruk(config)
    return model if gelijk and model.is_file() else None


def git_versie() -> dict[str, Any]:
    def git(*args: str) -> str:
        uit = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return uit.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD") or "onbekend",
        "gewijzigd": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def nlu_uitslag(rijen: list[tuple[str, str, Path]], voorspeld: list[tuple[str, float]]) -> dict:
    """Accuracy, phase scores and out-of-domain handling, via tools.nlu_eval."""
    fasen = fase_per_intent()
    paren = [
        (Voorspelling(t, i, intent, zekerheid), pad.name == "buiten_domein.yml")
        for (t, i, pad), (intent, zekerheid) in zip(rijen, voorspeld, strict=True)
    ]
    in_domein = [v for v, ood in paren if not ood]
    buiten = [v for v, ood in paren if ood]
    nauwkeurigheid, scores = fase_scores([v for v, _ in paren], fasen)
    return {
        "intent_nauwkeurigheid": statistics.mean(v.intent == v.verwacht for v in in_domein),
        "fase_nauwkeurigheid": nauwkeurigheid,
        "macro_f1": statistics.mean(s.f1 for s in scores),
        "ood_fallback": statistics.mean(v.intent in FALLBACK_INTENTS for v in buiten),
        "ood_met_fase": statistics.mean(fase_van(v.intent, fasen) != GEEN_FASE for v in buiten),
        "per_fase": {s.fase: asdict(s) for s in scores},
        "aantallen": {"held_out": len(paren), "in_domein": len(in_domein), "ood": len(buiten)},
    }


def meet_keyword(rijen: list[tuple[str, str, Path]], runs: int = 5) -> dict[str, Any]:
    """The keyword table is built in-process; its 'training' is reading the data and counting."""
    tijden = []
    for _ in range(runs):
        begin = time.perf_counter()
        baseline = KeywordBaseline.train((t, i) for t, i, _ in nlu_voorbeelden(ROOT / "data"))
        tijden.append(time.perf_counter() - begin)
    return {
        "training": {"runs_s": tijden, "mediaan_s": statistics.median(tijden)},
        "nlu": nlu_uitslag(rijen, [baseline.parse(t) for t, _, _ in rijen]),
        "blind": blind_uitslag(baseline.parse),
    }


def train_pipeline(naam: str, config: Path, runs: int, model: Path | None) -> dict[str, Any]:
    """`runs` trainings from scratch (timed); measured is `model`, else the first trained one."""
    tijden: list[float] = []
    cpu: list[float] = []
    for run in range(runs):
        _melding(f"{naam}: rasa train van nul, run {run + 1}/{runs}")
        doel = WERKMAP / f"{naam}-{run}.tar.gz"
        seconden, cpu_s = train.train_van_nul(config, naam, doel, WERKMAP / f"{naam}-{run}.log")
        _melding(f"{naam}: {seconden:.0f} s (cpu {cpu_s:.0f} s)")
        tijden.append(seconden)
        cpu.append(cpu_s)
        if run == 0:
            shutil.move(doel, WERKMAP / f"{naam}.tar.gz")
            (WERKMAP / f"{naam}.vingerafdruk").write_text(train.vingerafdruk(config) + "\n")
        else:
            doel.unlink()
    training = {"runs_s": tijden, "cpu_s": cpu, "mediaan_s": statistics.median(tijden or [0])}
    gekozen = model or (WERKMAP / f"{naam}.tar.gz" if runs else None)
    gekozen = gekozen or (GETRAIND_MODEL if naam == PROJECT else None)
    if gekozen is None or not gekozen.is_file():
        raise RuntimeError(f"{naam}: geen model om te meten ({gekozen})")
    return {
        "config": str(config),
        "model": str(gekozen),
        "training": training if tijden else {"runs_s": []},
    }


def bench(argv: list[str]) -> int:
    args = instellingen(argv)
    WERKMAP.mkdir(parents=True, exist_ok=True)
    rijen = nlu_voorbeelden(HELD_OUT)
    verkeer = Verkeer.uit(
        rijen,
        runs=args.runs,
        rondreis_berichten=args.rondreis_berichten,
        niveaus=args.niveaus,
        verkopen_per_verkoper=args.verkopen_per_verkoper,
    )
    eigen = shlex.join(["python", "-m", "bench", *argv])
    resultaat: dict[str, Any] = {
        "datum": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commando": f"make bench ({eigen})" if os.environ.get("MAKELEVEL") else eigen,
        "git": git_versie(),
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
            "opslag": shlex.join(["redis-server", *serve.REDIS_OPTIES]),
        },
        "rasa_init_config": str(train.rasa_init_config()),
        "rasa_standaard_componenten": train.componenten(),
    }
    pipelines: dict[str, dict[str, Any]] = {KEYWORD: meet_keyword(rijen)}
    _melding("keyword-baseline klaar")
    try:
        pipelines[PROJECT] = train_pipeline(
            PROJECT, ROOT / "config.yml", args.train_runs, args.project_model
        )
        pipelines[STANDAARD] = train_pipeline(
            STANDAARD, train.rasa_init_config(), args.standaard_train_runs, args.standaard_model
        )
        modellen = {naam: Path(pipelines[naam]["model"]) for naam in (PROJECT, STANDAARD)}
        _melding("servers starten: " + ", ".join(f"{n} met {m}" for n, m in modellen.items()))
        gemeten = serve.meet_modellen(modellen, WERKMAP, verkeer, max(1, args.workers), _melding)
        for naam, model in modellen.items():
            pipelines[naam]["nlu"] = nlu_uitslag(rijen, gemeten[naam].pop("voorspellingen"))
            pipelines[naam].update(gemeten[naam])
            _melding(f"{naam}: blinde sets")
            pipelines[naam]["blind"] = blind_uitslag(laad_model_parser(model))
    except Exception as exc:  # report what was measured so far, then fail
        _melding(f"FOUT: {exc}")
        resultaat["fout"] = str(exc)
    resultaat["machine"]["load_bij_einde"] = list(os.getloadavg())
    resultaat["pipelines"] = pipelines
    resultaat["doelen"] = doelen(pipelines)
    schrijf_json(resultaat, args.json)
    if "fout" in resultaat:
        return 1
    schrijf_markdown(resultaat, args.markdown)
    _melding(f"klaar: {args.json} en {args.markdown}")
    return 0


def serving(argv: list[str]) -> int:
    """One model, one serving set-up, one load level: the quick runs of docs/serving.md."""
    import json

    p = argparse.ArgumentParser(prog="python -m bench serving", description=serving.__doc__)
    p.add_argument("--model", type=Path, default=GETRAIND_MODEL)
    p.add_argument("--workers", type=int, default=WORKERS, help="standaard %(default)s")
    p.add_argument("--runs", type=int, default=4, help="standaard %(default)s")
    p.add_argument("--verkopers", type=int, default=50, help="standaard %(default)s")
    args = p.parse_args(argv)
    verkeer = Verkeer.uit(
        nlu_voorbeelden(HELD_OUT),
        runs=args.runs,
        rondreis_berichten=30,
        niveaus=(args.verkopers,),
        verkopen_per_verkoper=2,
    )
    load = os.getloadavg()[0]
    (werkmap := WERKMAP / "serving").mkdir(parents=True, exist_ok=True)
    uit = serve.meet_modellen({PROJECT: args.model}, werkmap, verkeer, args.workers, _melding)
    uit, belasting = uit[PROJECT], uit[PROJECT]["belasting"][str(args.verkopers)]
    figuren = {
        "workers": args.workers,
        "verkopers": args.verkopers,
        "p50_ms": round(belasting["p50"]),  # medians over the runs
        "p95_ms": round(belasting["p95"]),
        "doorvoer_per_s": round(belasting["doorvoer"], 1),
        "doorvoer_per_run": [round(r["doorvoer"], 1) for r in belasting["runs"]],
        "verloren": belasting["verloren"],
        "steal_per_run": [round(r["steal"], 3) for r in belasting["runs"]],
        "rondreis_1_verkoper_p95_ms": round(uit["rondreis_ms"]["p95"]),
        "piek_rss_som_mib": round(uit["geheugen_mb"]["rasa"]),
        "piek_pss_mib": round(uit["pss_mb"]["rasa"]),
        "processen": uit["processen"]["rasa"],
        "load": [round(load, 2), round(os.getloadavg()[0], 2)],
    }
    print(json.dumps(figuren, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, sigterm_als_ctrl_c)  # so servers and a training are stopped
    if argv[:1] == ["telegram"]:
        from bench import telegram

        return telegram.main(argv[1:])
    if argv[:1] == ["serving"]:
        return serving(argv[1:])
    if argv[:1] == ["trainer"]:
        from bench import trainer

        return trainer.main(argv[1:])
    return bench(argv)


if __name__ == "__main__":
    sys.exit(main())
