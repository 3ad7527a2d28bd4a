"""stack.launcher and bot.terminal: starting, failing and stopping servers; the terminal chat."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from actions.adviesboek import laad_adviesboek
from bot.settings import ROOT
from stack import launcher as stackmodule
from stack.launcher import Server, Stack, StackFout, start_server, stop_server, wacht_op_gezond
from tests.support.fake_telegram import nieuwe_chat


def _proces(tmp_path: Path, code: str, naam: str = "testserver") -> Server:
    port = stackmodule.free_port()
    return start_server(
        naam,
        [sys.executable, "-c", code],
        port,
        f"http://127.0.0.1:{port}/health",
        tmp_path / f"{naam}.log",
    )


def _leeft(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still "exists"; it is dead for our purposes.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_server_die_sterft_geeft_een_regel(tmp_path: Path) -> None:
    server = _proces(tmp_path, "import sys; print('ValueError: adviesboek kapot'); sys.exit(3)")
    with pytest.raises(StackFout) as fout:
        wacht_op_gezond([server], timeout=30)
    melding = str(fout.value)
    assert "exitcode 3" in melding and "adviesboek kapot" in melding and "\n" not in melding


def test_server_te_traag(tmp_path: Path) -> None:
    server = _proces(tmp_path, "import time; time.sleep(60)")
    try:
        with pytest.raises(StackFout, match="nog niet klaar"):
            wacht_op_gezond([server], timeout=1)
    finally:
        stop_server(server)


def test_stoppen_laat_geen_wezen_achter(tmp_path: Path) -> None:
    code = (
        "import subprocess, sys, time\n"
        "kind = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(kind.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    server = _proces(tmp_path, code)
    einde = time.monotonic() + 20
    while not server.log.read_text().strip() and time.monotonic() < einde:
        time.sleep(0.05)
    kleinkind = int(server.log.read_text().split()[0])
    assert _leeft(kleinkind)
    stop_server(server, timeout=5)
    assert not server.leeft()
    einde = time.monotonic() + 5
    while _leeft(kleinkind) and time.monotonic() < einde:
        time.sleep(0.05)
    assert not _leeft(kleinkind)


def test_bezette_port(tmp_path: Path) -> None:
    with socket.socket() as bezet:
        bezet.bind(("127.0.0.1", 0))
        bezet.listen()
        port = bezet.getsockname()[1]
        with pytest.raises(StackFout, match=f"poort {port}"):
            stackmodule.start_actieserver(port, tmp_path / "a.log")


def test_zonder_model(tmp_path: Path) -> None:
    with pytest.raises(StackFout, match="make train"):
        stackmodule.start_rasa(stackmodule.free_port(), model=tmp_path / "geen.tar.gz")


def test_endpoints_bestand(tmp_path: Path) -> None:
    import yaml

    pad = stackmodule.schrijf_endpoints(tmp_path / "e.yml", 5999, tmp_path / "t.db")
    inhoud = yaml.safe_load(pad.read_text())
    assert inhoud["action_endpoint"]["url"] == "http://127.0.0.1:5999/webhook"
    assert inhoud["tracker_store"]["db"] == str(tmp_path / "t.db")


def test_vijandig_zonder_redis_server_een_duidelijke_fout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server to be found
    with (
        pytest.raises(StackFout, match="redis-server ontbreekt: `make bench` installeert het"),
        stackmodule.losse_stack(tmp_path / "stack", redis=True),
    ):
        pass
    assert not (tmp_path / "stack" / "endpoints.yml").exists()  # nothing started


# --- the terminal chat, on the real servers ---------------------------------------------------


def terminalchat(coach_stack: Stack, regels: list[str]) -> subprocess.CompletedProcess[str]:
    """The terminal chat for a new seller, its input piped in line by line."""
    afzender = f"terminal-{nieuwe_chat()}"
    cmd = [sys.executable, "-m", "bot.terminal", "--rasa-url", coach_stack.rasa_url]
    return subprocess.run(
        [*cmd, "--afzender", afzender],
        input="\n".join(regels) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_terminalchat_via_een_pipe(coach_stack: Stack) -> None:
    fasen = [f.titel for f in laad_adviesboek().fasen.values()]
    regels = ["/start", "ze zegt dat de laptop te duur is", "/tips", str(len(fasen) + 1), "1"]
    resultaat = terminalchat(coach_stack, [*regels, "/fase", "/onzin", "/quit"])
    uit = resultaat.stdout
    assert resultaat.returncode == 0, resultaat.stderr
    assert "Hoi! Ik ben je verkoopcoach" in uit
    assert "coach> Bezwaar · " in uit
    assert f"  1. {fasen[0]}" in uit and f"  {len(fasen)}. {fasen[-1]}" in uit
    assert f"Kies een nummer van 1 tot {len(fasen)}." in uit
    assert "Wat gebeurt er precies?" in uit  # button 1: the situations of the first phase
    assert "Fase nu: Bezwaar" in uit
    assert "Dat commando ken ik niet" in uit
    assert uit.rstrip().endswith("Tot de volgende klant!")


def test_terminalchat_stopt_bij_einde_invoer(coach_stack: Stack) -> None:
    resultaat = subprocess.run(
        [sys.executable, "-m", "bot.terminal", "--rasa-url", coach_stack.rasa_url],
        input="/help\n",  # no /quit: end of input is Ctrl-D
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert resultaat.returncode == 0
    assert "/nieuw" in resultaat.stdout and "Tot de volgende klant!" in resultaat.stdout


# --- `make run` without a token falls back to the terminal chat ------------------------------


@pytest.fixture
def herstel_logging_en_signalen() -> Iterator[None]:
    root = logging.getLogger()
    oud = (list(root.handlers), root.level, signal.getsignal(signal.SIGTERM))
    yield
    root.handlers[:] = oud[0]
    root.setLevel(oud[1])
    signal.signal(signal.SIGTERM, oud[2])


@pytest.mark.usefixtures("herstel_logging_en_signalen")
def test_run_zonder_token_valt_terug_op_terminal(
    coach_stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @contextmanager
    def draaiende_stack(**_: object) -> Iterator[Stack]:
        yield coach_stack  # the session's servers instead of starting new ones

    invoer = iter(["/start", "/quit"])
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")  # beats a developer's .env
    monkeypatch.setattr(stackmodule, "coach_stack", draaiende_stack)
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(invoer))
    assert stackmodule.main(["run"]) == 0
    uit, fout = capsys.readouterr()
    assert "BotFather" in fout and "terminal" in fout
    assert "Hoi! Ik ben je verkoopcoach" in uit


def test_terminalchat_hele_oefensessie(coach_stack: Stack) -> None:
    from actions.oefenboek import laad_oefenboek

    oefenboek = laad_oefenboek()
    nummer = list(oefenboek.scenarios).index("stille_koper") + 1
    scenario = oefenboek.scenarios["stille_koper"]
    regels = ["/oefenen", str(nummer), *(s.beter for s in scenario.stappen), "/stop", "/quit"]
    resultaat = terminalchat(coach_stack, regels)
    uit = resultaat.stdout
    assert resultaat.returncode == 0, resultaat.stderr
    assert f"🎬 {scenario.titel}" in uit
    # Stage directions (*...*) show as _..._ in the terminal (bot/opmaak.py).
    assert all(s.klant.split("\n")[0].replace("*", "_") in uit for s in scenario.stappen)
    assert "*" not in uit
    assert uit.count("coach> ✅ ") == len(scenario.stappen)
    assert "Score: 10/10" in uit
    assert oefenboek.teksten["geen_sessie"] in uit  # /stop after the end: nothing runs
