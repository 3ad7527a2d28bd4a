"""The learned verdict beside the rule judge (actions/oefen_model.py), and its evaluation."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_oefenen import TEGENSTRIJDIGHEDEN  # tests/ is on sys.path under pytest

from actions import oefen_model
from actions.beoordeling import PUNTEN_VEREIST, beoordeel
from actions.oefen_gelabeld import GELABELD, Gelabeld, lees_gelabeld, ontwikkelsets
from actions.oefenboek import OEFEN_MAP, Oefenboek, laad_oefenboek
from actions.yaml_bron import YamlFout
from tools.oefen_eval import VARIANTEN, cv_rapport, kruisvalidatie, main, meet
from tools.validate import problemen_oefenen

BOEK = laad_oefenboek()


@pytest.fixture(scope="module")
def model() -> oefen_model.Oordeelmodel:
    model = oefen_model.lerend_model()
    assert model is not None
    return model


def test_kruisvalidatie_per_auteur_draait(capsys: pytest.CaptureFixture[str]) -> None:
    paden = [GELABELD / "onafhankelijk.yml", *sorted((GELABELD / "blind").glob("auteur_*.yml"))]
    vouwen = kruisvalidatie(paden, BOEK)
    assert [v.bron for v in vouwen] == [p.stem for p in paden]
    for vouw, pad in zip(vouwen, paden, strict=True):
        assert set(vouw.oordeel) == set(VARIANTEN)
        assert all(0.0 <= a <= 1.0 for a in vouw.oordeel.values())
        # The rules learn nothing, so held out they score what they score on their own.
        assert vouw.oordeel["regels"] == pytest.approx(meet(pad, BOEK).oordeel_nauwkeurigheid)
    assert "gemiddelde per bron" in cv_rapport(vouwen)
    assert main(["--cv", *map(str, paden)]) == 0
    assert "| auteur_s | 80 |" in capsys.readouterr().out


def test_hybride_noemt_een_harde_regel_nooit_goed(model: oefen_model.Oordeelmodel) -> None:
    # Every labelled answer in which the rules find a listed thing to avoid.
    gelabeld = [g for pad in ontwikkelsets() for g in lees_gelabeld(pad)]
    oordelen = [beoordeel(BOEK, g.fase, g.tekst) for g in gelabeld]
    fout = [(g, o) for g, o in zip(gelabeld, oordelen, strict=True) if o.vermeden]
    assert len(fout) > 100
    for g, o in fout:
        assert oefen_model.hybride(o, "goed") == "fout"
        kansen = model.kansen(BOEK, o, g.tekst)
        assert oefen_model.aanvulling(o, kansen) == "fout"
        assert oefen_model.beoordeel_lerend(BOEK, g.fase, g.tekst, model=model).uitslag == "fout"


# Issue 14's four contradictions, now with the learned verdict: pressure is never goed; the
# trader's line, help after the sale and praise for a colleague are never fout.
@pytest.mark.parametrize(("fase", "tekst", "niet"), TEGENSTRIJDIGHEDEN)
def test_lerend_draait_een_seed_niet_om(
    model: oefen_model.Oordeelmodel, fase: str, tekst: str, niet: str
) -> None:
    assert oefen_model.beoordeel_lerend(BOEK, fase, tekst, model=model).uitslag != niet


# Negation: the rules read it, the text model does not; a denied thing to avoid is never fout.
@pytest.mark.parametrize(
    ("fase", "tekst"),
    [
        ("nazorg", "U heeft niks verkeerd gedaan, ik ruil hem om. Tot ziens!"),
        ("afsluiting", "Ik ga u niet pushen, neemt u gerust de tijd."),
        ("bezwaar", "Het is geen rommel, dat begrijp ik. Zal ik laten zien hoe stevig hij is?"),
        ("presentatie", "Dat is geen troep, hoor: de naden zijn dubbel gestikt."),
    ],
)
def test_lerend_leest_de_ontkenning_van_de_regels(
    model: oefen_model.Oordeelmodel, fase: str, tekst: str
) -> None:
    oordeel = oefen_model.beoordeel_lerend(BOEK, fase, tekst, model=model)
    assert oordeel.ontkend
    assert oordeel.uitslag != "fout"


def test_lerend_beslist_alleen_waar_de_regels_niets_vinden(
    model: oefen_model.Oordeelmodel,
) -> None:
    # A rules-goed answer and a listed thing to avoid keep the rules' verdict; only a
    # rules-matig answer can become goed or fout, and both happen on the development sets.
    veranderd = set()
    for pad in ontwikkelsets():
        for g in lees_gelabeld(pad):
            regels = beoordeel(BOEK, g.fase, g.tekst)
            lerend = oefen_model.beoordeel_lerend(BOEK, g.fase, g.tekst, model=model)
            assert lerend.vraagtype == regels.vraagtype
            if regels.uitslag != "matig":
                assert lerend == regels
            elif lerend.uitslag != "matig":
                veranderd.add(lerend.uitslag)
    assert veranderd == {"goed", "fout"}


def test_goed_zonder_regel_geeft_punten_en_nederlandse_feedback(
    model: oefen_model.Oordeelmodel,
) -> None:
    herkend = []
    for pad in ontwikkelsets():
        for g in lees_gelabeld(pad):
            regels = beoordeel(BOEK, g.fase, g.tekst, "Zo beter.")
            oordeel = oefen_model.beoordeel_lerend(BOEK, g.fase, g.tekst, "Zo beter.", model=model)
            if regels.uitslag == "matig" and oordeel.uitslag == "goed":
                herkend.append((regels, oordeel))
    assert herkend, "het model vindt op de ontwikkelsets niets zeker goed: niets te testen"
    for regels, oordeel in herkend:
        wat = BOEK.fasen[oordeel.fase].vereist.naam
        assert oordeel.gehaald and not oordeel.vermeden
        assert oordeel.punten == regels.punten + PUNTEN_VEREIST
        assert oordeel.feedback == [BOEK.teksten["herkend"].format(wat=wat)]
        assert oordeel.feedback[0].startswith("✅")


def test_fout_zonder_regel_geeft_algemene_nederlandse_feedback(
    model: oefen_model.Oordeelmodel,
) -> None:
    afgeraden = []
    for pad in ontwikkelsets():
        for g in lees_gelabeld(pad):
            oordeel = oefen_model.beoordeel_lerend(BOEK, g.fase, g.tekst, "Zo beter.", model=model)
            if oordeel.afgeraden:
                afgeraden.append(oordeel)
    assert afgeraden, "het model vindt op de ontwikkelsets niets zeker fout: niets te testen"
    for oordeel in afgeraden:
        wat = BOEK.fasen[oordeel.fase].vereist.naam
        assert oordeel.uitslag == "fout"
        assert oordeel.vermeden == ()
        assert oordeel.punten == 0
        assert oordeel.feedback == [
            BOEK.teksten["afgeraden"].format(wat=wat),
            BOEK.teksten["beter"].format(beter="Zo beter."),
        ]
        assert oordeel.feedback[0].startswith("⚠️ Zo zou ik het niet zeggen")


@pytest.mark.vijandig
@pytest.mark.parametrize(
    "tekst",
    ["", "   ", "😀👍🙈", "?!?!", "Waar gaat u hem voor gebruiken? " * 160, "x" * 5000],
)
def test_vijandig_leeg_emoji_en_5000_tekens(model: oefen_model.Oordeelmodel, tekst: str) -> None:
    for fase in BOEK.fasen:
        oordeel = oefen_model.beoordeel_lerend(BOEK, fase, tekst, "Zo beter.", model=model)
        assert oordeel.uitslag in {"goed", "matig", "fout"}
        assert oordeel.feedback and all(regel.strip() for regel in oordeel.feedback)
        assert oordeel.uitslag != "goed" or tekst.startswith("Waar")


def test_elk_voorbeeldantwoord_scoort_goed_ook_lerend(model: oefen_model.Oordeelmodel) -> None:
    for scenario in BOEK.scenarios.values():
        for stap in scenario.stappen:
            oordeel = oefen_model.beoordeel_lerend(
                BOEK, stap.fase, stap.beter, jargon=scenario.jargon, model=model
            )
            assert oordeel.uitslag == "goed", (scenario.id, stap.beter)


def test_de_standaard_is_lerend() -> None:
    # Held out, on the authors the rules were not written from, the rules with the learned
    # verdict beat the rules alone (docs/oefenen-meting.md, session 6).
    assert BOEK.lerend
    assert oefen_model.oordelaar(BOEK) is oefen_model.beoordeel_lerend
    assert problemen_oefenen(BOEK) == []  # every model answer goed with the default judge


@pytest.mark.vijandig
def test_vijandig_een_verzegelde_set_wordt_niet_gelezen(tmp_path: Path) -> None:
    (tmp_path / "VERZEGELD").write_text("", encoding="utf-8")
    pad = tmp_path / "auteur_x.yml"
    pad.write_text("antwoorden: []\n", encoding="utf-8")
    with pytest.raises(PermissionError, match="verzegeld"):
        lees_gelabeld(pad)


@pytest.mark.vijandig
def test_vijandig_onbekend_oordeel_in_de_trainingsdata(tmp_path: Path) -> None:
    pad = tmp_path / "auteur_x.yml"
    pad.write_text(
        "antwoorden:\n"
        "- {fase: contact, tekst: 'Hoi!', vraagtype: geen_vraag, oordeel: goed}\n"
        "- {fase: contact, tekst: 'Hallo daar', vraagtype: geen_vraag, oordeel: prima}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="onbekend oordeel"):
        oefen_model.train(BOEK, lees_gelabeld(pad), met_regels=False)


def test_beoordeling_regels_kiezen_in_de_yaml(tmp_path: Path) -> None:
    kopie = Path(shutil.copytree(OEFEN_MAP, tmp_path / "oefenen"))
    pad = kopie / "regels.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("beoordeling: lerend", "beoordeling: regels"), encoding="utf-8")
    boek = laad_oefenboek(kopie)
    assert not boek.lerend
    assert oefen_model.oordelaar(boek) is beoordeel
    assert problemen_oefenen(boek) == []


@pytest.mark.vijandig
def test_vijandig_onbekende_beoordeling_noemt_bestand_en_sleutel(tmp_path: Path) -> None:
    kopie = Path(shutil.copytree(OEFEN_MAP, tmp_path / "oefenen"))
    pad = kopie / "regels.yml"
    tekst = pad.read_text(encoding="utf-8")
    pad.write_text(tekst.replace("beoordeling: lerend", "beoordeling: slim"), encoding="utf-8")
    with pytest.raises(YamlFout, match=r"regels\.yml.*beoordeling"):
        laad_oefenboek(kopie)


@pytest.mark.vijandig
def test_vijandig_zonder_gelabelde_antwoorden_alleen_de_regels(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A copy of the project without tests/ (as in a packaged action server): no crash, the
    # rules judge alone, and a Dutch warning in the log.
    monkeypatch.setattr(oefen_model, "ontwikkelsets", list)
    oefen_model.lerend_model.cache_clear()
    try:
        assert oefen_model.oordelaar(BOEK) is beoordeel
        oordeel = oefen_model.beoordeel_lerend(BOEK, "contact", "Hoi!")
        assert oordeel == beoordeel(BOEK, "contact", "Hoi!")
        assert "Geen gelabelde antwoorden" in caplog.text
    finally:
        oefen_model.lerend_model.cache_clear()


# Development figures of the default judge, each set judged by a model trained without it
# (docs/oefenen-meting.md, session 6): a floor, not a blind figure.
LEREND_VLOER = {
    "auteur_w.yml": 0.91,
    "auteur_x.yml": 0.95,
    "auteur_y.yml": 0.91,
    "auteur_z.yml": 0.90,
}


def test_lerend_meet_een_set_met_een_model_zonder_die_set(monkeypatch: pytest.MonkeyPatch) -> None:
    getraind: list[int] = []
    train = oefen_model.train

    def tel(
        boek: Oefenboek, gelabeld: list[Gelabeld], *args: Any, **kwargs: Any
    ) -> oefen_model.Oordeelmodel:
        getraind.append(len(gelabeld))
        return train(boek, gelabeld, *args, **kwargs)

    monkeypatch.setattr(oefen_model, "train", tel)
    alle = sum(len(lees_gelabeld(p)) for p in ontwikkelsets())
    for pad in ontwikkelsets():
        if pad.name in LEREND_VLOER:
            uitslag = meet(pad, BOEK, lerend=True)
            assert getraind[-1] == alle - len(uitslag.gevallen)
            assert uitslag.oordeel_nauwkeurigheid >= LEREND_VLOER[pad.name], pad.name
    assert len(getraind) == len(LEREND_VLOER)
