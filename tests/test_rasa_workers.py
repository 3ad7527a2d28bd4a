"""rasa_ext.server: the worker processes, and what the Rasa server process loads.

The supervisor is tested with small stand-in workers that, like Rasa's under
rasa_ext.patches, listen with SO_REUSEPORT; `make bench` runs it with real Rasa
workers and a Redis lock store.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest
from test_bot_stack import _leeft

from bot.settings import ROOT
from rasa_ext import server as rasa_server
from stack import launcher as stackmodule

# Answers every GET with its pid and the environment the supervisor gave it.
STANDIN_WORKER = textwrap.dedent(
    """
    import json, os, signal, socket, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({
                "pid": os.getpid(),
                "workers": os.environ.get("SANIC_WORKERS"),
                "vlag": os.environ.get("VERKOOPCOACH_RASA_WORKER"),
            }).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(HTTPServer):
        def server_bind(self):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
    """
)


def _endpoints(tmp_path: Path, tekst: str) -> Path:
    pad = tmp_path / "endpoints.yml"
    pad.write_text(textwrap.dedent(tekst), encoding="utf-8")
    return pad


@pytest.mark.parametrize(
    ("endpoints", "missen"),
    [
        ("lock_store: {type: redis}\ntracker_store: {type: redis}\n", []),
        ("lock_store: {type: redis}\ntracker_store: {type: SQL, dialect: postgresql}\n", []),
        ("tracker_store: {type: redis}\n", ["lock_store"]),
        ("lock_store: {type: redis}\ntracker_store: {type: in_memory}\n", ["tracker_store"]),
        ("action_endpoint: {url: 'http://x'}\n", ["lock_store", "tracker_store"]),
        ("lock_store: [niet, goed\n", ["lock_store", "tracker_store"]),
    ],
)
def test_workers_alleen_met_gedeelde_opslag(
    tmp_path: Path, endpoints: str, missen: list[str]
) -> None:
    aantal, waarschuwing = rasa_server.kies_workers(2, _endpoints(tmp_path, endpoints))
    if missen:
        assert aantal == 1
        assert waarschuwing and all(m in waarschuwing for m in missen)
        assert "één worker" in waarschuwing
    else:
        assert (aantal, waarschuwing) == (2, None)
    assert rasa_server.kies_workers(1, _endpoints(tmp_path, endpoints)) == (1, None)


SQLITE_OPSLAG = [
    "lock_store: {type: redis}\ntracker_store: {type: SQL, dialect: sqlite}\n",
    "tracker_store: {type: SQL, dialect: sqlite, db: var/tracker.db}\n",
    "lock_store: {type: redis}\ntracker_store: {type: sql}\n",  # Rasa's default dialect
    "lock_store: {type: redis}\ntracker_store: {type: rasa_ext.opslag.StrikteSQLTrackerStore}\n",
]


@pytest.mark.vijandig
@pytest.mark.parametrize("endpoints", SQLITE_OPSLAG, ids=range(len(SQLITE_OPSLAG)))
def test_vijandig_sqlite_met_twee_workers_wordt_geweigerd(tmp_path: Path, endpoints: str) -> None:
    # SQLite has one writer: a second worker's turn fails with "database is locked", unsaved.
    pad = _endpoints(tmp_path, endpoints)
    with pytest.raises(rasa_server.StartFout) as fout:
        rasa_server.kies_workers(2, pad)
    assert "SQLite" in str(fout.value) and "één schrijver" in str(fout.value)
    assert rasa_server.kies_workers(1, pad) == (1, None)
    with pytest.raises(stackmodule.StackFout, match="één schrijver"):
        stackmodule.start_rasa(
            stackmodule.free_port(), tmp_path / "rasa.log", endpoints=pad, workers=2
        )


@pytest.mark.vijandig
def test_vijandig_sqlite_met_twee_workers_start_niet_met_de_hand(tmp_path: Path) -> None:
    pad = _endpoints(tmp_path, SQLITE_OPSLAG[0])
    cmd = [sys.executable, "-m", "rasa_ext.server", "run", "--enable-api", "--endpoints", str(pad)]
    omgeving = {**os.environ, "SANIC_WORKERS": "2", "RASA_TOKEN": "t"}
    start = time.monotonic()
    uit = subprocess.run(cmd, cwd=ROOT, env=omgeving, capture_output=True, text=True, timeout=60)
    assert uit.returncode == 2
    assert "één schrijver" in uit.stderr and "Traceback" not in uit.stderr
    assert time.monotonic() - start < 20, "geweigerd voordat Rasa geladen wordt"


@pytest.mark.parametrize(("waarde", "aantal"), [(None, 1), ("1", 1), ("3", 3), ("0", 1), ("x", 1)])
def test_aantal_workers_uit_de_omgeving(
    monkeypatch: pytest.MonkeyPatch, waarde: str | None, aantal: int
) -> None:
    if waarde is None:
        monkeypatch.delenv("SANIC_WORKERS", raising=False)
    else:
        monkeypatch.setenv("SANIC_WORKERS", waarde)
    assert rasa_server.aantal_workers() == aantal


def test_endpoints_uit_de_argumenten() -> None:
    assert rasa_server._endpoints(["run", "--endpoints", "a.yml"]) == Path("a.yml")
    assert rasa_server._endpoints(["run", "--endpoints=b.yml"]) == Path("b.yml")
    assert rasa_server._endpoints(["run"]) == Path("endpoints.yml")


def _start_supervisor(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    script = tmp_path / "worker.py"
    script.write_text(STANDIN_WORKER, encoding="utf-8")
    code = (
        "import sys; from rasa_ext.server import bedien_workers; "
        f"sys.exit(bedien_workers(2, [sys.executable, {str(script)!r}, '{port}']))"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)


def _wacht(voorwaarde: object, timeout: float = 15.0) -> None:
    einde = time.monotonic() + timeout
    while not voorwaarde():  # type: ignore[operator]
        assert time.monotonic() < einde, "te lang gewacht"
        time.sleep(0.1)


def _antwoorden(port: int, aantal: int) -> list[dict[str, str]]:
    # A new connection per request: the kernel picks a worker per connection.
    return [
        json.loads(httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text) for _ in range(aantal)
    ]


def test_twee_workers_op_een_port_en_netjes_stoppen(tmp_path: Path) -> None:
    port = stackmodule.free_port()
    supervisor = _start_supervisor(tmp_path, port)
    try:
        _wacht(lambda: stackmodule.luisteraars(port) == 2)
        antwoorden = _antwoorden(port, 40)
        pids = {a["pid"] for a in antwoorden}
        assert len(pids) == 2, "de kernel verdeelt verbindingen over beide workers"
        assert supervisor.pid not in pids
        assert {(a["workers"], a["vlag"]) for a in antwoorden} == {("1", "1")}
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(15) == 0
        _wacht(lambda: not any(_leeft(pid) for pid in pids))
        assert stackmodule.luisteraars(port) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_een_dode_worker_stopt_de_server(tmp_path: Path) -> None:
    port = stackmodule.free_port()
    supervisor = _start_supervisor(tmp_path, port)
    try:
        _wacht(lambda: stackmodule.luisteraars(port) == 2)
        pids = {a["pid"] for a in _antwoorden(port, 40)}
        os.kill(next(iter(pids)), signal.SIGKILL)
        # A supervisor (stack.launcher, systemd) must see the server fail, not run at half strength.
        assert supervisor.wait(15) != 0
        _wacht(lambda: not any(_leeft(pid) for pid in pids))
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_rasa_server_laadt_geen_jax(coach_stack: stackmodule.Stack) -> None:
    pid = coach_stack.server("Rasa-server").proces.pid
    geladen = Path(f"/proc/{pid}/maps").read_text()
    assert "tensorflow" in geladen  # the check itself works: Rasa loaded TensorFlow
    assert "jaxlib" not in geladen
