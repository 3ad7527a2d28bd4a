"""`make bench`: the coach against Rasa's default pipeline and a keyword baseline.

On the held-out messages (tests/nlu/, never trained on; buiten_domein.yml holds
the out-of-domain messages) it compares, side by side:

1. the project's config.yml;
2. Rasa's default pipeline: the config.yml that `rasa init` writes, from the
   installed Rasa package, trained on the same domain and data;
3. a keyword baseline (bench/keyword_baseline.py), as a floor.

It measures accuracy, out-of-domain handling, `rasa train` from scratch, the
latency of /model/parse and of the full round trip through the REST webhook with
the real action server, load with concurrent sellers, and peak RSS. It writes
reports/bench.json and the table in docs/benchmarks.md (a --quick run writes
reports/benchmarks-quick.md instead, so the committed table is always a full run).
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
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import train as bench_train
from bench.keyword_baseline import KeywordBaseline
from bench.measure import GEHEUGEN_INTERVAL, machine
from bench.report import schrijf_json, schrijf_markdown
from bench.serve import REDIS_OPTIES, Verkeer, meet_modellen
from bench.targets import KEYWORD, PROJECT, STANDAARD, doelen
from bench.traffic import OPWARM_PARSES, TIMEOUT, VERKOOP_FASEN
from tools.domein import ROOT, fase_per_intent, nlu_voorbeelden
from tools.nlu_eval import GEEN_FASE, HELD_OUT, Voorspelling, fase_scores, fase_van

OOD_BESTAND = "buiten_domein.yml"
FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
WERKMAP = ROOT / "reports" / "bench"
PROJECT_CONFIG = ROOT / "config.yml"
GETRAIND_MODEL = ROOT / "models" / "coach.tar.gz"
WORKERS = 2  # one Rasa process per core of the 2-core machine (docs/serving.md)

Rij = tuple[str, str, Path]


@dataclass(frozen=True)
class Instellingen:
    runs: int
    train_runs: int
    standaard_train_runs: int
    niveaus: tuple[int, ...]
    verkopen_per_verkoper: int
    rondreis_berichten: int
    project_model: Path | None
    standaard_model: Path | None
    quick: bool
    workers: int


def _positief(tekst: str) -> int:
    waarde = int(tekst)
    if waarde < 0:
        raise argparse.ArgumentTypeError("moet 0 of meer zijn")
    return waarde


def _niveaus(tekst: str) -> tuple[int, ...]:
    try:
        niveaus = tuple(int(d) for d in tekst.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("bijv. 1,10,50") from exc
    if not niveaus or min(niveaus) < 1 or max(niveaus) > 200:
        raise argparse.ArgumentTypeError("tussen 1 en 200 verkopers")
    return niveaus


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark: config.yml tegen Rasa's standaardpipeline en een "
        "keyword-baseline. Schrijft reports/bench.json en docs/benchmarks.md.",
        epilog="Met --quick: 1 run, 1 training van config.yml, 1 en 5 verkopers, 1 verkoop per "
        "verkoper, 12 rondreisberichten, de tabel in reports/benchmarks-quick.md, en het model "
        "van de standaardpipeline uit een eerdere run (reports/bench/rasa_standaard.tar.gz) als "
        "dat er is. Zonder --quick: alles vers, en de tabel in docs/benchmarks.md.",
    )
    p.add_argument("--quick", action="store_true", help="snelle rooktest met weinig verkeer")
    p.add_argument("--runs", type=_positief, help="herhalingen per tijdmeting (standaard 3)")
    p.add_argument(
        "--train-runs", type=_positief, help="trainingen van nul van config.yml (standaard 3)"
    )
    p.add_argument(
        "--standaard-train-runs",
        type=_positief,
        help="trainingen van nul van Rasa's standaardpipeline (standaard 1: die is traag)",
    )
    p.add_argument("--niveaus", type=_niveaus, help="gelijktijdige verkopers (standaard 1,10,50)")
    p.add_argument(
        "--verkopen", type=_positief, help="verkopen per verkoper bij belasting (standaard 2)"
    )
    p.add_argument(
        "--rondreis",
        type=_positief,
        help="berichten voor de rondreis van 1 verkoper (standaard 60)",
    )
    p.add_argument(
        "--project-model",
        type=Path,
        help="dit model meten in plaats van het eerste zelf getrainde, bijv. models/coach.tar.gz",
    )
    p.add_argument(
        "--standaard-model",
        type=Path,
        help="bestaand model van de standaardpipeline meten; slaat die training over",
    )
    p.add_argument(
        "--workers",
        type=_positief,
        default=WORKERS,
        help="Rasa-workers per server (SANIC_WORKERS, rasa_ext.server; standaard %(default)s: "
        "één per core)",
    )
    p.add_argument(
        "--json", type=Path, default=ROOT / "reports" / "bench.json", help="standaard %(default)s"
    )
    p.add_argument("--markdown", type=Path, help="standaard docs/benchmarks.md")
    return p


def instellingen(args: argparse.Namespace) -> Instellingen:
    def kies(waarde: Any, vol: Any, snel: Any) -> Any:
        return waarde if waarde is not None else (snel if args.quick else vol)

    standaard_model = args.standaard_model
    if args.quick and standaard_model is None and args.standaard_train_runs is None:
        # A smoke run need not spend 15+ minutes on DIET and TED again.
        standaard_model = vorig_model(STANDAARD, bench_train.rasa_init_config())
    standaard_runs = 0 if standaard_model else kies(args.standaard_train_runs, 1, 1)
    return Instellingen(
        runs=max(1, kies(args.runs, 3, 1)),
        train_runs=kies(args.train_runs, 3, 1),
        standaard_train_runs=standaard_runs,
        niveaus=kies(args.niveaus, (1, 10, 50), (1, 5)),
        verkopen_per_verkoper=max(1, kies(args.verkopen, 2, 1)),
        rondreis_berichten=max(1, kies(args.rondreis, 60, 12)),
        project_model=args.project_model,
        standaard_model=standaard_model,
        quick=args.quick,
        workers=max(1, args.workers),
    )


def _vingerafdruk_pad(naam: str) -> Path:
    return WERKMAP / f"{naam}.vingerafdruk"


def vorig_model(naam: str, config: Path) -> Path | None:
    """The model an earlier run trained, if it saw the same config, domain and data."""
    model, afdruk = WERKMAP / f"{naam}.tar.gz", _vingerafdruk_pad(naam)
    gelijk = afdruk.is_file() and afdruk.read_text().strip() == bench_train.vingerafdruk(config)
    return model if gelijk and model.is_file() else None


def git_versie() -> dict[str, Any]:
    """Which commit was measured, and whether the working tree had changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD") or "onbekend",
        "gewijzigd": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def commando(argv: list[str]) -> str:
    """How this run was started, as someone would type it."""
    eigen = shlex.join(["python", "-m", "bench", *argv])
    return f"make bench ({eigen})" if os.environ.get("MAKELEVEL") else eigen


def nlu_uitslag(rijen: list[Rij], voorspeld: list[tuple[str, float]]) -> dict[str, Any]:
    """Accuracy, phase scores and out-of-domain handling, via tools.nlu_eval."""
    fasen = fase_per_intent()
    paren = [
        (Voorspelling(t, i, intent, zekerheid), pad.name == OOD_BESTAND)
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


def _melding(tekst: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {tekst}", file=sys.stderr, flush=True)


def meet_keyword(rijen: list[Rij], runs: int = 5) -> dict[str, Any]:
    """The keyword table is built in-process; its 'training' is reading the data and counting."""
    tijden = []
    for _ in range(runs):
        begin = time.perf_counter()
        baseline = KeywordBaseline.train((t, i) for t, i, _ in nlu_voorbeelden(ROOT / "data"))
        tijden.append(time.perf_counter() - begin)
    return {
        "training": {"runs_s": tijden, "mediaan_s": statistics.median(tijden)},
        "nlu": nlu_uitslag(rijen, [baseline.parse(t) for t, _, _ in rijen]),
    }


def train(config: Path, naam: str, runs: int) -> tuple[dict[str, Any], Path | None]:
    """`runs` trainings from scratch; the timings and the first model."""
    tijden: list[float] = []
    cpu: list[float] = []
    eerste: Path | None = None
    for run in range(runs):
        _melding(f"{naam}: rasa train van nul, run {run + 1}/{runs}")
        doel = WERKMAP / f"{naam}-{run}.tar.gz"
        uitslag = bench_train.train_van_nul(config, naam, doel, WERKMAP / f"{naam}-{run}.log")
        _melding(f"{naam}: {uitslag.seconden:.0f} s (cpu {uitslag.cpu_seconden:.0f} s)")
        tijden.append(uitslag.seconden)
        cpu.append(uitslag.cpu_seconden)
        if eerste is None:
            eerste = Path(shutil.move(doel, WERKMAP / f"{naam}.tar.gz"))
            _vingerafdruk_pad(naam).write_text(bench_train.vingerafdruk(config) + "\n")
        else:
            doel.unlink()
    if not tijden:
        return {"runs_s": []}, None
    return {"runs_s": tijden, "cpu_s": cpu, "mediaan_s": statistics.median(tijden)}, eerste


def train_pipeline(naam: str, config: Path, runs: int, model: Path | None) -> dict[str, Any]:
    """Train (timed); the model to measure is `model` if given, else the first trained one."""
    training, getraind = train(config, naam, runs)
    gekozen = model or getraind or (GETRAIND_MODEL if naam == PROJECT else None)
    if gekozen is None or not gekozen.is_file():
        raise RuntimeError(f"{naam}: geen model om te meten ({gekozen})")
    return {"config": str(config), "model": str(gekozen), "training": training}


def meet_pipelines(
    pipelines: dict[str, dict[str, Any]], inst: Instellingen, rijen: list[Rij], v: Verkeer
) -> None:
    """Train both Rasa pipelines, then serve and measure them; fills `pipelines` as it goes."""
    pipelines[PROJECT] = train_pipeline(
        PROJECT, PROJECT_CONFIG, inst.train_runs, inst.project_model
    )
    pipelines[STANDAARD] = train_pipeline(
        STANDAARD, bench_train.rasa_init_config(), inst.standaard_train_runs, inst.standaard_model
    )
    modellen = {naam: Path(pipelines[naam]["model"]) for naam in (PROJECT, STANDAARD)}
    _melding("servers starten: " + ", ".join(f"{n} met {m}" for n, m in modellen.items()))
    gemeten = meet_modellen(modellen, WERKMAP, v, inst.workers)
    for naam in modellen:
        pipelines[naam]["nlu"] = nlu_uitslag(rijen, gemeten[naam].pop("voorspellingen"))
        pipelines[naam].update(gemeten[naam])


def meetopzet(inst: Instellingen) -> dict[str, Any]:
    """The fixed parts of the set-up, recorded with the figures."""
    return {
        "verkoop_fasen": list(VERKOOP_FASEN),
        "timeout_s": TIMEOUT,
        "opwarm_parses": OPWARM_PARSES,
        "geheugen_interval_s": GEHEUGEN_INTERVAL,
        "SANIC_WORKERS": str(inst.workers),
        "ACTION_SERVER_SANIC_WORKERS": os.environ.get(
            "ACTION_SERVER_SANIC_WORKERS", "1 (rasa-sdk's standaard)"
        ),
        "opslag": shlex.join(["redis-server", *REDIS_OPTIES]),
    }


def _sigterm_als_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so the servers and a running training are stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("serving", "telegram"):  # python -m bench serving|telegram ...
        from importlib import import_module

        return import_module(f"bench.{argv[0]}").main(argv[1:]) or 0
    signal.signal(signal.SIGTERM, _sigterm_als_ctrl_c)
    args = parser().parse_args(argv)
    inst = instellingen(args)
    markdown = args.markdown or (
        ROOT / "reports" / "benchmarks-quick.md" if inst.quick else ROOT / "docs" / "benchmarks.md"
    )
    WERKMAP.mkdir(parents=True, exist_ok=True)
    rijen = nlu_voorbeelden(HELD_OUT)
    verkeer = Verkeer.uit(
        rijen,
        runs=inst.runs,
        rondreis_berichten=inst.rondreis_berichten,
        niveaus=inst.niveaus,
        verkopen_per_verkoper=inst.verkopen_per_verkoper,
    )
    resultaat: dict[str, Any] = {
        "datum": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commando": commando(argv),
        "git": git_versie(),
        "machine": machine(),
        "instellingen": {k: str(w) if isinstance(w, Path) else w for k, w in asdict(inst).items()},
        "meetopzet": meetopzet(inst),
        "rasa_init_config": str(bench_train.rasa_init_config()),
        "rasa_standaard_componenten": bench_train.componenten(
            bench_train.rasa_standaard_pipeline()
        ),
    }
    pipelines: dict[str, dict[str, Any]] = {KEYWORD: meet_keyword(rijen)}
    _melding("keyword-baseline klaar")
    try:
        meet_pipelines(pipelines, inst, rijen, verkeer)
    except Exception as exc:  # report what was measured so far, then fail
        _melding(f"FOUT: {exc}")
        resultaat["fout"] = str(exc)
    resultaat["machine"]["load_bij_einde"] = list(os.getloadavg())
    resultaat["pipelines"] = pipelines
    resultaat["doelen"] = doelen(pipelines)
    schrijf_json(resultaat, args.json)
    if "fout" in resultaat:
        return 1
    schrijf_markdown(resultaat, markdown)
    _melding(f"klaar: {args.json} en {markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
