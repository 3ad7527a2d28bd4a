"""The trainers' inbox and labelling, on real conversations in SQLite and in PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.trainer_opslag import BEDOEL_JE, ONDUIDELIJK, VIJANDIG, Gesprekken
from tools.domein import nlu_voorbeelden
from trainer import inbox, labelen
from trainer.opslag import Opslag, OpslagFout

pytest_plugins = ["tests.support.trainer_opslag"]


def _item(items: list[inbox.InboxItem], tekst: str) -> inbox.InboxItem | None:
    return next((i for i in items if tekst in i.voorbeelden), None)


def test_inbox_toont_de_onzekere_berichten_en_niet_de_zekere(
    gevuld: tuple[Opslag, Gesprekken],
) -> None:
    opslag, gesprekken = gevuld
    items = inbox.items(opslag, limiet=500)
    assert len([t for t in gesprekken.twijfel if gesprekken.onzeker(t)]) >= 3
    for tekst in gesprekken.twijfel:
        if not gesprekken.onzeker(tekst):
            assert _item(items, tekst) is None, f"zeker herkend, toch in de inbox: {tekst}"
            continue
        item = _item(items, tekst)
        assert item is not None, f"onzeker, maar niet in de inbox: {tekst}"
        assert item.reden and item.aantal >= 1 and item.laatst.tzinfo is not None
        assert all(naam != "nlu_fallback" for naam, _ in item.top3) and len(item.top3) <= 3


def test_inbox_groepeert_gelijke_berichten(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, _ = gevuld
    item = _item(inbox.items(opslag, limiet=500), ONDUIDELIJK[0])
    assert item is not None and item.aantal == 2
    assert set(ONDUIDELIJK[:2]) <= set(item.voorbeelden)


def test_bijna_gelijk_is_een_groep_en_verschillend_niet() -> None:
    groepen = inbox.groepeer(
        [
            "klant wil de bank maar vindt hem te groot",
            "klant wil de bank maar vindt hem wel te groot",  # Jaccard 8/9
            "klant wil de tafel maar vindt hem te klein",  # 6/10
            "te duur",
        ]
    )
    assert [len(g) for g in groepen] == [2, 1, 1]


def test_inbox_nieuwste_eerst(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, _ = gevuld
    tijden = [i.laatst for i in inbox.items(opslag, limiet=500)]
    assert tijden == sorted(tijden, reverse=True)


def test_inbox_toont_de_keuze_van_de_verkoper(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, gesprekken = gevuld
    assert gesprekken.knoppen, "geen enkele Bedoel-je-vraag met twee situaties"
    items = inbox.items(opslag, limiet=500)
    for tekst, payload in gesprekken.knoppen.items():
        item = _item(items, tekst)
        assert item is not None and item.keuze == payload.lstrip("/")
        assert inbox.REDEN_ANDERS in item.reden and inbox.REDEN_BEDOEL_JE in item.reden


def test_vijandig_html_blijft_letterlijke_tekst(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, gesprekken = gevuld
    assert gesprekken.onzeker(VIJANDIG)
    item = _item(inbox.items(opslag, limiet=500), VIJANDIG)
    assert item is not None and item.tekst == VIJANDIG


def test_gelabeld_bericht_gaat_uit_de_inbox_en_staat_in_het_bestand(
    sqlite_gesprekken: tuple[Opslag, Gesprekken], data_kopie: Path
) -> None:
    opslag, gesprekken = sqlite_gesprekken
    tekst = next(t for t in BEDOEL_JE if gesprekken.onzeker(t))
    assert _item(inbox.items(opslag, limiet=500, data=data_kopie), tekst) is not None
    resultaat = labelen.voeg_toe(tekst, "contact_rondkijken", data=data_kopie)
    assert resultaat.ok, resultaat.meldingen
    assert resultaat.bestand == data_kopie / "nlu" / "contact" / "inbox.yml"
    assert resultaat.bestand.read_text(encoding="utf-8").startswith(labelen.KOP)
    assert (tekst, "contact_rondkijken", resultaat.bestand) in nlu_voorbeelden(data_kopie / "nlu")
    assert _item(inbox.items(opslag, limiet=500, data=data_kopie), tekst) is None


def test_negeren_haalt_uit_de_inbox_zonder_trainingsdata(
    sqlite_gesprekken: tuple[Opslag, Gesprekken], data_kopie: Path
) -> None:
    opslag, _ = sqlite_gesprekken
    voor = sorted(p.read_bytes() for p in (data_kopie / "nlu").rglob("*.yml"))
    resultaat = labelen.voeg_toe(ONDUIDELIJK[0], labelen.NEGEREN, data=data_kopie)
    assert resultaat.ok
    assert json.loads(resultaat.bestand.read_text(encoding="utf-8")) == [ONDUIDELIJK[0]]
    assert sorted(p.read_bytes() for p in (data_kopie / "nlu").rglob("*.yml")) == voor
    assert _item(inbox.items(opslag, limiet=500, data=data_kopie), ONDUIDELIJK[0]) is None


def test_vijandig_pad_met_vreemde_tekens_opent_alleen_lezen(
    sqlite_gesprekken: tuple[Opslag, Gesprekken], tmp_path: Path
) -> None:
    opslag, _ = sqlite_gesprekken
    vreemd = tmp_path / "map met spatie#en?vraag" / "tracker.db"
    vreemd.parent.mkdir()
    vreemd.write_bytes(Path(opslag.url.database or "").read_bytes())
    endpoints = tmp_path / "endpoints.yml"  # as a trainer writes it: a plain path
    endpoints.write_text(f'tracker_store:\n  type: sql\n  db: "{vreemd}"\n', encoding="utf-8")
    kopie = Opslag.uit_endpoints(endpoints)
    assert len(kopie.events(["user"])) == len(opslag.events(["user"]))
    kopie.sluit()


def test_vijandig_opslag_die_er_niet_is_geeft_een_nederlandse_fout(tmp_path: Path) -> None:
    with pytest.raises(OpslagFout, match="bestaat niet"):
        Opslag(f"sqlite:///{tmp_path / 'geen.db'}")
    redis = tmp_path / "endpoints.yml"
    redis.write_text("tracker_store:\n  type: redis\n  url: localhost\n")
    with pytest.raises(OpslagFout, match="alleen een SQL-trackerstore"):
        Opslag.uit_endpoints(redis)


def test_opslag_is_alleen_lezen(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, _ = gevuld
    import sqlalchemy as sa

    with pytest.raises(sa.exc.SQLAlchemyError), opslag.engine.begin() as verbinding:
        verbinding.execute(sa.text("DELETE FROM events"))
    assert opslag.events(["user"])
