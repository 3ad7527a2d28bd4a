"""/voortgang without servers: bounded history, per-phase trend, the action, chart and terminal."""

from __future__ import annotations

import asyncio
import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from telegram.error import NetworkError

from actions import voortgang
from actions.oefen_acties import BOEK, VOORTGANG, ActionOefenAfronden, ActionVoortgang
from actions.scorekaart import scorekaart
from actions.yaml_bron import YamlFout
from bot.rasa_client import lees_antwoord
from bot.terminal import toon
from bot.voortgang import lees_grafiek, stuur_grafiek, teken

TITELS = {voortgang.TOTAAL: "Totaal", **{f: r.titel for f, r in BOEK.fasen.items()}}


def sessie(score: float, **fasen: float) -> dict:
    return {"scenario": "laptop", "score": score, "datum": "2026-11-30", "fasen": fasen}


def tracker(**slots: object) -> Tracker:
    return Tracker("verkoper", slots, {"intent": {"name": "voortgang"}}, [], False, None, {}, None)


def draai(actie: object, t: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(actie.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_instellingen_uit_yaml() -> None:
    assert VOORTGANG.bewaar_sessies == 20
    assert VOORTGANG.trend_sessies >= 1


def test_per_fase_aantal_gemiddelde_en_trend() -> None:
    historie = [sessie(4, contact=4, behoefte=2), sessie(6, contact=6), sessie(9, contact=9)]
    reeksen = voortgang.voortgang(historie, None, TITELS, VOORTGANG)
    per = {r.sleutel: r for r in reeksen}
    assert [r.sleutel for r in reeksen] == ["totaal", "contact", "behoefte"]
    assert per["contact"].aantal == 3 and per["contact"].gemiddeld == pytest.approx(19 / 3)
    assert per["contact"].scores == [4, 6, 9]
    # Last 3 against the ones before: with 3 sessions, the last 2 against the first.
    assert per["contact"].trend == pytest.approx(7.5 - 4)
    assert per["behoefte"].scores == [2, None, None] and per["behoefte"].trend is None
    tekst = voortgang.tekst(reeksen, VOORTGANG)
    assert tekst.splitlines()[0] == "📈 Je voortgang (sessies: 3): gemiddeld 6,5/10."
    assert "Contact: 3× geoefend, gemiddeld 6,5/10, gaat omhoog (↑ 3,5)" in tekst
    assert "Behoefte: 1× geoefend, gemiddeld 2/10, nog geen trend" in tekst


def test_dalende_en_gelijke_trend() -> None:
    omlaag = voortgang.voortgang(
        [sessie(8, bezwaar=8), sessie(5, bezwaar=5)], None, TITELS, VOORTGANG
    )
    assert "gaat omlaag (↓ 3)" in voortgang.tekst(omlaag, VOORTGANG)
    gelijk = voortgang.voortgang(
        [sessie(7, nazorg=7), sessie(7, nazorg=7)], None, TITELS, VOORTGANG
    )
    assert "blijft gelijk" in voortgang.tekst(gelijk, VOORTGANG)


def test_oude_sessies_zonder_fasen_tellen_in_het_totaal() -> None:
    reeksen = voortgang.voortgang([{"score": 7, "scenario": "bank"}], None, TITELS, VOORTGANG)
    assert [r.sleutel for r in reeksen] == ["totaal"]
    assert VOORTGANG.teksten["geen_fasen"] in voortgang.tekst(reeksen, VOORTGANG)


def test_scorekaart_bewaart_de_score_per_fase() -> None:
    uitslagen = [
        {"fase": "contact", "punten": 0, "max": 2, "gehaald": False, "vermeden": []},
        {"fase": "behoefte", "punten": 2, "max": 2, "gehaald": True, "vermeden": []},
    ]
    _, s = scorekaart(BOEK, BOEK.scenarios["laptop"], uitslagen, [], vandaag=date(2026, 11, 30))
    assert s["fasen"] == {"contact": 0.0, "behoefte": 10.0} and s["score"] == 5.0


def test_vijandig_honderd_sessies_houden_het_slot_begrensd() -> None:
    """100 finished sessions: the slot keeps 20, the summary holds the other 80 exactly."""
    rng = random.Random(14)
    historie: list[dict] = []
    samenvatting = None
    alle = []
    for i in range(100):
        nieuw = sessie(rng.randint(0, 20) / 2, contact=rng.randint(0, 10), bezwaar=float(i % 11))
        alle.append(nieuw)
        historie, samenvatting = voortgang.begrens(
            [*historie, nieuw], samenvatting, VOORTGANG.bewaar_sessies
        )
        assert len(historie) <= VOORTGANG.bewaar_sessies
    assert historie == alle[-20:]
    oud = alle[:80]
    assert samenvatting["sessies"] == 80
    assert samenvatting["totaal"]["aantal"] == 80
    assert samenvatting["totaal"]["gemiddeld"] == pytest.approx(sum(s["score"] for s in oud) / 80)
    for fase in ("contact", "bezwaar"):
        blok = samenvatting["fasen"][fase]
        assert blok["aantal"] == 80
        assert blok["gemiddeld"] == pytest.approx(sum(s["fasen"][fase] for s in oud) / 80)
    # /voortgang still shows the whole trend: all 100 sessions, the right overall average.
    per = {r.sleutel: r for r in voortgang.voortgang(historie, samenvatting, TITELS, VOORTGANG)}
    assert per["totaal"].aantal == 100
    assert per["totaal"].gemiddeld == pytest.approx(sum(s["score"] for s in alle) / 100)
    assert per["bezwaar"].eerder_aantal == 80 and len(per["bezwaar"].scores) == 20


def test_vijandig_rommel_in_de_historie_wordt_overgeslagen() -> None:
    rommel = [None, "x", {"score": "veel"}, {"score": 99}, {"geen": 1}, sessie(6, contact=6)]
    historie, samenvatting = voortgang.begrens(rommel, None, 20)
    assert historie == [sessie(6, contact=6)] and samenvatting is None
    reeksen = voortgang.voortgang(rommel, None, TITELS, VOORTGANG)
    assert reeksen[0].aantal == 1


def test_actie_zonder_historie_wijst_naar_oefenen() -> None:
    berichten, events = draai(ActionVoortgang(), tracker(oefen_historie=None))
    assert events == []
    assert berichten[0]["text"] == VOORTGANG.teksten["geen_historie"]
    assert "/oefenen" in berichten[0]["text"]
    assert berichten[0]["buttons"][0]["payload"] == "/oefenen_start"
    assert not berichten[0].get("custom")


def test_actie_stuurt_tekst_en_data() -> None:
    t = tracker(oefen_historie=[sessie(5, contact=4), sessie(8, contact=9)])
    berichten, _ = draai(ActionVoortgang(), t)
    assert len(berichten) == 1
    assert berichten[0]["text"].startswith("📈 Je voortgang (sessies: 2)")
    data = berichten[0]["custom"]["voortgang"]
    assert data["titel"] == VOORTGANG.teksten["grafiek"]
    assert [r["fase"] for r in data["reeksen"]] == ["totaal", "contact"]
    assert data["reeksen"][1]["scores"] == [4, 9]


def test_afronden_begrenst_de_historie() -> None:
    laptop = BOEK.scenarios["laptop"]
    uitslag = {"fase": "contact", "punten": 2, "max": 2, "gehaald": True, "vermeden": []}
    t = tracker(
        oefen_scenario=laptop.id,
        oefen_oordelen=[uitslag],
        oefen_historie=[sessie(5, contact=5)] * VOORTGANG.bewaar_sessies,
        oefen_samenvatting=None,
    )
    _, events = draai(ActionOefenAfronden(), t)
    gezet = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert len(gezet["oefen_historie"]) == VOORTGANG.bewaar_sessies
    assert gezet["oefen_historie"][-1]["fasen"] == {"contact": 10.0}
    assert gezet["oefen_samenvatting"]["sessies"] == 1
    assert SlotSet("oefen_scenario", None) in events


def test_grafiek_wordt_een_png() -> None:
    historie = [sessie(5, contact=4, behoefte=6), sessie(8, contact=9)]
    samenvatting = voortgang.voeg_toe(None, sessie(3, contact=2))
    reeksen = voortgang.voortgang(historie, samenvatting, TITELS, VOORTGANG)
    grafiek = lees_grafiek(voortgang.payload(reeksen, VOORTGANG))
    assert grafiek is not None and [lijn.titel for lijn in grafiek.lijnen][:2] == [
        "Totaal",
        "Contact",
    ]
    png = teken(grafiek)
    assert png.startswith(b"\x89PNG") and len(png) > 5000


@pytest.mark.parametrize(
    "extra",
    [
        None,
        {},
        {"voortgang": "x"},
        {"voortgang": {"reeksen": [{"scores": ["a", float("nan"), 1e9, True]}]}},
        {"voortgang": {"reeksen": [None, 3, {"titel": 5}]}},
        {"ander": {"reeksen": []}},
    ],
)
def test_vijandig_onbruikbare_payload_geeft_geen_grafiek(extra: object) -> None:
    assert lees_grafiek(extra) is None


def test_terminal_toont_de_tekst_en_niet_de_data() -> None:
    t = tracker(oefen_historie=[sessie(5, contact=4), sessie(8, contact=9)])
    berichten, _ = draai(ActionVoortgang(), t)
    # What Rasa's REST channel makes of it: the text, then the custom payload on its own.
    rest = [{"text": berichten[0]["text"]}, {"custom": berichten[0]["custom"]}]
    regels: list[str] = []
    toon(lees_antwoord(rest), regels.append)
    assert len(regels) == 1
    assert regels[0].startswith("coach> 📈 Je voortgang (sessies: 2)")
    assert "Contact: 2× geoefend, gemiddeld 6,5/10, gaat omhoog (↑ 5)" in regels[0]


def test_vijandig_kapotte_voortgang_yaml(tmp_path: Path) -> None:
    kopie = Path(shutil.copy(voortgang.VOORTGANG_BESTAND, tmp_path / "voortgang.yml"))
    kopie.write_text(
        kopie.read_text(encoding="utf-8").replace("bewaar_sessies: 20", "bewaar_sessies: 0"),
        encoding="utf-8",
    )
    with pytest.raises(YamlFout, match="bewaar_sessies"):
        voortgang.laad_instellingen(kopie)


class KapotteTelegram:
    """A bot whose photo upload fails, as Telegram does when the network drops."""

    def __init__(self) -> None:
        self.pogingen = 0

    async def send_photo(self, *args: object, **kwargs: object) -> None:
        self.pogingen += 1
        raise NetworkError("verbinding weg (nep)")


def test_vijandig_foto_mislukt_kost_alleen_de_foto() -> None:
    reeksen = voortgang.voortgang([sessie(6, contact=6)], None, TITELS, VOORTGANG)
    bot = KapotteTelegram()
    assert asyncio.run(stuur_grafiek(bot, 1, voortgang.payload(reeksen, VOORTGANG))) is False
    assert bot.pogingen == 1
    assert asyncio.run(stuur_grafiek(bot, 1, {"iets": "anders"})) is False
    assert bot.pogingen == 1, "geen grafiek in de payload: geen poging"
