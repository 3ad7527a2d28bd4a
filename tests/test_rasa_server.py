"""The Rasa server through its REST channel: the `fase` contract, fallback, bad input, restarts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import RASA_TEST_TOKEN

from stack import launcher as stackmodule
from tools.domein import ROOT

FASEN = [
    ("er loopt net iemand binnen", "contact"),
    ("ze zoekt nieuwe schoenen wat moet ik vragen", "behoefte"),
    ("ik ga hem de laptop laten zien", "presentatie"),
    ("klant zegt dat het te duur is", "bezwaar"),
    ("ze twijfelt tussen de zwarte en de grijze", "afsluiting"),
    ("ze heeft hem net afgerekend", "nazorg"),
    ("ik heb iets stoms gezegd tegen de klant", "herstel"),
    ("ik heb echt geen zin vandaag", "voorbereiding"),
    ("klant wil korting", "bezwaar"),  # advice, never practice mode (issue 10)
    ("ze vraagt hoe lang de garantie is", "afsluiting"),
]
BUITEN_DOMEIN = ["wat wordt het weer morgen", "bestel een pizza", "asdfgh"]
SLECHTE_INVOER = [
    "",
    "   \n\t ",
    "😀👍🔥",
    "klant vindt het te duur " * 210,  # ~5000 characters
    "the customer says it is too expensive",
    "<b>klant</b> <script>alert('x')</script> vindt het te duur",
    "'; DROP TABLE events; --",
]
STILTE_TEKST = yaml.safe_load((ROOT / "credentials.yml").read_text())[
    "rasa_ext.channel.CoachRestInput"
]["stilte_tekst"]


def nieuwe_verkoper() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def praat(url: str, verkoper: str, tekst: str, token: str | None = RASA_TEST_TOKEN) -> list[dict]:
    antwoord = httpx.post(
        f"{url}/webhooks/rest/webhook",
        params={"token": token} if token else None,
        # "/..." as the bot sends its buttons: marked, or the channel reads it as plain text.
        json={"sender": verkoper, "message": tekst, "metadata": {"bron": "knop"}},
        timeout=60,
    )
    antwoord.raise_for_status()
    return antwoord.json()


def slots(url: str, verkoper: str, token: str | None = RASA_TEST_TOKEN) -> dict:
    antwoord = httpx.get(
        f"{url}/conversations/{verkoper}/tracker",
        params={"token": token} if token else None,
        timeout=30,
    )
    antwoord.raise_for_status()
    return antwoord.json()["slots"]


@pytest.mark.parametrize(("tekst", "fase"), FASEN)
def test_fase_na_het_eerste_bericht(coach_stack: stackmodule.Stack, tekst: str, fase: str) -> None:
    verkoper = nieuwe_verkoper()
    berichten = praat(coach_stack.rasa_url, verkoper, tekst)
    assert berichten and berichten[0]["text"].startswith(fase.capitalize())
    assert berichten[0]["buttons"], "knoppen voor de volgende stap"
    assert slots(coach_stack.rasa_url, verkoper)["fase"] == fase


def test_buiten_domein_houdt_de_fase_en_biedt_knoppen(coach_stack: stackmodule.Stack) -> None:
    verkoper = nieuwe_verkoper()
    praat(coach_stack.rasa_url, verkoper, "klant zegt dat het te duur is")
    for tekst in BUITEN_DOMEIN:
        berichten = praat(coach_stack.rasa_url, verkoper, tekst)
        assert "/fase_menu" in _payloads(berichten), tekst
        assert slots(coach_stack.rasa_url, verkoper)["fase"] == "bezwaar", tekst


def _payloads(berichten: list[dict]) -> list[str]:
    return [k["payload"].split("{")[0] for k in berichten[0].get("buttons", [])]


@pytest.mark.vijandig
@pytest.mark.parametrize("tekst", [*BUITEN_DOMEIN, "/nlu_fallback"])
def test_niet_gokken_in_een_nieuw_gesprek(coach_stack: stackmodule.Stack, tekst: str) -> None:
    verkoper = nieuwe_verkoper()
    berichten = praat(coach_stack.rasa_url, verkoper, tekst)
    assert "/fase_menu" in _payloads(berichten)
    assert slots(coach_stack.rasa_url, verkoper)["fase"] is None
    assert slots(coach_stack.rasa_url, verkoper)["requested_slot"] is None, "geen oefenmodus"


def test_korting_geeft_advies_en_start_geen_oefenmodus(coach_stack: stackmodule.Stack) -> None:
    verkoper = nieuwe_verkoper()
    berichten = praat(coach_stack.rasa_url, verkoper, "klant wil korting")
    assert berichten[0]["text"].startswith("Bezwaar · Vraagt om korting")
    volgende = praat(coach_stack.rasa_url, verkoper, "ze twijfelt tussen de zwarte en de grijze")
    assert volgende[0]["text"].startswith("Afsluiting"), "geen oefensessie die het overneemt"


@pytest.mark.vijandig
@pytest.mark.parametrize("tekst", SLECHTE_INVOER, ids=range(len(SLECHTE_INVOER)))
def test_slechte_invoer_krijgt_een_nederlands_antwoord(
    coach_stack: stackmodule.Stack, tekst: str
) -> None:
    berichten = praat(coach_stack.rasa_url, nieuwe_verkoper(), tekst)
    assert berichten and all(b.get("text") for b in berichten)
    assert berichten[0]["text"] != STILTE_TEKST, "de actieserver draait: echt antwoord verwacht"
    assert any(w in berichten[0]["text"].lower() for w in ("je", "klant", "u ", "fase"))


# Button payloads travel as callback_data; a client can send any. None may crash or go silent.
VERVALSTE_KNOPPEN = [
    "/bestaat_niet",
    '/fase_menu{"gekozen_fase":"verzonnen"}',
    '/fase_menu{"gekozen_fase":' + '"x' * 500 + '"}',
    '/oefenen_start{"oefen_scenario":"bestaat_niet"}',
    '/bezwaar_prijs{"product":"<script>alert(1)</script>"}',
    "/bezwaar_prijs{kapotte json",
    "/action_bedoel_je",
    '/nlu_fallback{"bedoel_je_tekst":"x","gelabeld":[1]}',
]


@pytest.mark.vijandig
@pytest.mark.parametrize("payload", VERVALSTE_KNOPPEN, ids=range(len(VERVALSTE_KNOPPEN)))
def test_vervalste_knop_geeft_een_nederlands_antwoord(
    coach_stack: stackmodule.Stack, payload: str
) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    berichten = praat(url, verkoper, payload)
    assert berichten and all(b.get("text") for b in berichten)
    assert berichten[0]["text"] != STILTE_TEKST, "een echt antwoord, geen vangnetzin"
    assert slots(url, verkoper)["gelabeld"] is None, "een knop kan geen label verzinnen"
    praat(url, verkoper, "/oefenen_stop")  # the forged /oefenen_start may have opened the picker
    assert praat(url, verkoper, "klant zegt dat het te duur is")[0]["text"].startswith("Bezwaar")


def test_menu_per_fase_en_een_knop_geeft_advies(coach_stack: stackmodule.Stack) -> None:
    verkoper = nieuwe_verkoper()
    menu = praat(coach_stack.rasa_url, verkoper, '/fase_menu{"gekozen_fase":"bezwaar"}')
    payloads = [k["payload"] for k in menu[0]["buttons"]]
    assert "/bezwaar_prijs" in payloads and "/bezwaar_overleggen" in payloads
    assert slots(coach_stack.rasa_url, verkoper)["fase"] is None
    advies = praat(coach_stack.rasa_url, verkoper, "/bezwaar_prijs")
    assert advies[0]["text"].startswith("Bezwaar")
    assert slots(coach_stack.rasa_url, verkoper)["fase"] == "bezwaar"


def test_overslaan_waarschuwing_en_nieuwe_klant(coach_stack: stackmodule.Stack) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    praat(url, verkoper, "er loopt net iemand binnen")
    assert "⚠️" in praat(url, verkoper, "ik ga hem de laptop laten zien")[0]["text"]
    overzicht = praat(url, verkoper, "/fase_overzicht")[0]["text"]
    assert "Contact → Presentatie" in overzicht
    praat(url, verkoper, "nieuwe klant")
    assert slots(url, verkoper)["fases_gehad"] == []
    assert slots(url, verkoper)["fase"] is None
    praat(url, verkoper, "ze zoekt een laptop voor haar werk")
    assert "⚠️" not in praat(url, verkoper, "ik ga hem de laptop laten zien")[0]["text"]


def test_zelfde_situatie_twee_keer_geeft_ander_advies(coach_stack: stackmodule.Stack) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    eerste = praat(url, verkoper, "klant zegt dat het te duur is")[0]["text"]
    tweede = praat(url, verkoper, "hij vindt het te prijzig")[0]["text"]
    assert eerste != tweede


@pytest.fixture
def rasa_zonder_actieserver(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """Endpoints pointing at a port where no action server listens."""
    endpoints = stackmodule.schrijf_endpoints(
        tmp_path / "endpoints.yml", stackmodule.free_port(), tmp_path / "tracker.db"
    )
    yield endpoints, stackmodule.free_port()


@pytest.mark.vijandig
@pytest.mark.timeout(600)
def test_actieserver_uit_en_herstart_bewaart_de_fase(
    rasa_zonder_actieserver: tuple[Path, int], tmp_path: Path
) -> None:
    endpoints, port = rasa_zonder_actieserver
    url = f"http://127.0.0.1:{port}"

    token = stackmodule.nieuw_token()

    def start() -> stackmodule.Server:
        server = stackmodule.start_rasa(
            port, tmp_path / "rasa.log", endpoints=endpoints, auth_token=token
        )
        stackmodule.wacht_op_gezond([server])
        return server

    server = start()
    try:
        berichten = praat(url, "herstart", "klant zegt dat het te duur is", token=token)
        assert [b["text"] for b in berichten] == [STILTE_TEKST]
        assert slots(url, "herstart", token=token)["fase"] == "bezwaar"
        begroeting = praat(url, "herstart", "hoi", token=token)
        assert "verkoopcoach" in begroeting[0]["text"], "regels met responses werken nog"
    finally:
        stackmodule.stop_server(server)
    server = start()
    try:
        assert slots(url, "herstart", token=token)["fase"] == "bezwaar"
    finally:
        stackmodule.stop_server(server)
