"""The real-customer detector during practice: report markers against address markers + NLU."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions.echte_klant import (
    ECHTE_KLANT_BESTAND,
    fase_zekerheid,
    is_echte_klant,
    laad_markers,
    tel,
)
from actions.yaml_bron import YamlFout
from tools import echte_klant as meting
from tools.domein import ROOT

MODEL = ROOT / "models" / "coach.tar.gz"

M = laad_markers()


def parse(fase: str, zekerheid: float) -> dict:
    """A parse as the NLU gives it: the phase ranking from rasa_ext/fase.py."""
    return {"fase_ranking": [{"name": fase, "confidence": zekerheid}]}


@pytest.mark.parametrize(
    "tekst",
    [
        "er loopt net een klant binnen",
        "klant vraagt of het geleverd kan worden",
        "ze zegt 'veel te duur hoor'",
        "'ik moet het eerst aan mijn man vragen'",
        "meneer wil precies die ene boor uit de folder",
        "wil afdingen",
        "echte klant! ze staat bij de kassa",
    ],
)
def test_een_melding_van_de_winkelvloer_gaat_af(tekst: str) -> None:
    assert tel(tekst, M).netto >= 1
    assert is_echte_klant(tekst, parse("bezwaar", 0.8), M)


@pytest.mark.parametrize(
    "tekst",
    [
        "Goedemiddag! Waar gaat u hem vooral voor gebruiken?",
        "Hij heeft drie jaar garantie.",  # hij = the product, no person acting
        "Hij staat nu al in de aanbieding.",
        "Dat begrijp ik, veel klanten vinden dat eerst ook. Wilt u hem even proberen?",
        "Neemt u hem in het zilver of in het grijs?",
        "Kijkt u gerust even rond hoor.",
        "Heeft u 'm al eens vastgehad?",  # 'm is no quote
    ],
)
def test_een_antwoord_aan_de_klant_gaat_niet_af(tekst: str) -> None:
    assert not is_echte_klant(tekst, parse("bezwaar", 0.99), M)


def test_aanspreken_binnen_een_citaat_telt_niet_tegen() -> None:
    # 'kunt u' is the customer speaking: the seller reports it.
    assert tel("ze vraagt 'kunt u het laten bezorgen?'", M).aanspreken == 0
    assert tel("ze vraagt: kunt u het laten bezorgen", M).aanspreken == 0
    assert tel("kunt u het laten bezorgen?", M).aanspreken == 2


def test_de_nlu_moet_ook_een_fase_herkennen() -> None:
    tekst = "er loopt net een klant binnen"  # one marker: needs nlu >= 0.5
    assert is_echte_klant(tekst, parse("contact", 0.6), M)
    assert not is_echte_klant(tekst, parse("contact", 0.2), M)
    assert not is_echte_klant(tekst, parse("greet", 0.9), M), "geen fase"
    assert not is_echte_klant(tekst, {}, M)
    # A quote plus a report (netto 3) is enough with a less sure NLU.
    assert is_echte_klant("ze zegt 'te duur'", parse("bezwaar", 0.35), M)


def test_vijandig_rare_parse_en_tekst_crashen_niet() -> None:
    assert fase_zekerheid({"fase_ranking": ["rommel"]}) == 0.0
    assert fase_zekerheid({"fase_ranking": None}) == 0.0
    for tekst in ["", "''", '"', "' '", "🙂" * 50, "u " * 2000, "ze zegt " * 500]:
        is_echte_klant(tekst, parse("bezwaar", 0.9), M)


@pytest.fixture
def kopie(tmp_path: Path) -> Path:
    return Path(shutil.copy(ECHTE_KLANT_BESTAND, tmp_path / "echte_klant.yml"))


def test_vijandig_kapotte_markers_noemen_bestand_en_regel(kopie: Path) -> None:
    tekst = kopie.read_text(encoding="utf-8").replace("  bereik: 2", "  bereik: twee")
    kopie.write_text(tekst, encoding="utf-8")
    with pytest.raises(YamlFout) as fout:
        laad_markers(kopie)
    assert "echte_klant.yml, regel" in str(fout.value) and "bereik" in str(fout.value)


def test_vijandig_onbekend_veld_in_tekst(kopie: Path) -> None:
    tekst = kopie.read_text(encoding="utf-8").replace("stap {stap}", "stap {nummer}")
    kopie.write_text(tekst, encoding="utf-8")
    with pytest.raises(YamlFout, match="hervat"):
        laad_markers(kopie)


@pytest.fixture(scope="module")
def model() -> meting.Parser:
    assert MODEL.exists(), "train eerst: make train"
    return meting.laad_parser(MODEL)


@pytest.mark.timeout(600)
def test_meting_op_de_ontwikkelsets(
    model: meting.Parser, capsys: pytest.CaptureFixture[str]
) -> None:
    """The figures in docs/oefenen-meting.md; development sets, so a floor, not a claim."""
    m = meting.meet(model, M)
    with capsys.disabled():
        print(
            f"\nechte klant: {len(m.misfires)}/{m.n_antwoorden} oefenantwoorden gaan af, "
            f"{len(m.misfires_voorbeelden)}/{m.n_voorbeelden} voorbeeldantwoorden, "
            f"recall {m.gevonden}/{m.n_meldingen}"
        )
    assert m.n_antwoorden == 451 and m.n_meldingen == 144
    assert len(m.misfires) <= 4 and m.misfires_voorbeelden == []  # <= 1 %
    assert m.recall >= 0.75


def test_geen_oefenantwoord_pauzeert_het_oefenen(model: meting.Parser) -> None:
    """A message the NLU reads as oefenen_pauze pauses the session: no answer may be one."""
    teksten = meting.antwoorden() + meting.voorbeeldantwoorden()
    pauze = [t for t in teksten if model(t)["intent"]["name"] in ("oefenen_pauze", "voortgang")]
    assert pauze == []
    assert model("pauzeer het oefenen")["intent"]["name"] == "oefenen_pauze"
