"""Issue 11, the server side: loopback only, a token for Rasa's API, a model and a conversation
store that are checked before Rasa starts, and logs that survive a restart.

Every launch path is started for real: the stack (the session's servers), the documented
manual start of rasa_ext.server on a fresh clone, and plain `rasa run`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import RASA_TEST_TOKEN

from bot.rasa_client import RasaClient
from bot.settings import ROOT
from stack import launcher as stackmodule

MODEL = stackmodule.MODEL


def _argv(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _groep(pid: int) -> list[int]:
    """`pid` and every process in its process group (the Rasa workers, if any)."""
    groep = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            velden = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(velden[2]) == pid:  # field 5, pgrp
            groep.append(int(stat.parent.name))
    return groep or [pid]


# --- 1 and 2: the stack's servers --------------------------------------------------------------


@pytest.mark.vijandig
def test_vijandig_de_stack_luistert_alleen_op_loopback(coach_stack: stackmodule.Stack) -> None:
    for port in (coach_stack.rasa_port, coach_stack.actie_port):
        assert stackmodule.luister_adressen(port) == {"127.0.0.1"}, port


@pytest.mark.vijandig
@pytest.mark.parametrize("token", [None, "", "fout", RASA_TEST_TOKEN[:-1]])
def test_vijandig_api_zonder_juist_token_geeft_401(
    coach_stack: stackmodule.Stack, token: str | None
) -> None:
    params = {"token": token} if token is not None else None
    url = coach_stack.rasa_url
    assert httpx.get(f"{url}/conversations/x/tracker", params=params).status_code == 401
    assert httpx.get(f"{url}/status", params=params).status_code == 401
    model = httpx.put(f"{url}/model", params=params, json={"model_file": "/tmp/x.tar.gz"})
    assert model.status_code == 401, "niemand vervangt het model zonder token"


@pytest.mark.vijandig
async def test_vijandig_token_met_ampersand_hekje_en_plus(coach_stack: stackmodule.Stack) -> None:
    assert set("&#+") <= set(coach_stack.auth_token)  # conftest.RASA_TEST_TOKEN
    rasa = coach_stack.server("Rasa-server")
    with httpx.Client() as client:
        assert rasa.klaar(client), "de gezondheidscontrole van de stack codeert het token"
    antwoord = httpx.get(
        f"{coach_stack.rasa_url}/conversations/x/tracker", params={"token": RASA_TEST_TOKEN}
    )
    assert antwoord.status_code == 200
    client = RasaClient(coach_stack.rasa_url, coach_stack.auth_token)
    try:
        assert await client.gezond(), "de bot stuurt het token ook gecodeerd mee"
    finally:
        await client.aclose()


@pytest.mark.vijandig
def test_vijandig_token_staat_niet_in_argv(coach_stack: stackmodule.Stack) -> None:
    rasa = coach_stack.server("Rasa-server")
    for pid in _groep(rasa.proces.pid):
        argv = _argv(pid)
        assert coach_stack.auth_token not in argv and "--auth-token" not in argv, argv
    # The action server has no business with it at all.
    acties = coach_stack.server("actieserver").proces.pid
    assert coach_stack.auth_token.encode() not in Path(f"/proc/{acties}/environ").read_bytes()


def test_zonder_rasa_token_maakt_de_stack_er_een_per_start(tmp_path: Path) -> None:
    tokens = []
    for naam in ("a", "b"):
        server = stackmodule.start_rasa(stackmodule.free_port(), tmp_path / f"{naam}.log")
        try:
            token = server.omgeving["RASA_TOKEN"]
            assert len(token) >= 32 and token not in " ".join(server.cmd)
            assert "--auth-token" not in server.cmd and "--interface" in server.cmd
            tokens.append(token)
        finally:
            stackmodule.stop_server(server)
    assert tokens[0] != tokens[1]


# --- 1: the documented commands -----------------------------------------------------------------

DOCUMENTEN = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def _commandos() -> list[tuple[str, str]]:
    """(document, line) for every server start in a shell code block of the docs."""
    gevonden = []
    for pad in DOCUMENTEN:
        tekst = pad.read_text(encoding="utf-8")
        blokken = re.findall(r"```(?:bash|sh|shell|console|ini)?\n(.*?)```", tekst, re.S)
        for regel in (r for blok in blokken for r in blok.splitlines()):
            if re.search(r"rasa run|rasa_ext\.server run|-m rasa run", regel):
                gevonden.append((pad.name, regel))
    return gevonden


@pytest.mark.vijandig
def test_vijandig_gedocumenteerde_startcommandos_zijn_dicht() -> None:
    commandos = _commandos()
    assert len(commandos) >= 3, commandos  # README: both servers; serving.md; telegram.md
    for document, regel in commandos:
        assert "--auth-token" not in regel, (document, regel)
        if "run actions" in regel:
            assert "SANIC_HOST=127.0.0.1" in regel, (document, regel)
        else:
            assert "--interface 127.0.0.1" in regel, (document, regel)
        if "--enable-api" in regel:
            assert "rasa_ext.server" in regel and "RASA_TOKEN=" in regel, (document, regel)


# --- 1, 2, 17 and M6: the documented manual start on a fresh clone -----------------------------


def _wacht_op(url: str, token: str, proces: subprocess.Popen[bytes], log: Path) -> None:
    einde = time.monotonic() + stackmodule.OPSTART_TIMEOUT
    while time.monotonic() < einde:
        assert proces.poll() is None, log.read_text(errors="replace")[-2000:]
        try:
            if httpx.get(f"{url}/status", params={"token": token}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("Rasa is niet op tijd klaar")


@pytest.fixture
def verse_kloon(tmp_path: Path) -> Path:
    """A fresh clone as far as Rasa sees it: no var/, the repo's endpoints.yml and credentials."""
    kloon = tmp_path / "kloon"
    (kloon / "models").mkdir(parents=True)
    (kloon / "models" / "coach.tar.gz").symlink_to(MODEL)
    (kloon / "credentials.yml").write_text((ROOT / "credentials.yml").read_text())
    # The repo's own endpoints.yml, with the action server on a port where nothing listens.
    endpoints = (ROOT / "endpoints.yml").read_text()
    vrij = f"http://127.0.0.1:{stackmodule.free_port()}/webhook"
    (kloon / "endpoints.yml").write_text(endpoints.replace("http://localhost:5055/webhook", vrij))
    assert "var/tracker.db" in endpoints and vrij in (kloon / "endpoints.yml").read_text()
    return kloon


@contextmanager
def _handmatig(kloon: Path, cmd: list[str], token: str | None) -> Iterator[subprocess.Popen[bytes]]:
    omgeving = {**os.environ, **stackmodule.STILLE_OMGEVING, "PYTHONPATH": str(ROOT)}
    omgeving.pop("RASA_TOKEN", None)
    if token:
        omgeving["RASA_TOKEN"] = token
    with open(kloon / "rasa.log", "wb") as log:
        proces = subprocess.Popen(
            cmd,
            cwd=kloon,
            env=omgeving,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proces
    finally:
        stackmodule.stop_server(stackmodule.Server("rasa", proces, "", kloon / "rasa.log"))


@pytest.mark.vijandig
@pytest.mark.timeout(600)
def test_vijandig_handmatige_start_op_verse_kloon_bewaart_de_verkoop(verse_kloon: Path) -> None:
    port, token = stackmodule.free_port(), "met & en # en + erin"
    url = f"http://127.0.0.1:{port}"
    # README's command, without --interface: rasa_ext.server binds loopback by itself.
    cmd = [sys.executable, "-m", "rasa_ext.server", "run", "--enable-api"]
    cmd += ["--model", "models/coach.tar.gz", "--port", str(port)]
    assert not (verse_kloon / "var").exists()
    with _handmatig(verse_kloon, cmd, token) as rasa:
        _wacht_op(url, token, rasa, verse_kloon / "rasa.log")
        assert stackmodule.luister_adressen(port) == {"127.0.0.1"}
        assert token not in _argv(rasa.pid)
        assert httpx.get(f"{url}/conversations/x/tracker").status_code == 401
        for tekst in ("klant zegt dat het te duur is", "hij vindt het echt te prijzig"):
            antwoord = httpx.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": "verse-kloon", "message": tekst},
                timeout=60,
            )
            assert antwoord.status_code == 200 and antwoord.json()
        tracker = httpx.get(
            f"{url}/conversations/verse-kloon/tracker", params={"token": token}, timeout=30
        ).json()
        assert tracker["slots"]["fase"] == "bezwaar", "de verkoop is bewaard"
    with sqlite3.connect(verse_kloon / "var" / "tracker.db") as db:
        (aantal,) = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = 'verse-kloon'"
        ).fetchone()
    assert aantal > 2, "de gesprekken staan op schijf, niet in het geheugen"
    assert "Falling back" not in (verse_kloon / "rasa.log").read_text(errors="replace")


@pytest.mark.vijandig
@pytest.mark.parametrize(
    ("argv", "token", "melding"),
    [
        (["--auth-token", "geheim"], "geheim", "niet met --auth-token"),
        (["--auth-token=geheim"], None, "niet met --auth-token"),
        ([], None, "zonder RASA_TOKEN"),
    ],
)
def test_vijandig_handmatige_start_zonder_veilig_token_weigert(
    verse_kloon: Path, argv: list[str], token: str | None, melding: str
) -> None:
    cmd = [sys.executable, "-m", "rasa_ext.server", "run", "--enable-api", *argv]
    with _handmatig(verse_kloon, [*cmd, "--port", str(stackmodule.free_port())], token) as rasa:
        assert rasa.wait(30) == 2
    uitvoer = (verse_kloon / "rasa.log").read_text()
    assert melding in uitvoer and "Traceback" not in uitvoer


# --- 17 and M6: a store that cannot be opened or written stops the start ------------------------


def _kapotte_opslag(tmp_path: Path, soort: str) -> Path:
    if soort == "map is een bestand":
        (tmp_path / "bestand").write_text("geen map")
        return tmp_path / "bestand" / "var" / "tracker.db"
    if soort == "geen database":
        (tmp_path / "tracker.db").write_bytes(b"dit is geen SQLite-bestand " * 100)
        return tmp_path / "tracker.db"
    if soort == "database is een map":
        (tmp_path / "tracker.db").mkdir()
        return tmp_path / "tracker.db"
    return Path("/proc/verkoopcoach-test/var/tracker.db")  # unwritable, even for root


KAPOTTE_OPSLAG = ["map is een bestand", "geen database", "database is een map", "onschrijfbaar"]


@pytest.mark.vijandig
@pytest.mark.parametrize("soort", KAPOTTE_OPSLAG)
def test_vijandig_kapotte_opslag_weigert_in_het_proces(tmp_path: Path, soort: str) -> None:
    from rasa_ext.opslag import OpslagFout, StrikteSQLTrackerStore

    pad = _kapotte_opslag(tmp_path, soort)
    with pytest.raises(OpslagFout) as fout:
        StrikteSQLTrackerStore(dialect="sqlite", db=str(pad))
    assert "gespreksopslag" in str(fout.value) and "Rasa start niet" in str(fout.value)
    assert "\n" not in str(fout.value)


def test_opslag_maakt_haar_map_en_laat_geen_proefrij_achter(tmp_path: Path) -> None:
    from rasa.utils.endpoints import EndpointConfig

    from rasa_ext import plugin
    from rasa_ext.opslag import StrikteSQLTrackerStore

    pad = tmp_path / "diep" / "var" / "tracker.db"
    # A plain `type: SQL` under rasa_ext.server goes through the plugin hook to the same store.
    config = EndpointConfig(type="SQL", dialect="sqlite", db=str(pad))
    store = plugin.create_tracker_store(endpoint_config=config, domain=None, event_broker=None)
    assert isinstance(store, StrikteSQLTrackerStore) and pad.is_file()
    with sqlite3.connect(pad) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone() == (0,)
    redis = EndpointConfig(type="redis")
    assert (
        plugin.create_tracker_store(endpoint_config=redis, domain=None, event_broker=None) is None
    )


@pytest.mark.vijandig
@pytest.mark.timeout(300)
def test_vijandig_stack_met_onschrijfbare_opslag_start_niet(tmp_path: Path) -> None:
    pad = _kapotte_opslag(tmp_path, "map is een bestand")
    endpoints = stackmodule.schrijf_endpoints(tmp_path / "e.yml", stackmodule.free_port(), pad)
    server = stackmodule.start_rasa(
        stackmodule.free_port(), tmp_path / "rasa.log", endpoints=endpoints
    )
    start = time.monotonic()
    try:
        with pytest.raises(stackmodule.StackFout) as fout:
            stackmodule.wacht_op_gezond([server])
    finally:
        stackmodule.stop_server(server)
    assert "gespreksopslag" in str(fout.value) and str(pad.parent) in str(fout.value)
    assert time.monotonic() - start < 90, "geen wachten op de time-out van 180 s"


@pytest.mark.vijandig
@pytest.mark.timeout(300)
def test_vijandig_gewoon_rasa_run_maakt_de_map_en_weigert_kapotte_opslag(tmp_path: Path) -> None:
    """Plain `rasa run` reads the store from endpoints.yml too: the hook is Rasa's own."""

    def rasa_run(db: Path, naam: str) -> tuple[Path, list[str]]:
        kloon = tmp_path / naam
        kloon.mkdir()
        endpoints = stackmodule.schrijf_endpoints(kloon / "e.yml", stackmodule.free_port(), db)
        cmd = [sys.executable, "-m", "rasa", "run", "--model", str(MODEL), "--endpoints"]
        return kloon, [*cmd, str(endpoints), "--port", str(stackmodule.free_port())]

    nieuw = tmp_path / "nieuw" / "var" / "tracker.db"
    kloon, cmd = rasa_run(nieuw, "goed")
    with _handmatig(kloon, [*cmd, "--interface", "127.0.0.1"], None) as rasa:
        einde = time.monotonic() + 120
        while not nieuw.is_file():
            assert rasa.poll() is None and time.monotonic() < einde
            time.sleep(0.2)
    kloon, cmd = rasa_run(_kapotte_opslag(tmp_path, "geen database"), "kapot")
    with _handmatig(kloon, [*cmd, "--interface", "127.0.0.1"], None) as rasa:
        assert rasa.wait(120) != 0
    assert "gespreksopslag" in stackmodule.laatste_regel(kloon / "rasa.log")


# --- 14: a missing or broken model fails within seconds -----------------------------------------


def _tar_gz(leden: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for naam, inhoud in leden.items():
            info = tarfile.TarInfo(naam)
            info.size = len(inhoud)
            tar.addfile(info, io.BytesIO(inhoud))
    return buffer.getvalue()


KAPOTTE_MODELLEN = {
    "ontbreekt": None,
    "leeg": b"",
    "willekeurig": os.urandom(4096),
    "afgekapt": MODEL.read_bytes()[: 1 << 20] if MODEL.is_file() else b"",
    "gzip zonder tar": gzip.compress(b"geen tar" * 1000),
    "tar zonder metadata": _tar_gz({"components/x.json": b"{}"}),
    "metadata geen json": _tar_gz({"metadata.json": b"{kapot"}),
    "metadata van iets anders": _tar_gz({"metadata.json": json.dumps({"naam": "x"}).encode()}),
}


@pytest.fixture(params=list(KAPOTTE_MODELLEN))
def kapot_model(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    pad = tmp_path / "models" / "coach.tar.gz"
    pad.parent.mkdir()
    inhoud = KAPOTTE_MODELLEN[request.param]
    if inhoud is not None:
        pad.write_bytes(inhoud)
    return pad


@pytest.mark.vijandig
def test_vijandig_kapot_model_stopt_de_stack_in_seconden(kapot_model: Path, tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(stackmodule.StackFout) as fout:
        stackmodule.start_rasa(stackmodule.free_port(), tmp_path / "rasa.log", model=kapot_model)
    assert time.monotonic() - start < 5
    assert str(kapot_model) in str(fout.value) and "make train" in str(fout.value)
    assert not (tmp_path / "rasa.log").exists(), "Rasa is niet eens gestart"


@pytest.mark.vijandig
def test_vijandig_kapot_model_stopt_de_handmatige_start(kapot_model: Path) -> None:
    cmd = [sys.executable, "-m", "rasa_ext.server", "run", "--enable-api", "--model"]
    omgeving = {**os.environ, "RASA_TOKEN": "t"}
    start = time.monotonic()
    uit = subprocess.run(
        [*cmd, str(kapot_model)], cwd=ROOT, env=omgeving, capture_output=True, text=True, timeout=60
    )
    assert uit.returncode == 2 and time.monotonic() - start < 20
    assert uit.stderr.startswith("Fout: ") and "make train" in uit.stderr
    assert "Traceback" not in uit.stderr


def test_het_echte_model_is_goed() -> None:
    from rasa_ext.modelbestand import controleer

    assert controleer(MODEL) == MODEL
    assert controleer(MODEL.parent) == MODEL  # a folder: its newest archive, as Rasa does


# --- 14: logs rotate ---------------------------------------------------------------------------


def test_logs_roteren_in_plaats_van_gewist(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "rasa.log"
    for n in range(stackmodule.BEWAAR_LOGS + 3):
        code = f"print('start {n}')"
        server = stackmodule.start_server("test", [sys.executable, "-c", code], 0, "", log)
        server.proces.wait(30)
    assert log.read_text().strip() == f"start {stackmodule.BEWAAR_LOGS + 2}"
    assert log.with_name("rasa.log.1").read_text().strip() == f"start {stackmodule.BEWAAR_LOGS + 1}"
    bewaard = sorted(p.name for p in log.parent.iterdir())
    assert bewaard == [
        "rasa.log",
        *(f"rasa.log.{n}" for n in range(1, stackmodule.BEWAAR_LOGS + 1)),
    ]
