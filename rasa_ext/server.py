"""`rasa run` as the coach serves it: Rasa 3.6.21 with rasa_ext.patches.

    RASA_TOKEN=... python -m rasa_ext.server run --enable-api --model models/coach.tar.gz
    SANIC_WORKERS=2 python -m rasa_ext.server run ...   two workers (Redis lock store needed)

Closed by default, unlike `rasa run`:

- It listens on 127.0.0.1 unless --interface says otherwise.
- With --enable-api it needs RASA_TOKEN: the token reaches Rasa from the
  environment through Rasa's configure_commandline hook (rasa_ext/plugin.py),
  never from argv (visible to every user in `ps`); --auth-token is refused.
- The model archive is checked before Rasa is imported (rasa_ext/modelbestand.py),
  and a conversation store that cannot be written stops the start (rasa_ext/opslag.py).

Two more things differ from `rasa run` besides the patches:

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
  SQLite with more than one worker is refused: SQLite has one writer, and a
  second worker's turn fails with "database is locked" and is not saved.
  A worker that dies stops the others, so a supervisor sees the server fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from rasa_ext import endpoints as endpointsbestand
from rasa_ext.modelbestand import ModelFout
from rasa_ext.modelbestand import controleer as controleer_model
from rasa_ext.plugin import TOKEN_VARIABELE
from stack.process import sterf_met_ouder

WORKER_VLAG = "VERKOOPCOACH_RASA_WORKER"  # set in the worker processes this module starts
IN_GEHEUGEN = (None, "in_memory")
LOOPBACK = "127.0.0.1"


class StartFout(Exception):
    """The server refuses to start; str() is one Dutch line."""


def aantal_workers() -> int:
    try:
        return max(1, int(os.environ.get("SANIC_WORKERS", "1")))
    except ValueError:
        return 1


def _optie(argv: list[str], *namen: str) -> str | None:
    """The value of option `namen` (`--x v` or `--x=v`) in `argv`, else None."""
    for i, arg in enumerate(argv):
        if arg in namen and i + 1 < len(argv):
            return argv[i + 1]
        if arg.split("=", 1)[0] in namen and "=" in arg:
            return arg.split("=", 1)[1]
    return None


def _endpoints(argv: list[str]) -> Path:
    return Path(_optie(argv, "--endpoints") or "endpoints.yml")  # Rasa's default


def niet_gedeeld(endpoints: Path) -> list[str]:
    """The stores in `endpoints` that live in one process's memory (so cannot be shared)."""
    inhoud = endpointsbestand.lees(endpoints)  # Rasa reports an unreadable file itself

    def soort(blok: str) -> str | None:
        waarde = inhoud.get(blok)
        return waarde.get("type") if isinstance(waarde, dict) else None

    return [blok for blok in ("lock_store", "tracker_store") if soort(blok) in IN_GEHEUGEN]


def kies_workers(aantal: int, endpoints: Path) -> tuple[int, str | None]:
    """How many of `aantal` asked workers to start, and why fewer (in Dutch), if so.

    StartFout for SQLite with more than one worker: that would lose turns, not just speed.
    """
    if aantal <= 1:
        return aantal, None
    if db := endpointsbestand.sqlite_pad(endpointsbestand.lees(endpoints).get("tracker_store")):
        raise StartFout(
            f"SANIC_WORKERS={aantal} met SQLite ({db}) als trackerstore kan niet: SQLite heeft "
            'één schrijver, dus de tweede worker verliest beurten ("database is locked"). '
            "Gebruik Redis of PostgreSQL (endpoints.yml, docs/serving.md) of SANIC_WORKERS=1."
        )
    if missen := niet_gedeeld(endpoints):
        return 1, (
            f"SANIC_WORKERS={aantal} vraagt om een lockstore en trackerstore buiten het geheugen "
            f"(Redis, SQL), maar {' en '.join(missen)} ontbreekt of zit in het geheugen: "
            "de Rasa-server draait met één worker."
        )
    return aantal, None


def voorcontrole(argv: list[str]) -> list[str]:
    """Check a `run` before Rasa is imported; the argv to give Rasa (on loopback by default).

    StartFout (one Dutch line) for a token on the command line, an API without a
    token, or a missing or broken model.
    """
    if not argv or argv[0] != "run" or (len(argv) > 1 and argv[1] == "actions"):
        return argv
    if _optie(argv, "--auth-token") is not None:
        raise StartFout(
            f"geef het token niet met --auth-token (iedereen op de machine ziet het in `ps`), "
            f"maar in de omgevingsvariabele {TOKEN_VARIABELE}"
        )
    if "--enable-api" in argv and not os.environ.get(TOKEN_VARIABELE):
        raise StartFout(
            f"--enable-api zonder {TOKEN_VARIABELE}: dan kan elk proces alle gesprekken lezen "
            f"en het model vervangen. Zet {TOKEN_VARIABELE} (bijv. met "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`); "
            "`make run` doet dat zelf."
        )
    model = _optie(argv, "--model", "-m")
    try:
        controleer_model(Path(model or "models"))
    except ModelFout as exc:
        raise StartFout(str(exc)) from None
    if _optie(argv, "--interface", "-i") is None:
        argv = [argv[0], "--interface", LOOPBACK, *argv[1:]]  # Rasa listens on all by default
    return argv


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
        try:
            argv = voorcontrole(argv)
            aantal, waarschuwing = kies_workers(aantal_workers(), _endpoints(argv))
        except StartFout as exc:
            print(f"Fout: {exc}", file=sys.stderr, flush=True)
            sys.exit(2)
        if waarschuwing:
            print(waarschuwing, file=sys.stderr, flush=True)
            os.environ["SANIC_WORKERS"] = "1"  # or Rasa forks anyway with a Redis lock store
        if aantal > 1:
            sys.exit(bedien_workers(aantal, [sys.executable, "-m", "rasa_ext.server", *argv]))
    sys.modules["jax"] = None  # type: ignore[assignment]  # `import jax` now raises ImportError
    from rasa_ext import patches, plugin  # patches refuse to load on another Rasa version

    patches.installeer(shared_port=WORKER_VLAG in os.environ)
    plugin.installeer()
    from rasa.__main__ import main as rasa_main

    sys.argv = [sys.argv[0], *argv]  # what Rasa parses; /proc/<pid>/cmdline stays as started
    rasa_main()


if __name__ == "__main__":
    main()
