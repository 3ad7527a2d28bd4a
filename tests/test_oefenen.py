"""Practice mode without servers: each check, the labelled answers, scenarios, scorecard, YAML."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from actions.beoordeling import afkortingen, beoordeel, vermeden, vraagtype, woorden, zoek
from actions.oefen_acties import kies_scenario
from actions.oefenboek import OEFEN_MAP, laad_oefenboek
from actions.scorekaart import score, scorekaart
from actions.yaml_bron import YamlFout
from tools.oefen_eval import GELABELD, meet
from tools.validate import problemen_oefenen

BOEK = laad_oefenboek()
VW = BOEK.vraagtypen


# --- question type (seed 001) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tekst", "soort"),
    [
        ("Waar gaat u hem vooral voor gebruiken?", "open"),
        ("wat voor schoenen zoekt u", "open"),  # no question mark, typed on a phone
        ("Goedemiddag, hoeveel kilometer fietst u per dag?", "open"),
        ("En u gebruikt hem waarvoor?", "open"),  # question word at the end
        ("Heeft u al eens een e-bike gehad?", "gesloten"),
        ("Zoekt u iets voor uzelf?", "gesloten"),
        ("Weet u al wat u zoekt?", "gesloten"),  # question word inside a closed question
        ("Alles gevonden wat u zocht?", "gesloten"),
        ("Mooi hè?", "gesloten"),
        ("U zoekt een laptop?", "gesloten"),
        ("Wilt u de zwarte of de grijze?", "alternatief"),
        ("Pinnen of contant?", "alternatief"),
        ("doen we m in het zwart of in het bruin", "alternatief"),
        ("Weet u of hij in maat 32 valt?", "gesloten"),  # 'of' = whether
        ("Vindt u hem mooi of niet?", "gesloten"),
        ("Deze heeft een lichte accu.", "geen_vraag"),
        ("Wat een mooie jas heeft u aan!", "geen_vraag"),  # exclamation, not a question
        ("Goedemorgen! Kijkt u gerust even rond.", "geen_vraag"),  # an invitation
        ("Waar gaat u hem voor gebruiken? Dan kijk ik even met u mee.", "open"),
        ("", "geen_vraag"),
    ],
)
def test_vraagtype(tekst: str, soort: str) -> None:
    assert vraagtype(tekst, VW) == soort


def test_vraagtype_haalt_095_op_de_gelabelde_antwoorden(capsys: pytest.CaptureFixture[str]) -> None:
    uitslagen = [meet(pad, BOEK) for pad in sorted(GELABELD.glob("*.yml"))]
    alle = [g for u in uitslagen for g in u.gevallen]
    assert len(alle) >= 150
    with capsys.disabled():
        for u in uitslagen:
            print(
                f"\n{u.bestand.name}: n={len(u.gevallen)}",
                f"vraagtype {u.vraagtype_nauwkeurigheid:.3f}",
                f"oordeel {u.oordeel_nauwkeurigheid:.3f}",
            )
    for u in uitslagen:
        assert u.vraagtype_nauwkeurigheid >= 0.95, u.bestand
        assert u.oordeel_nauwkeurigheid >= 0.90, u.bestand


def test_gelabelde_antwoorden_dekken_elke_fase_en_elk_type() -> None:
    gevallen = meet(GELABELD / "antwoorden.yml", BOEK).gevallen
    assert {g.fase for g in gevallen} == set(BOEK.fasen)
    assert {g.vraagtype for g in gevallen} == {"open", "gesloten", "alternatief", "geen_vraag"}
    assert {g.oordeel for g in gevallen} == {"goed", "matig", "fout"}


# --- phrases to avoid -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fase", "tekst", "soort"),
    [
        ("contact", "Kan ik u ergens mee helpen?", "versleten_opener"),
        ("contact", "Hallo, zoekt u iets specifieks?", "versleten_opener"),
        ("behoefte", "Wat is uw budget?", "budget"),
        ("behoefte", "Hoeveel wilt u uitgeven?", "budget"),
        ("bezwaar", "Nee hoor, dat is niet duur.", "tegenspreken"),
        ("bezwaar", "Maar u moet wel kwaliteit willen.", "tegenspreken"),
        ("presentatie", "Dat andere merk is rommel.", "afkraken"),
        ("bezwaar", "Mijn collega heeft u verkeerd geholpen.", "afkraken"),
        ("presentatie", "Hij heeft 16 GB RAM en een NVMe-SSD.", "jargon"),
    ],
)
def test_vermijden(fase: str, tekst: str, soort: str) -> None:
    assert soort in vermeden(BOEK, fase, tekst)
    assert beoordeel(BOEK, fase, tekst).uitslag == "fout"


# Issue 14: four places where bare words taught the opposite of the seeds.
@pytest.mark.parametrize(
    ("fase", "tekst", "niet"),
    [
        # 1. Pressure and scarcity are never a closing technique (seed 000: no pressure).
        ("afsluiting", "Het is de laatste, dus als u twijfelt is hij straks weg.", "goed"),
        ("afsluiting", "Op is op, en alleen vandaag voor deze prijs.", "goed"),
        # 2. The market trader's own line (seed 000) is no worn-out opener.
        ("contact", "Goedemorgen! Als u iets speciaals zoekt, vraag het gerust.", "fout"),
        # 3. Offering help after the sale is what seed 001 asks, not an opener.
        ("nazorg", "Veel plezier ermee! Heeft u thuis nog hulp nodig bij het instellen?", "fout"),
        # 4. Praising a colleague is no badmouthing.
        ("nazorg", "Die collega van de kassa is echt goed, belt u haar gerust. Tot ziens!", "fout"),
    ],
)
def test_wat_een_seed_aanraadt_of_verbiedt_wordt_niet_omgedraaid(
    fase: str, tekst: str, niet: str
) -> None:
    assert beoordeel(BOEK, fase, tekst).uitslag != niet


def test_druk_is_fout_en_ontkende_druk_niet() -> None:
    assert "druk" in vermeden(BOEK, "afsluiting", "Het is de laatste, straks is hij weg.")
    assert vermeden(BOEK, "afsluiting", "Ik ga u niet pushen, neemt u gerust de tijd.") == []
    assert vermeden(BOEK, "presentatie", "Dat is geen troep, hoor.") == []


def test_een_versleten_opener_telt_alleen_in_contact() -> None:
    assert "versleten_opener" in vermeden(BOEK, "contact", "Heeft u hulp nodig?")
    assert "versleten_opener" not in vermeden(BOEK, "nazorg", "Heeft u hulp nodig?")


def test_een_collega_afkraken_blijft_fout() -> None:
    assert "afkraken" in vermeden(BOEK, "nazorg", "Mijn collega weet er niks van, let er niet op.")


def test_jargon_met_uitleg_mag() -> None:
    tekst = "Hij heeft een SSD, dat betekent dat hij in een paar tellen opstart."
    assert "jargon" not in vermeden(BOEK, "presentatie", tekst)


def test_jargon_van_het_scenario_telt_mee() -> None:
    laptop = BOEK.scenarios["laptop"]
    woord = laptop.jargon[0]
    assert "jargon" in vermeden(BOEK, "presentatie", f"Deze heeft een {woord}.", laptop.jargon)
    assert "jargon" not in vermeden(BOEK, "presentatie", f"Deze heeft een {woord}.")


def test_afkortingen() -> None:
    gewoon = frozenset({"tv", "usb"})
    assert afkortingen("Een OLED-scherm met HDR10 en een i7", gewoon) == ["OLED", "HDR10", "i7"]
    assert afkortingen("Deze TV heeft USB", gewoon) == []
    assert afkortingen("DEZE IS MOOI", gewoon) == []  # typing in capitals is no jargon


def test_zoek_jokers_en_hele_woorden() -> None:
    w = woorden("Kan ik u ergens mee helpen? Veel kookplezier!")
    assert zoek(w, ("kan ik * helpen",)) == ("kan ik * helpen", 0)
    assert zoek(w, ("veel *plezier",)) is not None
    assert zoek(w, ("ergens*",)) is not None
    assert zoek(woorden("vandaag"), ("dag",)) is None  # whole words only


# --- what each step asks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fase", "goed", "matig"),
    [
        ("contact", "Goedemiddag! Die zijn net binnen.", "Die zijn net binnen."),
        ("behoefte", "Wat doet u vooral met uw laptop?", "Gebruikt u hem veel?"),
        (
            "presentatie",
            "Deze zool is van rubber, waardoor u niet uitglijdt.",
            "Deze zool is van rubber.",
        ),
        (
            "bezwaar",
            "Dat begrijp ik, daarom krijgt u er vijf jaar garantie bij.",
            "Deze gaat wel tien jaar mee hoor, met vijf jaar garantie.",
        ),
        ("afsluiting", "Neemt u de zwarte of de grijze?", "Vindt u hem mooi?"),
        (
            "nazorg",
            "Veel plezier ermee! Kom gerust terug als er iets is.",
            "Veel plezier ermee!",
        ),
    ],
)
def test_wat_de_fase_vraagt(fase: str, goed: str, matig: str) -> None:
    assert beoordeel(BOEK, fase, goed).uitslag == "goed"
    oordeel = beoordeel(BOEK, fase, matig, beter="Zo beter.")
    assert oordeel.uitslag == "matig"
    assert oordeel.feedback == [
        "🟡 " + BOEK.fasen[fase].vereist.mis,
        BOEK.teksten["beter"].format(beter="Zo beter."),
    ]


def test_erkennen_moet_voor_het_antwoord_komen() -> None:
    laat = "Deze bank gaat twintig jaar mee en de stof is vlekbestendig, dat begrijp ik."
    assert beoordeel(BOEK, "bezwaar", laat).uitslag == "matig"
    assert beoordeel(BOEK, "bezwaar", "Dat begrijp ik.").uitslag == "matig"  # and then answer


def test_afsluiting_win_win_scoort_best() -> None:
    keuze = beoordeel(BOEK, "afsluiting", "Zal ik de zwarte of de grijze inpakken?")
    direct = beoordeel(BOEK, "afsluiting", "Zal ik hem voor u inpakken?")
    assert keuze.uitslag == direct.uitslag == "goed"
    assert keuze.punten > direct.punten
    assert BOEK.fasen["afsluiting"].voorkeur_tip in direct.feedback[0]


def test_behoefte_open_vraag_scoort_best() -> None:
    punten = {
        t: beoordeel(BOEK, "behoefte", z).punten
        for t, z in [
            ("open", "Waar gaat u hem voor gebruiken?"),
            ("gesloten", "Gaat u hem veel gebruiken?"),
            ("alternatief", "Voor thuis of voor op kantoor?"),
        ]
    }
    assert punten["open"] > punten["gesloten"]
    assert punten["open"] > punten["alternatief"]


def test_lang_antwoord_wordt_beoordeeld_zonder_te_crashen() -> None:
    oordeel = beoordeel(BOEK, "behoefte", "Waar gaat u hem voor gebruiken? " * 200)
    assert oordeel.vraagtype == "open"
    assert beoordeel(BOEK, "contact", "😀👍").uitslag == "matig"


# --- scenarios -----------------------------------------------------------------------------


def test_scenarios_volgens_de_opdracht() -> None:
    assert {"laptop", "kinderschoenen", "bank", "stille_koper"} <= set(BOEK.scenarios)
    for scenario in BOEK.scenarios.values():
        fasen = [s.fase for s in scenario.stappen]
        assert len(set(fasen)) >= 3, scenario.id
        assert fasen[-1] in {"afsluiting", "nazorg"}, scenario.id


def test_elk_voorbeeldantwoord_scoort_goed() -> None:
    assert problemen_oefenen(BOEK) == []


@pytest.mark.parametrize(
    ("tekst", "id_"),
    [("laptop", "laptop"), ("👟 Kinderschoenen", "kinderschoenen"), ("1", "bank"), ("bla", None)],
)
def test_scenario_kiezen(tekst: str, id_: str | None) -> None:
    gekozen = kies_scenario(BOEK, tekst)
    assert (gekozen.id if gekozen else None) == id_


def test_verras_me_kiest_een_scenario() -> None:
    assert kies_scenario(BOEK, "verras me") in BOEK.scenarios.values()


# --- scorecard -------------------------------------------------------------------------------


def _uitslag(fase: str, punten: int, maximum: int = 2, vermeden: list[str] | None = None) -> dict:
    return {
        "fase": fase,
        "punten": punten,
        "max": maximum,
        "gehaald": punten >= 2,
        "vermeden": vermeden or [],
    }


def test_score_op_tien() -> None:
    assert score([_uitslag("contact", 2), _uitslag("afsluiting", 3, 3)]) == 10
    assert score([_uitslag("contact", 0), _uitslag("behoefte", 2)]) == 5
    assert score([_uitslag("contact", 2), _uitslag("behoefte", 2), _uitslag("bezwaar", 0)]) == 6.5
    assert score([]) == 0


def test_scorekaart_per_fase_en_vergelijking() -> None:
    laptop = BOEK.scenarios["laptop"]
    uitslagen = [_uitslag("contact", 0, vermeden=["versleten_opener"]), _uitslag("behoefte", 2)]
    tekst, sessie = scorekaart(BOEK, laptop, uitslagen, [], vandaag=date(2026, 11, 23))
    assert sessie == {
        "scenario": "laptop",
        "score": 5.0,
        "datum": "2026-11-23",
        "fasen": {"contact": 0.0, "behoefte": 10.0},
    }
    assert "5/10" in tekst
    assert BOEK.teksten["eerste_keer"] in tekst
    assert "👍 Behoefte: een open vraag" in tekst
    assert "🎯 Contact: een groet; niet: een versleten openingszin" in tekst

    tekst, _ = scorekaart(BOEK, laptop, [_uitslag("contact", 2)], [sessie, {"score": 7}])
    assert "Vorige keer 7/10 (+3), gemiddeld 7,5/10 over 3 sessies, beste 10/10." in tekst


# --- trainers' YAML --------------------------------------------------------------------------


@pytest.fixture
def kopie(tmp_path: Path) -> Path:
    return Path(shutil.copytree(OEFEN_MAP, tmp_path / "oefenen"))


@pytest.mark.vijandig
def test_kapotte_yaml_noemt_bestand_en_regel(kopie: Path) -> None:
    pad = kopie / "scenarios" / "laptop.yml"
    regels = pad.read_text(encoding="utf-8").splitlines()
    regels[4] = "situatie: [niet dicht"
    pad.write_text("\n".join(regels), encoding="utf-8")
    with pytest.raises(YamlFout) as fout:
        laad_oefenboek(kopie)
    assert fout.value.bestand.endswith("laptop.yml")
    assert fout.value.regel is not None


def test_onbekende_fase_in_scenario(kopie: Path) -> None:
    pad = kopie / "scenarios" / "bank.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("fase: bezwaar", "fase: bezwar", 1), encoding="utf-8")
    with pytest.raises(YamlFout) as fout:
        laad_oefenboek(kopie)
    regel = next(i for i, r in enumerate(tekst.splitlines(), 1) if "fase: bezwaar" in r)
    assert (fout.value.regel, "bezwar" in str(fout.value)) == (regel, True)


def test_tekst_met_onbekend_veld(kopie: Path) -> None:
    pad = kopie / "regels.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("Score: {score}/10", "Score: {punten}/10"), encoding="utf-8")
    with pytest.raises(YamlFout, match=r"regels\.yml, regel \d+: teksten\.klaar"):
        laad_oefenboek(kopie)
