"""`rasa train` from scratch, timed: a fresh folder and cache per run (docs/benchmarks.md)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

from stack.paths import RASA, ROOT
from stack.process import sterf_met_ouder

TRAIN_TIMEOUT = 3600.0  # seconds; Rasa's default pipeline takes minutes on 2 cores


def _rasa_pakket() -> Path:
    spec = importlib.util.find_spec("rasa")  # without importing Rasa (and TensorFlow)
    if spec is None or spec.origin is None:
        raise RuntimeError("Rasa is niet geïnstalleerd: make install")
    return Path(spec.origin).parent


def rasa_init_config() -> Path:
    """The config.yml that `rasa init` writes, from the installed Rasa package."""
    return _rasa_pakket() / "cli" / "initial_project" / "config.yml"


def componenten() -> dict[str, list[str]]:
    """What Rasa fills in for the pipeline and policies that `rasa init`'s config leaves empty."""
    pad = _rasa_pakket() / "engine" / "recipes" / "config_files" / "default_config.yml"
    inhoud = yaml.safe_load(pad.read_text(encoding="utf-8")) or {}
    return {
        sleutel: [
            f"{c['name']} ({c['epochs']} epochs)" if "epochs" in c else str(c["name"])
            for c in inhoud.get(sleutel) or []
        ]
        for sleutel in ("pipeline", "policies")
    }


def vingerafdruk(config: Path) -> str:
    """sha256 over the config, domain.yml and every file under data/: what training sees."""
    h = hashlib.sha256()
    for pad in [config, ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]:
        h.update(pad.name.encode() + b"\0" + pad.read_bytes() + b"\0")
    return h.hexdigest()


def _cpu_kinderen() -> float:
    gebruik = resource.getrusage(resource.RUSAGE_CHILDREN)
    return gebruik.ru_utime + gebruik.ru_stime


def train_van_nul(config: Path, naam: str, doel: Path, log: Path) -> tuple[float, float]:
    """Train `config` on the project's domain and data; the model goes to `doel`.

    Returns (wall-clock seconds with Python's start-up, CPU seconds of rasa and children).
    """
    with tempfile.TemporaryDirectory(prefix=f"bench-train-{naam}-") as tmp:
        map_ = Path(tmp)
        shutil.copy(config, map_ / "config.yml")
        for bron in ("domain.yml", "data"):
            (map_ / bron).symlink_to(ROOT / bron)
        env = {
            **os.environ,
            "RASA_CACHE_DIRECTORY": str(map_ / ".rasa" / "cache"),
            "PYTHONPATH": str(ROOT),  # config.yml names a component in rasa_ext/
        }
        cmd = [RASA, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data"]
        cmd += ["--out", "models", "--fixed-model-name", naam, "--quiet"]
        cpu_voor, begin = _cpu_kinderen(), time.monotonic()
        with open(log, "wb") as uitvoer:
            klaar = subprocess.run(
                cmd,
                cwd=map_,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=uitvoer,
                stderr=subprocess.STDOUT,
                timeout=TRAIN_TIMEOUT,
                check=False,
                preexec_fn=sterf_met_ouder,  # no orphaned training when the bench is killed
            )
        seconden, cpu = time.monotonic() - begin, _cpu_kinderen() - cpu_voor
        model = map_ / "models" / f"{naam}.tar.gz"
        if klaar.returncode != 0 or not model.is_file():
            raise RuntimeError(f"rasa train ({naam}) mislukt, exitcode {klaar.returncode}: {log}")
        shutil.move(model, doel)
    return seconden, cpu
