"""Practice mode without servers: each check, the labelled answers, scenarios, scorecard, YAML."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from actions.beoordeling import (
    afkortingen,
    beoordeel,
    uitgeschreven,
    vermeden,
    vraagtype,
    woorden,
    zoek,
)
from actions.oefen_acties import kies_scenario
from actions.oefen_model import Oordelaar, oordelaar
from actions.oefenboek import OEFEN_MAP, laad_oefenboek
from actions.scorekaart import score, scorekaart
from actions.yaml_bron import YamlFout
from tools.oefen_eval import GELABELD, gemeten_sets, meet, ontwikkelsets
from tools.validate import problemen_oefenen

BOEK = laad_oefenboek()
VW = BOEK.vraagtypen
# The rules alone, and the judge regels.yml chooses (the rules completed by the learned verdict):
# what a seed recommends or forbids must hold for both.
BEIDE = pytest.mark.parametrize(
    "oordeel", [beoordeel, oordelaar(BOEK)], ids=["regels", "standaard"]
)


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


# The rules alone on the sets they were tuned on least (authors w and x; session 6 added rule
# categories from their misses; y and z, blind set 5, since its one measurement): development
# figures, not blind ones (docs/oefenen-meting.md).
NOG_NIET_BIJGESTELD = {
    "auteur_w.yml": 0.90,
    "auteur_x.yml": 0.94,
    "auteur_y.yml": 0.85,
    "auteur_z.yml": 0.87,
}


def test_vraagtype_haalt_095_op_de_gelabelde_antwoorden(capsys: pytest.CaptureFixture[str]) -> None:
    # The development sets, with the first blind set (authors s and t) since session 5 and the
    # second (blind/set2, authors u and v) since its one measurement.
    uitslagen = [meet(pad, BOEK) for pad in ontwikkelsets()]
    alle = [g for u in uitslagen for g in u.gevallen]
    assert len(alle) >= 610
    assert {"auteur_u.yml", "auteur_v.yml"} <= {u.bestand.name for u in uitslagen}
    with capsys.disabled():
        for u in uitslagen:
            print(
                f"\n{u.bestand.name}: n={len(u.gevallen)}",
                f"vraagtype {u.vraagtype_nauwkeurigheid:.3f}",
                f"oordeel {u.oordeel_nauwkeurigheid:.3f}",
            )
    for u in uitslagen:
        assert u.vraagtype_nauwkeurigheid >= 0.95, u.bestand
        assert u.oordeel_nauwkeurigheid >= NOG_NIET_BIJGESTELD.get(u.bestand.name, 0.95), u.bestand


def test_alleen_een_gemeten_blinde_set_is_een_ontwikkelset(tmp_path: Path) -> None:
    for naam, merk in [("set2", "GEMETEN"), ("set3", "VERZEGELD"), ("set4", None)]:
        (tmp_path / naam).mkdir()
        if merk:
            (tmp_path / naam / merk).write_text("", encoding="utf-8")
    (tmp_path / "set5").mkdir()  # measured, then sealed again: sealed wins
    for merk in ("GEMETEN", "VERZEGELD"):
        (tmp_path / "set5" / merk).write_text("", encoding="utf-8")
    assert [p.name for p in gemeten_sets(tmp_path)] == ["set2"]
    assert gemeten_sets(tmp_path / "bestaat_niet") == []


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


# Issue 14: four places where bare words taught the opposite of the seeds: (fase, tekst, the
# verdict it must never get). Also checked with the learned verdict (test_oefen_lerend.py).
TEGENSTRIJDIGHEDEN = [
    # 1. Pressure and scarcity are never a closing technique (seed 000: no pressure).
    ("afsluiting", "Het is de laatste, dus als u twijfelt is hij straks weg.", "goed"),
    ("afsluiting", "Op is op, en alleen vandaag voor deze prijs.", "goed"),
    # 2. The market trader's own line (seed 000) is no worn-out opener.
    ("contact", "Goedemorgen! Als u iets speciaals zoekt, vraag het gerust.", "fout"),
    # 3. Offering help after the sale is what seed 001 asks, not an opener.
    ("nazorg", "Veel plezier ermee! Heeft u thuis nog hulp nodig bij het instellen?", "fout"),
    # 4. Praising a colleague is no badmouthing.
    ("nazorg", "Die collega van de kassa is echt goed, belt u haar gerust. Tot ziens!", "fout"),
]


@pytest.mark.parametrize(("fase", "tekst", "niet"), TEGENSTRIJDIGHEDEN)
@BEIDE
def test_wat_een_seed_aanraadt_of_verbiedt_wordt_niet_omgedraaid(
    oordeel: Oordelaar, fase: str, tekst: str, niet: str
) -> None:
    assert oordeel(BOEK, fase, tekst).uitslag != niet


# Session 5: rules from the seeds, each with an answer a seed recommends (never 'fout') and one it
# warns against (never 'goed'). The sentences are new, not taken from the labelled sets.
@pytest.mark.parametrize(
    ("fase", "tekst", "uitslag"),
    [
        # Seed 001, contact: "kan zich niet beperken tot de gebruikelijke begroetende zin".
        ("contact", "Goedemiddag mevrouw, welkom.", "matig"),
        ("contact", "Hallo, momentje, ik kom zo bij u.", "matig"),
        ("contact", "Goedemiddag! Neem rustig de tijd, de winterjassen hangen achterin.", "goed"),
        ("contact", "Hoi! Wat een leuke muts, zelf gebreid?", "goed"),
        # Seed 001, contact: no worn-out opener, also in Flemish ("ge" reads as "u").
        ("contact", "Dag meneer, zoekt ge iets bepaald?", "fout"),
        # Seed 001, presentatie: let the customer test, and say what he will notice.
        ("presentatie", "Ga er gerust even op liggen, dan voelt u hoe de matras meegeeft.", "goed"),
        # Seed 001, presentatie 4 and bezwaar 4: nothing unbelievable about quality.
        ("presentatie", "Deze koffer is onverwoestbaar, daar gaat nooit iets aan stuk.", "fout"),
        # Seed 001, behoefte 2: asking for the money is the mistake, hearing it is not.
        ("behoefte", "Tot 200 euro, helder. Waar gaat u de jas vooral dragen?", "goed"),
        ("behoefte", "Vertel eens wat u maximaal wilt uitgeven.", "fout"),
        ("behoefte", "Denkt u aan iets onder de 100 euro?", "fout"),
        # Seed 001, bezwaar: acknowledge, then handle it; acknowledging alone leaves it lying.
        ("bezwaar", "Dat begrijp ik, het is ook geen klein bedrag.", "matig"),
        ("bezwaar", "Snap ik, wachten is vervelend. Ik bel u zelf zodra hij binnen is.", "goed"),
        # Seed 000 and 001: no pressure, however it is put.
        ("bezwaar", "Als u nu nog twijfelt is hij straks weg, hoor.", "fout"),
        ("afsluiting", "Ik zou er niet te lang over twijfelen, morgen is hij duurder.", "fout"),
        # Seed 003, tip 2 and seed 001, presentatie 3: no badmouthing of other shops or brands.
        ("nazorg", "Breng hem niet naar de zaak hiernaast, die verpesten elke fiets.", "fout"),
        ("behoefte", "Dat merk? Die gaan na een paar maanden kapot. Wat zoekt u?", "fout"),
        # Seed 001, einde verkoop 3: help, asked or not; 2: teach how to use it.
        ("nazorg", "Heeft u hulp nodig bij het aansluiten? Ik kom het gerust even doen.", "goed"),
        ("nazorg", "Een tip: laad hem eerst helemaal op, dan blijft de accu goed. Dag!", "goed"),
        ("nazorg", "Gaat hij toch stuk, kom dan gerust langs. Veel plezier ermee!", "goed"),
    ],
)
def test_regels_uit_de_seeds(fase: str, tekst: str, uitslag: str) -> None:
    assert beoordeel(BOEK, fase, tekst).uitslag == uitslag


# Session 6 (round 2, from the misses of blind set 2): per rule an answer the seed recommends
# (never 'fout') and one it warns against (never 'goed'). New sentences, not from the labelled sets.
@pytest.mark.parametrize(
    ("fase", "tekst", "niet"),
    [
        # Seed 001, contact: "Helpen?" and "Als je ergens in geïnteresseerd bent, neem dan contact
        # met mij op" are worn out; seed 000: the trader talks about his wares.
        ("contact", "Hoi, hulp nodig?", "goed"),
        ("contact", "Goedemiddag, als u ergens in geïnteresseerd bent, zeg het maar.", "goed"),
        ("contact", "Goeiemiddag! De broden zijn net uit de oven.", "fout"),
        # Seed 001, presentatie 4: nothing unbelievable, no rumours.
        ("presentatie", "Deze rugzak gaat echt nooit stuk.", "goed"),
        ("presentatie", "Het schijnt dat deze accu tien jaar meegaat.", "goed"),
        ("presentatie", "Die cactus gaat nooit dood, wat u ook doet.", "goed"),
        (
            "presentatie",
            "Deze accu gaat zo'n vijf jaar mee, dus u hoeft hem niet snel te vervangen.",
            "fout",
        ),
        # Seed 000 and 001: letting the customer try, with the trader's extra effort.
        ("presentatie", "Zet ze gerust op, de spiegel hangt daar.", "fout"),
        ("presentatie", "Wilt u hem even opzetten?", "goed"),
        # Seed 001, bezwaar 1: no quarrel, no blaming or lecturing the customer.
        ("bezwaar", "Dat klopt helemaal niet, u heeft hem verkeerd aangesloten.", "goed"),
        ("bezwaar", "Doe nu niet zo moeilijk, zo werkt dat nu eenmaal.", "goed"),
        ("bezwaar", "Dat begrijp ik, u heeft niks verkeerd gedaan. Ik ruil hem meteen om.", "fout"),
        ("bezwaar", "Ik versta da ge twijfelt. Zal ik hem tot morgen opzij leggen?", "fout"),
        # Seed 003, tip 2: never run down a colleague.
        ("presentatie", "Die monteur weet echt niks van e-bikes, neem deze.", "goed"),
        # Seed 000: no pressure, also as haste, a deadline or another buyer.
        ("afsluiting", "Beslist u maar snel, de korting stopt vandaag.", "goed"),
        ("afsluiting", "Als u nu niet beslist, verkoop ik hem aan een ander.", "goed"),
        ("afsluiting", "Komaan, gewoon doen.", "goed"),
        ("afsluiting", "U hoeft niet snel te beslissen. Zal ik hem voor u apart leggen?", "fout"),
        # Seed 001, afsluiten 3: voordeel kwijt is about buying in this shop, not a bare fact.
        ("afsluiting", "Er zit een jaar garantie op.", "goed"),
        ("afsluiting", "Als u hem hier koopt, krijgt u een jaar extra garantie.", "fout"),
        # Seed 001, einde verkoop 2 and 3: teach the use, help (also through a colleague).
        ("nazorg", "Ik laat u even zien hoe u het filter schoonmaakt.", "fout"),
        ("nazorg", "Mijn collega helpt u zo met het instellen van de printer.", "fout"),
        ("nazorg", "Zaterdag is hij klaar, dan kunt u hem ophalen. Tot dan!", "fout"),
        # Seed 002: take responsibility after the sale; don't pass it on.
        ("nazorg", "Daar kunnen wij niks aan doen, dat moet u bij de fabrikant vragen.", "goed"),
        ("nazorg", "Ik bel de fabrikant zelf en laat het u morgen weten. Tot ziens!", "fout"),
    ],
)
@BEIDE
def test_regels_ronde_2_uit_de_seeds(oordeel: Oordelaar, fase: str, tekst: str, niet: str) -> None:
    assert oordeel(BOEK, fase, tekst).uitslag != niet


# Session 6: categories from the seeds rather than phrases (belittling or blaming the customer,
# running down a colleague or another shop, hurrying; acknowledging disappointment, letting the
# customer try, a direct offer, a colleague's help after the sale). New sentences, in no labelled
# set; each with the judge alone and with the default judge.
@pytest.mark.parametrize(
    ("fase", "tekst", "niet"),
    [
        # Seed 001, bezwaar 1 and seed 002: the customer is not made small or blamed.
        ("bezwaar", "Tja, u bent toch oud genoeg om dat zelf te beslissen?", "goed"),
        ("bezwaar", "U begrijpt het echt niet, zo lastig is die app niet.", "goed"),
        ("nazorg", "Dat is een domme vraag, dat leest u toch op de doos.", "goed"),
        ("nazorg", "Niks gekocht? Dat was dan een halfuur van mijn tijd.", "goed"),
        ("nazorg", "Dan moet u achteraf niet bij ons komen klagen.", "goed"),
        # Seed 003 and seed 001, presentatie 3: no colleague or other shop run down.
        ("bezwaar", "Mijn collega heeft dat toen echt helemaal verkeerd ingesteld.", "goed"),
        (
            "presentatie",
            "Bij de bouwmarkt kopen ze wegwerpgereedschap, dit gaat jaren mee.",
            "goed",
        ),
        # Seed 000: no hurrying.
        ("afsluiting", "Ik zou maar opschieten, er kijken meer mensen naar.", "goed"),
        # Seed 001, bezwaar: naming the disappointment acknowledges it; then a solution.
        (
            "bezwaar",
            "Jammer dat de blauwe er niet meer is in uw maat. Ik kan hem voor u bestellen.",
            "fout",
        ),
        # Seed 000: letting the customer touch and try opens the contact.
        ("contact", "Hallo! Voel gerust even aan die wol, die is heerlijk zacht.", "fout"),
        # Seed 001, afsluiten 2: a direct offer.
        ("afsluiting", "Zal ik de lamp meteen voor u inpakken met een strik erom?", "fout"),
        # Seed 001, einde verkoop 3: help through a colleague who knows it best.
        ("nazorg", "Mijn collega Ahmed sluit hem morgen bij u aan. Fijne avond!", "fout"),
        # Praise for a colleague and a negated blame stay fine.
        ("nazorg", "Mijn collega is hier heel goed in, zij helpt u zo. Tot ziens!", "fout"),
        ("bezwaar", "Dat ligt niet aan u, dat begrijp ik. Ik ruil hem meteen om.", "fout"),
    ],
)
@BEIDE
def test_categorieen_uit_de_seeds(oordeel: Oordelaar, fase: str, tekst: str, niet: str) -> None:
    assert oordeel(BOEK, fase, tekst).uitslag != niet


def test_vraagtype_leest_vlaams_en_telefoonspelling() -> None:
    assert uitgeschreven("Da's 't mooiste, ziet ge?", BOEK.schrijfwijzen) == (
        "dat is het mooiste, ziet u?"
    )
    # "hoe ge" is "hoe u": a clause with a subject, so the tag "goed?" makes it a closed question.
    oordeel = beoordeel(BOEK, "presentatie", "Ik laat u zien hoe ge hem oplaadt, goed?")
    assert oordeel.vraagtype == "gesloten"


def test_een_ontkenning_geldt_alleen_in_haar_eigen_zinsdeel() -> None:
    # "niet" ends at the comma: the blame that follows is said.
    tekst = "Dat kan niet, dan had u beter moeten kijken."
    assert "tegenspreken" in vermeden(BOEK, "nazorg", tekst)
    # A negation inside a phrase's `*` denies it.
    assert "afkraken" not in vermeden(BOEK, "presentatie", "Die gaan na een jaar niet kapot.")
    tekst = "Dat begrijp ik, en de rits is van metaal, die gaat niet snel stuk."
    assert beoordeel(BOEK, "bezwaar", tekst).uitslag != "fout"
    # A phrase that opens a sentence is not denied by the sentence before it (blind set 5).
    tekst = "Mijn collega heeft u dus niks gevraagd? Typisch hem. Waar slaapt u nu op?"
    assert "afkraken" in vermeden(BOEK, "behoefte", tekst)
    assert beoordeel(BOEK, "behoefte", tekst).uitslag == "fout"


def test_een_voorwaarde_is_geen_vraag() -> None:
    assert vraagtype("Lukt het niet, dan belt u ons gewoon.", VW) == "geen_vraag"
    assert vraagtype("Lukt het?", VW) == "gesloten"


def test_druk_is_fout_en_ontkende_druk_niet() -> None:
    assert "druk" in vermeden(BOEK, "afsluiting", "Het is de laatste, straks is hij weg.")
    assert vermeden(BOEK, "afsluiting", "Ik ga u niet pushen, neemt u gerust de tijd.") == []
    assert vermeden(BOEK, "presentatie", "Dat is geen troep, hoor.") == []


def test_een_versleten_opener_telt_alleen_in_contact() -> None:
    assert "versleten_opener" in vermeden(BOEK, "contact", "Heeft u hulp nodig?")
    assert "versleten_opener" not in vermeden(BOEK, "nazorg", "Heeft u hulp nodig?")
    # Short ("Helpen?") only as a question, in contact (blind set 5, development set since).
    assert "versleten_opener_kort" in vermeden(BOEK, "contact", "Goedemiddag meneer, helpen?")
    tekst = "Dag! Mijn collega komt u zo helpen, kijk gerust rond."
    assert "versleten_opener_kort" not in vermeden(BOEK, "contact", tekst)
    assert "versleten_opener_kort" not in vermeden(BOEK, "nazorg", "Zal ik u helpen instellen?")


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
    assert "🎯 Contact: een groet met een opening; niet: een versleten openingszin" in tekst

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


@pytest.mark.vijandig
def test_vijandig_onbekende_lijst_noemt_bestand_regel_en_sleutel(kopie: Path) -> None:
    pad = kopie / "regels.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("bevat: voordeel", "bevat: voordelen", 1), encoding="utf-8")
    with pytest.raises(YamlFout) as fout:
        laad_oefenboek(kopie)
    regel = next(i for i, r in enumerate(tekst.splitlines(), 1) if "bevat: voordeel" in r)
    assert fout.value.regel == regel
    assert "fasen.presentatie.vereist.een_van[1].bevat" in str(fout.value)
    assert "onbekende lijst 'voordelen'" in str(fout.value)


def test_tekst_met_onbekend_veld(kopie: Path) -> None:
    pad = kopie / "regels.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("Score: {score}/10", "Score: {punten}/10"), encoding="utf-8")
    with pytest.raises(YamlFout, match=r"regels\.yml, regel \d+: teksten\.klaar"):
        laad_oefenboek(kopie)
