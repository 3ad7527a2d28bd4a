"""`rasa train` from scratch, timed: a fresh folder and cache per run (docs/bench-methode.md)."""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stack.paths import RASA, ROOT, relatief
from stack.process import sterf_met_ouder

TRAIN_TIMEOUT = 3600.0  # seconds; Rasa's default pipeline takes minutes on 2 cores
WERKMAP = ROOT / "reports" / "bench"
_RASA = Path(importlib.util.find_spec("rasa").origin).parent  # type: ignore[union-attr, arg-type]
# The config.yml that `rasa init` writes, from the installed Rasa package.
RASA_INIT_CONFIG = _RASA / "cli" / "initial_project" / "config.yml"


def train_van_nul(config: Path, naam: str, doel: Path | None, log: Path) -> tuple[float, float]:
    """(wall-clock s with Python's start-up, CPU s of rasa and children); the model to `doel`."""
    with tempfile.TemporaryDirectory(prefix=f"bench-train-{naam}-") as tmp:
        map_ = Path(tmp)
        shutil.copy(config, map_ / "config.yml")
        for bron in ("domain.yml", "data"):
            (map_ / bron).symlink_to(ROOT / bron)
        cache = str(map_ / ".rasa" / "cache")  # PYTHONPATH: config.yml names rasa_ext/ components
        cmd = [RASA, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data"]
        cmd += ["--out", "models", "--fixed-model-name", naam, "--quiet"]
        voor, begin = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
        with open(log, "wb") as uitvoer:
            klaar = subprocess.run(
                cmd,
                cwd=map_,
                env={**os.environ, "RASA_CACHE_DIRECTORY": cache, "PYTHONPATH": str(ROOT)},
                stdin=subprocess.DEVNULL,
                stdout=uitvoer,
                stderr=subprocess.STDOUT,
                timeout=TRAIN_TIMEOUT,
                preexec_fn=sterf_met_ouder,  # no orphaned training when the bench is killed
            )
        seconden, na = time.monotonic() - begin, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (na.ru_utime + na.ru_stime) - (voor.ru_utime + voor.ru_stime)
        model = map_ / "models" / f"{naam}.tar.gz"
        if klaar.returncode != 0 or not model.is_file():
            raise RuntimeError(f"rasa train ({naam}) mislukt, exitcode {klaar.returncode}: {log}")
        if doel:
            shutil.move(model, doel)
    return seconden, cpu


def pipeline(
    naam: str, config: Path, runs: int, model: Path | None, melding: Callable[[str], None]
) -> dict[str, Any]:
    """`runs` timed trainings; measured is `model`, else the first one trained."""
    tijden, cpu = [], []
    for run in range(runs):
        melding(f"{naam}: rasa train van nul, run {run + 1}/{runs}")
        doel = WERKMAP / f"{naam}.tar.gz" if run == 0 else None
        seconden, cpu_s = train_van_nul(config, naam, doel, WERKMAP / f"{naam}-{run}.log")
        melding(f"{naam}: {seconden:.0f} s (cpu {cpu_s:.0f} s)")
        tijden.append(seconden)
        cpu.append(cpu_s)
    gekozen = model or (WERKMAP / f"{naam}.tar.gz" if runs else None)
    if gekozen is None or not gekozen.is_file():
        raise RuntimeError(f"{naam}: geen model om te meten ({gekozen})")
    training: dict[str, Any] = {"runs_s": tijden}
    if tijden:
        training |= {"cpu_s": cpu, "mediaan_s": statistics.median(tijden)}
    bron = f"`{relatief(gekozen)}`, niet in deze run getraind"
    if model is None:
        bron = f"eerste training van nul in deze run (`{relatief(gekozen)}`)"
    return {"config": str(config), "model": str(gekozen), "bron": bron, "training": training}
