"""`rasa run` as the coach serves it: Rasa 3.6.21 with rasa_ext.patches.

    python -m rasa_ext.server run --enable-api --model models/coach.tar.gz
    SANIC_WORKERS=2 python -m rasa_ext.server run ...   two workers (Redis lock store needed)

Two things differ from `rasa run` besides the patches:

- TensorFlow imports jax (if installed) only for TF Lite conversion, which Rasa
  never does; blocking that import saves ~65 MiB per process. jax stays in
  requirements.lock because tensorflow 2.12 declares it (Requires-Dist): a
  lock without it would differ from what pip resolves, and every existing
  .venv would keep it anyway.
- Workers. Sanic forks them from a main process that has imported all of Rasa
  and TensorFlow (~500 MiB) and then only waits; the workers share one socket and
  connections pile up on whichever worker accepts first. Here this process stays
  small and starts SANIC_WORKERS separate Rasa processes on the same port with
  SO_REUSEPORT, so the kernel spreads connections evenly. As in Rasa, more than one
  worker needs a lock store and a tracker store outside memory (Redis, SQL), or
  conversations would be split over the workers; otherwise one process runs.
  A worker that dies stops the others, so a supervisor sees the server fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import yaml

from stack.process import sterf_met_ouder

WORKER_VLAG = "VERKOOPCOACH_RASA_WORKER"  # set in the worker processes this module starts
IN_GEHEUGEN = (None, "in_memory")


def aantal_workers() -> int:
    try:
        return max(1, int(os.environ.get("SANIC_WORKERS", "1")))
    except ValueError:
        return 1


def _endpoints(argv: list[str]) -> Path:
    for i, arg in enumerate(argv):
        if arg == "--endpoints" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--endpoints="):
            return Path(arg.split("=", 1)[1])
    return Path("endpoints.yml")  # Rasa's default


def niet_gedeeld(endpoints: Path) -> list[str]:
    """The stores in `endpoints` that live in one process's memory (so cannot be shared)."""
    try:
        inhoud = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        inhoud = {}  # Rasa reports an unreadable file itself, in the worker

    def soort(blok: str) -> str | None:
        waarde = inhoud.get(blok) if isinstance(inhoud, dict) else None
        return waarde.get("type") if isinstance(waarde, dict) else None

    return [blok for blok in ("lock_store", "tracker_store") if soort(blok) in IN_GEHEUGEN]


def kies_workers(aantal: int, endpoints: Path) -> tuple[int, str | None]:
    """How many of `aantal` asked workers to start, and why fewer (in Dutch), if so."""
    if aantal > 1 and (missen := niet_gedeeld(endpoints)):
        return 1, (
            f"SANIC_WORKERS={aantal} vraagt om een lockstore en trackerstore buiten het geheugen "
            f"(Redis, SQL), maar {' en '.join(missen)} ontbreekt of zit in het geheugen: "
            "de Rasa-server draait met één worker."
        )
    return aantal, None


def bedien_workers(aantal: int, cmd: list[str]) -> int:
    """Start `aantal` times `cmd`, pass on SIGINT/SIGTERM, stop all when one ends."""
    env = {**os.environ, "SANIC_WORKERS": "1", WORKER_VLAG: "1"}
    workers = [subprocess.Popen(cmd, env=env, preexec_fn=sterf_met_ouder) for _ in range(aantal)]

    gestopt: list[int] = []

    def doorgeven(signum: int, _frame: object) -> None:
        gestopt.append(signum)
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signum)

    signal.signal(signal.SIGTERM, doorgeven)
    signal.signal(signal.SIGINT, doorgeven)
    pid, status = os.wait()  # the first worker to end
    for worker in workers:
        if worker.pid != pid and worker.poll() is None:
            worker.terminate()
    for worker in workers:
        if worker.pid != pid:
            worker.wait()
    code = os.waitstatus_to_exitcode(status)
    return code if gestopt else code or 1  # a worker ending by itself is a failure


def main() -> None:
    argv = sys.argv[1:]
    if WORKER_VLAG not in os.environ:
        aantal, waarschuwing = kies_workers(aantal_workers(), _endpoints(argv))
        if waarschuwing:
            print(waarschuwing, file=sys.stderr, flush=True)
            os.environ["SANIC_WORKERS"] = "1"  # or Rasa forks anyway with a Redis lock store
        if aantal > 1:
            sys.exit(bedien_workers(aantal, [sys.executable, "-m", "rasa_ext.server", *argv]))
    sys.modules["jax"] = None  # type: ignore[assignment]  # `import jax` now raises ImportError
    from rasa_ext import patches  # refuses to load on another Rasa version

    patches.installeer(shared_port=WORKER_VLAG in os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
