"""Practice mode through the real Rasa and action servers (REST channel), and across a restart."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_rasa_server import nieuwe_verkoper, praat, slots

from actions.adviesboek import laad_adviesboek
from actions.oefenboek import laad_oefenboek
from rasa_ext.payload import TE_LANG_TEKST
from stack import launcher as stackmodule

BOEK = laad_oefenboek()
COACH = laad_adviesboek()
LAPTOP = BOEK.scenarios["laptop"]
# A seller who gets some steps right and some wrong, one answer per step of the laptop scenario.
ANTWOORDEN = {
    "contact": "Kan ik u helpen?",
    "behoefte": "Waar gaat u de laptop vooral voor gebruiken?",
    "presentatie": "Deze start in tien seconden op, waardoor u meteen aan de slag kunt.",
    "bezwaar": "Dat begrijp ik, daarom zet onze servicebalie alles voor u over.",
    "afsluiting": "Neemt u hem in het zilver of in het grijs?",
    "nazorg": "Veel plezier ermee! Kom gerust terug als er iets is.",
}


def teksten(berichten: list[dict]) -> list[str]:
    return [b.get("text", "") for b in berichten]


def speel_laptop(url: str, verkoper: str, token: str | None) -> list[str]:
    """A whole session; returns the scorecard."""
    keuze = praat(url, verkoper, "ik wil oefenen", token)
    assert [k["payload"] for k in keuze[0]["buttons"]][:-1] == [
        f'/oefenen_start{{"oefen_scenario":"{s}"}}' for s in BOEK.scenarios
    ]
    start = praat(url, verkoper, "laptop", token)
    assert LAPTOP.situatie in start[0]["text"] and LAPTOP.stappen[0].klant in start[0]["text"]
    for i, stap in enumerate(LAPTOP.stappen):
        antwoord = teksten(praat(url, verkoper, ANTWOORDEN[stap.fase], token))
        assert len(antwoord) == 2, antwoord  # coach first, then the customer (or the scorecard)
        if i + 1 < len(LAPTOP.stappen):
            assert LAPTOP.stappen[i + 1].klant in antwoord[1]
    return antwoord


def test_hele_oefensessie_en_daarna_verder_coachen(coach_stack: stackmodule.Stack) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    praat(url, verkoper, "klant zegt dat het te duur is")
    assert slots(url, verkoper)["fase"] == "bezwaar"

    scorekaart = speel_laptop(url, verkoper, coach_stack.auth_token)
    assert scorekaart[0].startswith("✅ ")  # the last answer was a good farewell
    # 11 of 13 points: only the worn opener in contact cost points.
    assert "Score: 8,5/10" in scorekaart[1]
    assert "🎯 Contact: een groet met een opening; niet: een versleten openingszin" in scorekaart[1]
    assert BOEK.teksten["eerste_keer"] in scorekaart[1]

    na = slots(url, verkoper)
    assert na["fase"] == "bezwaar", "oefenen laat de fase van de echte verkoop met rust"
    assert [s["score"] for s in na["oefen_historie"]] == [8.5]
    assert na["oefen_scenario"] is None and na["oefen_stap"] is None

    advies = praat(url, verkoper, "ze twijfelt tussen de zwarte en de grijze")
    assert advies[0]["text"].startswith("Afsluiting")
    assert slots(url, verkoper)["fase"] == "afsluiting"


def test_halverwege_stoppen(coach_stack: stackmodule.Stack) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    praat(url, verkoper, "/oefenen_start")
    praat(url, verkoper, "bank")
    praat(url, verkoper, "Goedemiddag! Zit lekker, hè?")
    gestopt = teksten(praat(url, verkoper, "stop"))
    totaal = len(BOEK.scenarios["bank"].stappen)
    assert gestopt == [BOEK.teksten["gestopt"].format(gedaan=1, totaal=totaal)]
    assert slots(url, verkoper)["oefen_historie"] is None, "een gestopte sessie telt niet"
    assert praat(url, verkoper, "er loopt net iemand binnen")[0]["text"].startswith("Contact")
    assert teksten(praat(url, verkoper, "stop")) == [BOEK.teksten["geen_sessie"]]


@pytest.mark.parametrize(
    ("commando", "verwacht"), [("/nieuwe_klant", "nieuwe_klant"), ("/fase_overzicht", None)]
)
def test_commandos_werken_tijdens_het_oefenen(
    coach_stack: stackmodule.Stack, commando: str, verwacht: str | None
) -> None:
    """/nieuw, /fase (and /help, /tips) answer as usual; then the same step is asked again."""
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    praat(url, verkoper, "ik wil oefenen")
    praat(url, verkoper, "laptop")
    antwoord = teksten(praat(url, verkoper, commando))
    if verwacht:
        assert antwoord[0] == COACH.teksten[verwacht]
    assert antwoord[0] != BOEK.teksten["commando_tijdens_oefenen"]
    assert LAPTOP.stappen[0].klant in antwoord[-1], "daarna dezelfde stap opnieuw"
    assert slots(url, verkoper)["oefen_stap"] == 0
    assert slots(url, verkoper)["requested_slot"] == "oefen_antwoord"


@pytest.mark.vijandig
@pytest.mark.parametrize(
    ("invoer", "verwacht"),
    [
        ("😀👍", "geen_antwoord"),
        ("   ", "geen_antwoord"),
        ("/greet", "commando_tijdens_oefenen"),
    ],
)
def test_slechte_invoer_tijdens_oefenen(
    coach_stack: stackmodule.Stack, invoer: str, verwacht: str
) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    praat(url, verkoper, "ik wil oefenen")
    praat(url, verkoper, "laptop")
    antwoord = teksten(praat(url, verkoper, invoer))
    assert antwoord[0] == BOEK.teksten[verwacht]
    assert LAPTOP.stappen[0].klant in antwoord[1], "dezelfde stap opnieuw"
    assert slots(url, verkoper)["oefen_stap"] == 0


@pytest.mark.vijandig
def test_lang_en_anderstalig_antwoord_wordt_beoordeeld(coach_stack: stackmodule.Stack) -> None:
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    praat(url, verkoper, "ik wil oefenen")
    praat(url, verkoper, "laptop")
    engels = teksten(praat(url, verkoper, "Hello, can I help you?"))
    assert engels[0].startswith("🟡 ") and LAPTOP.stappen[1].klant in engels[1]
    # Over the channel's cap (rasa_ext/payload.py): refused, the step stays.
    te_lang = teksten(praat(url, verkoper, "Waar gaat u hem voor gebruiken? " * 160))  # ~5000
    assert te_lang == [TE_LANG_TEKST]
    lang = teksten(praat(url, verkoper, "Waar gaat u hem voor gebruiken? " * 60))  # ~1900 tekens
    assert lang[0].startswith("✅ ") and LAPTOP.stappen[2].klant in lang[1]


@pytest.mark.timeout(600)
def test_scorekaart_overleeft_een_herstart(tmp_path: Path) -> None:
    actie_port, rasa_port = stackmodule.free_port(), stackmodule.free_port()
    endpoints = stackmodule.schrijf_endpoints(
        tmp_path / "endpoints.yml", actie_port, tmp_path / "tracker.db"
    )
    url, verkoper = f"http://127.0.0.1:{rasa_port}", "herstart-oefenen"
    acties = stackmodule.start_actieserver(actie_port, tmp_path / "actions.log")
    token = stackmodule.nieuw_token()  # Rasa's API always has one

    def start() -> stackmodule.Server:
        rasa = stackmodule.start_rasa(
            rasa_port, tmp_path / "rasa.log", endpoints=endpoints, auth_token=token
        )
        stackmodule.wacht_op_gezond([acties, rasa])
        return rasa

    try:
        rasa = start()
        try:
            speel_laptop(url, verkoper, token)
        finally:
            stackmodule.stop_server(rasa)
        rasa = start()
        try:
            assert [s["score"] for s in slots(url, verkoper, token)["oefen_historie"]] == [8.5]
            scorekaart = speel_laptop(url, verkoper, token)
            assert "Vorige keer 8,5/10 (±0), gemiddeld 8,5/10 over 2 sessies" in scorekaart[1]
        finally:
            stackmodule.stop_server(rasa)
    finally:
        stackmodule.stop_server(acties)


def test_oude_sessieresten_storen_een_nieuwe_sessie_niet(coach_stack: stackmodule.Stack) -> None:
    """Slots of a session that never ended (carried into a new Rasa session) are cleared."""
    url, verkoper = coach_stack.rasa_url, nieuwe_verkoper()
    resten = [
        {"event": "slot", "name": "oefen_scenario", "value": "laptop"},
        {"event": "slot", "name": "oefen_stap", "value": 3},
    ]
    httpx.post(
        f"{url}/conversations/{verkoper}/tracker/events",
        params={"token": coach_stack.auth_token},
        json=resten,
        timeout=30,
    ).raise_for_status()
    keuze = praat(url, verkoper, "ik wil oefenen")
    assert teksten(keuze) == [BOEK.teksten["kies_scenario"]]
