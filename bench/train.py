"""`rasa train` from scratch, timed, for `make bench`.

Each run trains in a fresh temporary folder that holds a copy of the config and
symlinks to domain.yml and data/. Rasa keeps its cache in `.rasa/cache` under the
working directory (or RASA_CACHE_DIRECTORY), and skips training when `--out`
already holds a model with the same fingerprint; a fresh folder for both makes
every run a cold start.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from stack.paths import RASA, ROOT
from stack.process import sterf_met_ouder

TRAIN_TIMEOUT = 3600.0  # seconds; Rasa's default pipeline takes minutes on 2 cores


@dataclass(frozen=True)
class TrainRun:
    seconden: float  # wall clock of `rasa train`, Python start-up included
    cpu_seconden: float  # user + system time of rasa train and its children
    model: Path


def _rasa_pakket() -> Path:
    spec = importlib.util.find_spec("rasa")  # without importing Rasa (and TensorFlow)
    if spec is None or spec.origin is None:
        raise RuntimeError("Rasa is niet geïnstalleerd: make install")
    return Path(spec.origin).parent


def rasa_init_config() -> Path:
    """The config.yml that `rasa init` writes, from the installed Rasa package."""
    return _rasa_pakket() / "cli" / "initial_project" / "config.yml"


def rasa_standaard_pipeline() -> Path:
    """Where Rasa takes the components from that `rasa init`'s config leaves empty."""
    return _rasa_pakket() / "engine" / "recipes" / "config_files" / "default_config.yml"


def _component(c: dict[str, object]) -> str:
    return f"{c['name']} ({c['epochs']} epochs)" if "epochs" in c else str(c["name"])


def componenten(config: Path) -> dict[str, list[str]]:
    """The pipeline components and policies in a config file (empty when unset)."""
    inhoud = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return {
        sleutel: [_component(c) for c in inhoud.get(sleutel) or []]
        for sleutel in ("pipeline", "policies")
    }


def vingerafdruk(config: Path) -> str:
    """sha256 over the config, domain.yml and every file under data/: what training sees."""
    bestanden = [config, ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]
    h = hashlib.sha256()
    for pad in bestanden:
        h.update(pad.name.encode() + b"\0" + pad.read_bytes() + b"\0")
    return h.hexdigest()


def _cpu_kinderen() -> float:
    gebruik = resource.getrusage(resource.RUSAGE_CHILDREN)
    return gebruik.ru_utime + gebruik.ru_stime


def _werkmap(config: Path, map_: Path) -> None:
    shutil.copy(config, map_ / "config.yml")
    for naam in ("domain.yml", "data"):
        (map_ / naam).symlink_to(ROOT / naam)


def train_van_nul(config: Path, naam: str, doel: Path, log: Path) -> TrainRun:
    """Train `config` on the project's domain and data from scratch; the model goes to `doel`."""
    with tempfile.TemporaryDirectory(prefix=f"bench-train-{naam}-") as tmp:
        map_ = Path(tmp)
        _werkmap(config, map_)
        env = {**os.environ, "RASA_CACHE_DIRECTORY": str(map_ / ".rasa" / "cache")}
        cmd = [RASA, "train", "--config", "config.yml", "--domain", "domain.yml"]
        cmd += ["--data", "data", "--out", "models", "--fixed-model-name", naam, "--quiet"]
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
    return TrainRun(seconden, cpu, doel)
