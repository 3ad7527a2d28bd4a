"""Fixtures for the trainer tests: real conversations in SQLite AND in a real PostgreSQL.

Both stores are filled the same way, through Rasa's REST channel on real Rasa +
action servers: the SQLite one by the session's `coach_stack` (tests/conftest.py),
the PostgreSQL one by a second stack whose endpoints point at a PostgreSQL server
started for the session (tests/support/postgres.py).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from test_oefenen_server import speel_laptop  # tests/ is on sys.path under pytest

from stack import launcher as stackmodule
from stack.paths import ROOT
from stack.postgres import postgres_server
from tests.conftest import RASA_TEST_TOKEN
from trainer.opslag import Opslag

TOKEN = RASA_TEST_TOKEN
ZEKER = ["er loopt net een klant binnen", "klant zegt dat het te duur is"]
VIJANDIG = "<script>alert(1)</script> hij kijkt rond en zegt niks"  # low confidence: unsure
ONDUIDELIJK = ["qwx vlorp zint", "QWX vlorp, zint!", VIJANDIG]
BEDOEL_JE = ["hij kijkt rond en zegt niks", "ze vraagt of het ook in het blauw kan"]


@dataclass
class Gesprekken:
    """What was said, per seller, and what the coach answered (the REST replies)."""

    url: str
    antwoorden: dict[str, list[tuple[str, list[dict]]]] = field(default_factory=dict)
    knoppen: dict[str, str] = field(default_factory=dict)  # unclear text -> chosen payload
    verkoper_met_nieuwe_klant: str = ""
    oefenaar: str = ""
    twijfel: dict[str, bool] = field(default_factory=dict)  # text -> unsure, per Rasa's API

    def praat(self, verkoper: str, tekst: str) -> list[dict]:
        antwoord = httpx.post(
            f"{self.url}/webhooks/rest/webhook",
            params={"token": TOKEN},
            # "/..." is a button press: marked as the bot marks it, or the channel reads plain text.
            json={
                "sender": verkoper,
                "message": tekst,
                "metadata": {"bron": "knop" if tekst.startswith("/") else "tekst"},
            },
            timeout=60,
        )
        antwoord.raise_for_status()
        self.antwoorden.setdefault(verkoper, []).append((tekst, antwoord.json()))
        if not tekst.startswith("/"):
            self.twijfel[tekst] = self._twijfel(verkoper)
        return antwoord.json()

    def _twijfel(self, verkoper: str) -> bool:
        """Unsure by the tracker that Rasa's HTTP API shows (not the SQL the trainer reads)."""
        tracker = httpx.get(
            f"{self.url}/conversations/{verkoper}/tracker", params={"token": TOKEN}, timeout=30
        ).json()
        laatste = max(i for i, e in enumerate(tracker["events"]) if e["event"] == "user")
        intent = tracker["events"][laatste]["parse_data"]["intent"]
        bedoel_je = any(
            e["event"] == "action" and e["name"] == "action_bedoel_je"
            for e in tracker["events"][laatste:]
        )
        return bedoel_je or intent["name"] == "nlu_fallback" or intent["confidence"] < 0.6

    def onzeker(self, tekst: str) -> bool:
        return self.twijfel.get(tekst, False)


# Fixtures that start servers; `pytest -m "not e2e"` skips the tests that use them.
SERVERS = {"gevuld", "sqlite_gesprekken", "postgres_gesprekken", "postgres_stack", "postgres_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVERS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


def _nieuw() -> str:
    return f"verkoper-{uuid.uuid4().hex[:8]}"


def speel(url: str) -> Gesprekken:
    """Sales with sure and unsure messages, a "Bedoel je" answered with a button, a new customer."""
    g = Gesprekken(url)
    g.verkoper_met_nieuwe_klant = a = _nieuw()
    for tekst in [*ZEKER, "nieuwe klant", "ze zoekt een cadeau voor haar man"]:
        g.praat(a, tekst)
    g.oefenaar = _nieuw()
    speel_laptop(url, g.oefenaar, TOKEN)  # a whole practice session: score 8.5
    for tekst in ONDUIDELIJK:
        g.praat(_nieuw(), tekst)
    for tekst in BEDOEL_JE:
        verkoper = _nieuw()
        antwoord = g.praat(verkoper, tekst)
        knoppen = [k["payload"] for b in antwoord for k in b.get("buttons") or []]
        situaties = [k for k in knoppen if k != "/fase_menu" and "{" not in k]
        # "Bedoel je ...?" ends with "iets anders" (/fase_menu); press its second guess.
        if "/fase_menu" in knoppen and len(situaties) >= 2:
            g.knoppen[tekst] = situaties[1]
            g.praat(verkoper, situaties[1])
    return g


@pytest.fixture(scope="session")
def sqlite_gesprekken(coach_stack: stackmodule.Stack) -> tuple[Opslag, Gesprekken]:
    gesprekken = speel(coach_stack.rasa_url)
    return Opslag(f"sqlite:///{coach_stack.logmap / 'tracker.db'}"), gesprekken


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    # Not under pytest's numbered temp folders: a concurrent pytest session prunes those.
    with (
        tempfile.TemporaryDirectory(prefix="verkoopcoach-pg-") as map_,
        postgres_server(Path(map_)) as url,
    ):
        yield url


def endpoints_postgres(pad: Path, actie_port: int, url: str) -> Path:
    """An endpoints file like the PostgreSQL example in endpoints.yml."""
    adres = httpx.URL(url.replace("postgresql://", "http://"))
    pad.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actie_port}/webhook"\n'
        "tracker_store:\n  type: rasa_ext.opslag.StrikteSQLTrackerStore\n"
        f'  dialect: "postgresql"\n  url: "{adres.host}"\n  port: {adres.port}\n'
        f'  db: "{adres.path.strip("/")}"\n  username: "{adres.username}"\n'
    )
    return pad


@pytest.fixture(scope="session")
def postgres_stack(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[stackmodule.Stack]:
    map_ = tmp_path_factory.mktemp("pgstack")
    actie_port, rasa_port = stackmodule.free_port(), stackmodule.free_port()
    while rasa_port == actie_port:
        rasa_port = stackmodule.free_port()
    endpoints = endpoints_postgres(map_ / "endpoints.yml", actie_port, postgres_url)
    with stackmodule.coach_stack(
        rasa_port=rasa_port,
        actie_port=actie_port,
        endpoints=endpoints,
        logmap=map_,
        auth_token=TOKEN,
        melding=lambda _: None,
    ) as stack:
        yield stack


@pytest.fixture(scope="session")
def postgres_gesprekken(
    postgres_stack: stackmodule.Stack, postgres_url: str
) -> tuple[Opslag, Gesprekken]:
    gesprekken = speel(postgres_stack.rasa_url)
    return Opslag.uit_endpoints(postgres_stack.logmap / "endpoints.yml"), gesprekken


@pytest.fixture(params=["sqlite", "postgres"])
def gevuld(request: pytest.FixtureRequest) -> tuple[Opslag, Gesprekken]:
    """Each test runs on both stores."""
    return request.getfixturevalue(f"{request.param}_gesprekken")


@pytest.fixture
def data_kopie(tmp_path: Path) -> Path:
    """A copy of data/: tests never write the real training data."""
    kopie = tmp_path / "data"
    shutil.copytree(ROOT / "data", kopie)
    return kopie
