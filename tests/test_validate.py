"""`make validate` for trainers: each trap from issue 12 stops it with a Dutch line.

Every test works on a copy of the real data, changed the way a trainer would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actions.adviesboek import ADVIES_MAP, laad_adviesboek
from actions.oefenboek import OEFEN_MAP, laad_oefenboek
from actions.yaml_bron import YamlFout
from tools import datacontrole, validate
from tools.domein import DOMAIN, ROOT

NIEUW = "bezwaar_korting_nieuw"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of data/ and domain.yml with a new objection intent, as in the recipe."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    domein = DOMAIN.read_text(encoding="utf-8")
    domein = domein.replace("intents:\n", f"intents:\n  - {NIEUW}\n", 1)
    (tmp_path / "domain.yml").write_text(domein, encoding="utf-8")
    return tmp_path


def _regel_met(pad: Path, stuk: str) -> int:
    return next(i for i, r in enumerate(pad.read_text().splitlines(), 1) if stuk in r)


def _voorbeelden(pad: Path, aantal: int) -> None:
    regels = "".join(f"    - klant wil korting nummer {i}\n" for i in range(aantal))
    pad.write_text(
        f'version: "3.1"\nnlu:\n- intent: {NIEUW}\n  examples: |\n{regels}', encoding="utf-8"
    )


def _regel(project: Path) -> None:
    with (project / "data" / "rules" / "bezwaar.yml").open("a", encoding="utf-8") as f:
        f.write(f"\n- rule: advies bij {NIEUW}\n  steps:\n  - intent: {NIEUW}\n")
        f.write("  - action: action_coach\n")


def test_echte_data_heeft_geen_problemen() -> None:
    assert datacontrole.problemen() == []


@pytest.mark.vijandig
def test_vijandig_intent_zonder_regel_faalt(project: Path) -> None:
    _voorbeelden(project / "data" / "nlu" / "bezwaar" / "sanne.yml", 30)
    problemen = datacontrole.problemen(project / "data", project / "domain.yml")
    assert problemen == [
        f"{project / 'domain.yml'}, regel {_regel_met(project / 'domain.yml', NIEUW)}: "
        f"intent '{NIEUW}' staat in geen enkele regel of verhaal, dus de coach antwoordt er "
        f"niet op; zet in data/rules/algemeen.yml: '- rule: advies bij {NIEUW}' met de "
        f"stappen '- intent: {NIEUW}' en '- action: action_coach'"
    ]
    _regel(project)
    assert datacontrole.problemen(project / "data", project / "domain.yml") == []


@pytest.mark.vijandig
def test_vijandig_voorbeeld_zonder_streepje_faalt(project: Path) -> None:
    pad = project / "data" / "nlu" / "bezwaar" / "basis.yml"
    tekst = pad.read_text(encoding="utf-8")
    assert "    - klant vind het te duur\n" in tekst
    zin = "klant vind het te duur"
    pad.write_text(tekst.replace(f"    - {zin}\n", f"    {zin}\n"), "utf-8")
    problemen = datacontrole.problemen(project / "data", project / "domain.yml")
    regel = _regel_met(pad, "klant vind het te duur")
    assert any(
        p.startswith(f"{pad}, regel {regel}: intent 'bezwaar_prijs': de regel '{zin}' ")
        and "begint niet met '- '" in p
        and "zet '- ' ervoor" in p
        for p in problemen
    ), problemen


@pytest.mark.vijandig
def test_vijandig_te_weinig_voorbeelden_faalt_met_aantal_en_minimum(project: Path) -> None:
    pad = project / "data" / "nlu" / "bezwaar" / "sanne.yml"
    _voorbeelden(pad, 6)
    _regel(project)
    problemen = datacontrole.problemen(project / "data", project / "domain.yml")
    assert problemen == [
        f"{pad}, regel 3: intent '{NIEUW}' heeft 6 voorbeelden, minimaal 25: voeg er nog 19 "
        "toe, in de vier vormen van docs/fasegids.md"
    ]


@pytest.mark.vijandig
def test_vijandig_kapotte_nlu_yaml_in_het_nederlands(project: Path) -> None:
    pad = project / "data" / "nlu" / "bezwaar" / "basis.yml"
    tekst = pad.read_text(encoding="utf-8").replace("  examples: |", " examples: |", 1)
    pad.write_text(tekst, encoding="utf-8")
    _regel(project)
    problemen = datacontrole.problemen(project / "data", project / "domain.yml")
    # The broken file comes first; its examples are not counted (no false 'too few' alarms).
    assert problemen[0].startswith(f"{pad}, regel {_regel_met(pad, ' examples: |')}: ")
    assert "inspringing klopt niet" in problemen[0]
    assert not any("voorbeelden" in p for p in problemen)


# --- the advice files: Dutch, with the limit and the fix -------------------------------------


@pytest.fixture
def advies(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ADVIES_MAP, tmp_path / "advies"))


def _fout(map_: Path) -> str:
    with pytest.raises(YamlFout) as fout:
        laad_adviesboek(map_)
    return str(fout.value)


@pytest.mark.vijandig
def test_vijandig_tikfout_in_sleutel_zegt_verplichte_sleutel_ontbreekt(advies: Path) -> None:
    pad = advies / "bezwaar.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("- tip:", "- tipp:", 1), encoding="utf-8")
    regel = _regel_met(pad, "- tipp:")
    assert _fout(advies) == (
        f"{pad}, regel {regel}: adviezen.bezwaar_prijs.varianten[1]: verplichte sleutel 'tip' "
        "ontbreekt; 'tipp' is onbekend: een tikfout voor 'tip'?"
    )


@pytest.mark.vijandig
def test_vijandig_te_lange_knoptekst_noemt_lengte_en_maximum(advies: Path) -> None:
    pad = advies / "bezwaar.yml"
    tekst = pad.read_text(encoding="utf-8")
    oud = next(r for r in tekst.splitlines() if r.strip().startswith("situatie:"))
    nieuw = oud.split("situatie:")[0] + "situatie: Klant vindt het veel te duur vandaag"
    pad.write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")
    lengte = len("Klant vindt het veel te duur vandaag")
    assert _fout(advies) == (
        f"{pad}, regel {_regel_met(pad, 'veel te duur vandaag')}: adviezen.bezwaar_prijs."
        f"situatie: te lang: {lengte} tekens, maximaal 28; maak de tekst korter"
    )


@pytest.mark.vijandig
def test_vijandig_onbekende_sleutel_wijst_de_sleutel_aan(advies: Path) -> None:
    pad = advies / "bezwaar.yml"
    tekst = pad.read_text(encoding="utf-8")
    oud = next(r for r in tekst.splitlines() if r.strip().startswith("volgende:"))
    pad.write_text(tekst.replace(oud, oud.replace("volgende:", "volgnde:"), 1), "utf-8")
    melding = _fout(advies)
    assert f"regel {_regel_met(pad, 'volgnde:')}: " in melding
    assert "onbekende sleutel 'volgnde' (een tikfout voor 'volgende'?" in melding


def test_varianten_tellen_overal_vanaf_1(advies: Path) -> None:
    """The schema error and the length check name the first variant the same way."""
    pad = advies / "herstel.yml"
    tekst = pad.read_text(encoding="utf-8")
    eerste_tip = next(r for r in tekst.splitlines() if r.strip().startswith("- tip:"))
    pad.write_text(tekst.replace(eerste_tip, eerste_tip + " lang" * 150, 1), encoding="utf-8")
    (melding,) = validate.problemen_lengte(laad_adviesboek(advies))
    assert ".varianten[1]: het antwoord is te lang: " in melding
    assert "tekens, maximaal 600; maak tip, zinnen of 'niet' korter" in melding
    assert f"regel {_regel_met(pad, ' lang lang')}:" in melding


@pytest.mark.vijandig
@pytest.mark.parametrize(
    ("fout", "regelstuk", "uitleg"),
    [
        ("\ttip: x", "\ttip: x", "er staat een tab; spring in met spaties"),
        ("situatie: [niet dicht", "[niet dicht", "een lijst tussen [ ] is niet gesloten"),
        (
            "situatie: Prijs: te hoog",
            "Prijs: te hoog",
            "inspringing klopt niet, of er staat een ':'",
        ),
        ("   varianten:", "   varianten:", "inspringing klopt niet: deze regel staat niet"),
    ],
)
def test_vijandig_yaml_fout_in_het_nederlands(
    advies: Path, fout: str, regelstuk: str, uitleg: str
) -> None:
    pad = advies / "bezwaar.yml"
    regels = pad.read_text(encoding="utf-8").splitlines()
    sleutel = "varianten:" if fout.strip() == "varianten:" else "situatie:"
    i = next(i for i, r in enumerate(regels) if r.strip().startswith(sleutel))
    regels[i] = fout if fout[0] == " " else regels[i].split(sleutel)[0] + fout
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    melding = _fout(advies)
    assert melding.startswith(f"{pad}, regel {_regel_met(pad, regelstuk)}: {uitleg}"), melding
    assert "expected" not in melding and "found" not in melding


@pytest.mark.vijandig
def test_vijandig_zwak_voorbeeldantwoord_noemt_zijn_eigen_scenariobestand(tmp_path: Path) -> None:
    """The file the scenario was read from, also when that is not the project's own folder."""
    kopie = Path(shutil.copytree(OEFEN_MAP, tmp_path / "oefenen"))
    pad = kopie / "scenarios" / "laptop.yml"
    regels = pad.read_text(encoding="utf-8").splitlines()
    i = next(i for i, r in enumerate(regels) if r.strip().startswith("beter:"))
    regels[i] = regels[i].split("beter:")[0] + 'beter: "Kan ik u helpen?"'
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    (melding,) = validate.problemen_oefenen(laad_oefenboek(kopie))
    assert melding.startswith(
        f"{pad}, regel {i + 1}: stappen[1].beter: het voorbeeldantwoord scoort"
    )


def _project_kopie(tmp_path: Path) -> Path:
    """The project as a trainer has it (code, data, content), without the heavy folders."""
    kopie = tmp_path / "project"
    weg = (".venv", "models", "var", ".git*", "tests", "reports", "results", "bench", "bot")
    shutil.copytree(ROOT, kopie, ignore=shutil.ignore_patterns(*weg))
    (kopie / ".venv").symlink_to(ROOT / ".venv")
    return kopie


@pytest.mark.vijandig
@pytest.mark.parametrize(
    ("bestand", "oud", "nieuw", "sleutel"),
    [
        (
            "actions/inhoud/advies/bezwaar.yml",
            "- tip:",
            "- tipp:",
            "adviezen.bezwaar_prijs.varianten[1]: verplichte sleutel 'tip' ontbreekt",
        ),
        (
            "actions/inhoud/oefenen/scenarios/bank.yml",
            "fase: bezwaar",
            "fase: bezwar",
            "stappen[4].fase: 'bezwar' kan niet; kies uit: contact",
        ),
        (
            "actions/inhoud/oefenen/regels.yml",
            "bevat: voordeel",
            "bevat: voordelen",
            "fasen.presentatie.vereist.een_van[1].bevat: onbekende lijst 'voordelen'",
        ),
    ],
)
def test_vijandig_fout_in_de_inhoud_noemt_pad_vanaf_de_projectmap_en_regel(
    tmp_path: Path, bestand: str, oud: str, nieuw: str, sleutel: str
) -> None:
    """What a trainer sees from `make validate`: the content file as it is in the project."""
    kopie = _project_kopie(tmp_path)
    pad = kopie / bestand
    tekst = pad.read_text(encoding="utf-8")
    assert oud in tekst
    pad.write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")
    uit = subprocess.run(
        [sys.executable, "-m", "tools.validate"],
        cwd=kopie,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert uit.returncode == 1, uit.stdout + uit.stderr
    assert f"FOUT {bestand}, regel {_regel_met(pad, nieuw)}: {sleutel}" in uit.stdout, uit.stdout


@pytest.mark.vijandig
def test_vijandig_make_validate_faalt_en_is_stil(tmp_path: Path) -> None:
    """The whole target on a project copy with a thin intent: a Dutch error, no library noise.

    `make -i` runs Rasa's own validation after ours fails, so its output is checked too.
    """
    kopie = _project_kopie(tmp_path)
    domein = kopie / "domain.yml"
    domein.write_text(domein.read_text().replace("intents:\n", f"intents:\n  - {NIEUW}\n", 1))
    _voorbeelden(kopie / "data" / "nlu" / "bezwaar" / "sanne.yml", 6)
    _regel(kopie)
    uit = subprocess.run(
        ["make", "-i", "--no-print-directory", "-o", ".venv/.installed", "validate"],
        cwd=kopie,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tekst = uit.stdout + uit.stderr
    assert f"intent '{NIEUW}' heeft 6 voorbeelden, minimaal 25" in tekst
    assert "validate] Error 1 (ignored)" in tekst  # our check failed the target
    assert "rasa data validate --fail-on-warnings" in tekst
    for ruis in ("Warning", "tensorflow", "jax", "sklearn"):
        assert ruis not in tekst, tekst


def test_evaluate_tabel_per_situatie_en_uitleg(tmp_path: Path) -> None:
    """The Dutch report per situation, and fasen.md and fout_herkend.md tell the same story."""
    from tools.evaluate import schrijf_rapporten
    from tools.nlu_eval import Voorspelling

    voorspellingen = [
        Voorspelling("te duur", "bezwaar_prijs", "bezwaar_prijs", 0.9),
        Voorspelling("elders goedkoper", "bezwaar_elders_goedkoper", "bezwaar_prijs", 0.6),
        Voorspelling("hoi", "greet", "greet", 0.9),
    ]
    schrijf_rapporten(voorspellingen, tmp_path)
    tabel = (tmp_path / "situaties.md").read_text(encoding="utf-8")
    regel = next(r for r in tabel.splitlines() if r.startswith("| bezwaar_prijs |"))
    assert regel.endswith("| 1 | 0.50 | 1.00 | bezwaar_elders_goedkoper (1x) |")
    fasen = (tmp_path / "fasen.md").read_text(encoding="utf-8")
    fout = (tmp_path / "fout_herkend.md").read_text(encoding="utf-8")
    uitleg = "1 testzinnen kregen de verkeerde situatie (intent); daarvan 0 ook de verkeerde fase"
    assert "Fase-nauwkeurigheid: **1.000**" in fasen and uitleg in fasen and uitleg in fout
