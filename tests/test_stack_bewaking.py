"""stack/bewaking.py: a server that dies after start-up is restarted; one that keeps dying
stops the stack with a non-zero exit code, for a service manager to restart it."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from stack import launcher as stackmodule
from stack.bewaking import Bewaking


def _wacht(voorwaarde: Callable[[], bool], timeout: float, waarom: str) -> None:
    einde = time.monotonic() + timeout
    while not voorwaarde():
        assert time.monotonic() < einde, waarom
        time.sleep(0.2)


def _praat(stack: stackmodule.Stack, verkoper: str, tekst: str) -> list[dict]:
    antwoord = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": verkoper, "message": tekst},
        timeout=60,
    )
    antwoord.raise_for_status()
    return antwoord.json()


@pytest.mark.vijandig
@pytest.mark.timeout(600)
def test_vijandig_rasa_gedood_na_de_start_wordt_herstart_en_antwoordt(tmp_path: Path) -> None:
    meldingen: list[str] = []
    opgegeven: list[bool] = []
    actie_port, rasa_port = stackmodule.free_port(), stackmodule.free_port()
    endpoints = stackmodule.schrijf_endpoints(tmp_path / "e.yml", actie_port, tmp_path / "t.db")
    with stackmodule.coach_stack(
        rasa_port=rasa_port,
        actie_port=actie_port,
        endpoints=endpoints,
        logmap=tmp_path,
        melding=meldingen.append,
        bij_opgeven=lambda: opgegeven.append(True),
        bewaking={"pauzes": (0.5,), "interval": 0.2},
    ) as stack:
        assert _praat(stack, "bewaakt", "klant zegt dat het te duur is")[0]["text"].startswith(
            "Bezwaar"
        )
        oud = stack.server("Rasa-server")
        os.kill(oud.proces.pid, signal.SIGKILL)  # as the kernel's OOM killer would
        _wacht(lambda: stack.server("Rasa-server") is not oud, 30, "geen herstart")
        stackmodule.wacht_op_gezond([stack.server("Rasa-server")])
        volgende = _praat(stack, "bewaakt", "ze twijfelt tussen de zwarte en de grijze")
        assert volgende and volgende[0]["text"].startswith("Afsluiting"), volgende
        _wacht(lambda: any("weer gezond" in m for m in meldingen), 10, "geen herstelmelding")
        assert stack.bewaking is not None and stack.bewaking.herstarts == 1
    gestopt = [m for m in meldingen if "Rasa-server is gestopt" in m]
    assert len(gestopt) == 1 and "gedood door SIGKILL" in gestopt[0]
    assert "herstart over" in gestopt[0]
    assert not opgegeven
    assert (tmp_path / "rasa.log.1").is_file(), "het log van de gedode server is bewaard"


# A stand-in server: healthy at once, dead after `leeftijd` seconds; with a marker file
# only the first time (the marker exists on every restart after that).
KORT_LEVEN = """
import sys, threading, os
leeftijd = float(sys.argv[2])
if len(sys.argv) > 3:
    leeftijd = 600 if os.path.exists(sys.argv[3]) else leeftijd
    open(sys.argv[3], "a").close()
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
threading.Timer(leeftijd, lambda: os._exit(3)).start()
print("ValueError: ik leef kort", flush=True)
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def _kort_levend(tmp_path: Path, leeftijd: float, *merk: str) -> stackmodule.Server:
    port = stackmodule.free_port()
    cmd = [sys.executable, "-c", KORT_LEVEN, str(port), str(leeftijd), *merk]
    url = f"http://127.0.0.1:{port}/"
    return stackmodule.start_server("testserver", cmd, port, url, tmp_path / "t.log")


@contextmanager
def _bewaakt(servers: list[stackmodule.Server], **instellingen: object) -> Iterator[Bewaking]:
    meldingen: list[str] = []
    opgegeven: list[bool] = []
    bewaking = Bewaking(servers, meldingen.append, lambda: opgegeven.append(True), **instellingen)
    bewaking.meldingen, bewaking.opgegeven_lijst = meldingen, opgegeven  # type: ignore[attr-defined]
    bewaking.start()
    try:
        yield bewaking
    finally:
        bewaking.stop()
        stackmodule.stop_alle(servers)


@pytest.mark.vijandig
def test_vijandig_steeds_stervende_server_stopt_de_stack(tmp_path: Path) -> None:
    servers = [_kort_levend(tmp_path, 0.3)]
    with _bewaakt(servers, pauzes=(0.05, 0.1), max_fouten=4, venster=60, interval=0.05) as b:
        _wacht(lambda: b.opgegeven, 60, "de bewaking geeft niet op")
        assert b.opgegeven_lijst == [True]  # type: ignore[attr-defined]
        meldingen: list[str] = b.meldingen  # type: ignore[attr-defined]
        assert b.herstarts == 3
        assert [m for m in meldingen if "herstart over" in m][1].endswith("(poging 2 van 3)")
        assert "4 keer gestopt binnen 1 minuten" in meldingen[-1]
        assert "exitcode 3: ValueError: ik leef kort" in meldingen[-1]
    assert not servers[0].leeft()


def test_een_enkele_val_stopt_de_stack_niet(tmp_path: Path) -> None:
    servers = [_kort_levend(tmp_path, 0.3, str(tmp_path / "merk"))]
    with _bewaakt(servers, pauzes=(0.05,), max_fouten=2, venster=60, interval=0.05) as b:
        meldingen: list[str] = b.meldingen  # type: ignore[attr-defined]
        _wacht(lambda: any("weer gezond" in m for m in meldingen), 30, "geen herstel")
        time.sleep(1)
        assert b.herstarts == 1 and not b.opgegeven and servers[0].leeft()


@pytest.mark.vijandig
def test_vijandig_opgegeven_bewaking_geeft_exitcode_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`python -m stack` ends non-zero when the watcher gives up, so systemd restarts it."""
    oude_sigterm = signal.getsignal(signal.SIGTERM)

    @contextmanager
    def stack_die_opgeeft(**kwargs: object) -> Iterator[stackmodule.Stack]:
        stack = stackmodule.Stack(1, 2, "t", tmp_path)
        stack.bewaking = Bewaking([], print, kwargs["bij_opgeven"])  # type: ignore[arg-type]
        stack.bewaking.opgegeven = True
        yield stack

    def invoer(_prompt: str = "") -> str:
        os.kill(os.getpid(), signal.SIGTERM)  # what the watcher's bij_opgeven does
        time.sleep(5)  # the SIGTERM arrives first
        return "/quit"

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setattr(stackmodule, "coach_stack", stack_die_opgeeft)
    monkeypatch.setattr("builtins.input", invoer)
    try:
        assert stackmodule.main(["shell"]) == 1
    finally:
        signal.signal(signal.SIGTERM, oude_sigterm)
