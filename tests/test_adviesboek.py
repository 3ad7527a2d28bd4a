"""The advice files: loaded, schema-checked, and trainer errors point at file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions.adviesboek import ADVIES_MAP, laad_adviesboek
from actions.yaml_bron import YamlFout
from tools import validate
from tools.domein import fase_per_intent


@pytest.fixture
def kopie(tmp_path: Path) -> Path:
    """A writable copy of the real advice folder."""
    doel = tmp_path / "advies"
    shutil.copytree(ADVIES_MAP, doel)
    return doel


def _vervang(pad: Path, oud: str, nieuw: str) -> None:
    tekst = pad.read_text(encoding="utf-8")
    assert oud in tekst, f"{oud!r} niet gevonden in {pad}"
    pad.write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")


def _regel_met(pad: Path, stuk: str) -> int:
    return next(i for i, r in enumerate(pad.read_text().splitlines(), 1) if stuk in r)


def test_echte_adviezen_laden_en_dekken_elke_fase_intent() -> None:
    boek = laad_adviesboek()
    assert validate.problemen_dekking(boek, fase_per_intent()) == []
    assert validate.problemen_lengte(boek) == []


@pytest.mark.vijandig
def test_kapotte_yaml_noemt_bestand_en_regel(kopie: Path) -> None:
    pad = kopie / "bezwaar.yml"
    regel = _regel_met(pad, "bezwaar_prijs:")
    _vervang(pad, "bezwaar_prijs:", "bezwaar_prijs: [niet: gesloten")
    with pytest.raises(YamlFout) as fout:
        laad_adviesboek(kopie)
    assert fout.value.bestand.endswith("bezwaar.yml")
    assert fout.value.regel is not None and fout.value.regel >= regel
    assert "bezwaar.yml, regel" in str(fout.value)


def test_ontbrekende_tip_noemt_sleutel_en_regel(kopie: Path) -> None:
    pad = kopie / "bezwaar.yml"
    tekst = pad.read_text(encoding="utf-8")
    eerste_tip = next(r for r in tekst.splitlines() if r.strip().startswith("- tip:"))
    _vervang(pad, eerste_tip, eerste_tip.replace("- tip:", "- tipp:"))
    with pytest.raises(YamlFout) as fout:
        laad_adviesboek(kopie)
    melding = str(fout.value)
    assert "bezwaar.yml" in melding and "varianten[1]" in melding
    assert "verplichte sleutel 'tip' ontbreekt" in melding
    assert fout.value.regel == _regel_met(pad, "- tipp:")


def test_onbekende_vervolgsituatie_is_een_fout(kopie: Path) -> None:
    pad = kopie / "afsluiting.yml"
    tekst = pad.read_text(encoding="utf-8")
    regel = next(r for r in tekst.splitlines() if r.strip().startswith("volgende:"))
    _vervang(pad, regel, regel.split("volgende:")[0] + "volgende: [bestaat_niet]")
    with pytest.raises(YamlFout, match="bestaat_niet"):
        laad_adviesboek(kopie)


def test_ontbrekend_advies_voor_een_intent_faalt_in_validate(kopie: Path) -> None:
    boek = laad_adviesboek(kopie)
    fasen = dict(fase_per_intent())
    fasen["bezwaar_verzonnen"] = "bezwaar"
    problemen = validate.problemen_dekking(boek, fasen)
    assert any("bezwaar_verzonnen" in p and "bezwaar.yml" in p for p in problemen)


def test_te_lang_advies_wordt_gemeld(kopie: Path) -> None:
    pad = kopie / "herstel.yml"
    tekst = pad.read_text(encoding="utf-8")
    eerste_tip = next(r for r in tekst.splitlines() if r.strip().startswith("- tip:"))
    _vervang(pad, eerste_tip, eerste_tip + " " + "heel lang verhaal " * 40)
    problemen = validate.problemen_lengte(laad_adviesboek(kopie))
    assert any("herstel.yml" in p and "tekens" in p for p in problemen)


def test_leeg_bestand_geeft_heldere_fout(kopie: Path) -> None:
    (kopie / "nazorg.yml").write_text("", encoding="utf-8")
    with pytest.raises(YamlFout, match=r"nazorg\.yml"):
        laad_adviesboek(kopie)
