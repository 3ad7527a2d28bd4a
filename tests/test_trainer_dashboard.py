"""Dashboard, one sale's timeline and retention, on real conversations in SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.trainer_opslag import ZEKER, Gesprekken
from trainer import dashboard, retentie
from trainer.opslag import EVENTS, Opslag

pytest_plugins = ["tests.support.trainer_opslag"]

VANDAAG = date.today()


def _tel(opslag: Opslag, vraag: sa.sql.Select) -> int:
    with opslag.engine.connect() as verbinding:
        return int(verbinding.execute(vraag).scalar_one())


def test_cijfers_kloppen_met_de_opslag(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, gesprekken = gevuld
    d = dashboard.cijfers(opslag, van=VANDAAG - timedelta(days=6), tot=VANDAAG, per="dag")
    assert [p.begin for p in d.perioden] == [VANDAAG - timedelta(days=i) for i in range(6, -1, -1)]
    gebruiker = sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.type_name == "user")
    assert d.berichten == _tel(opslag, gebruiker)  # every message of the store is from this week
    gezegd = sum(len(lijst) for lijst in gesprekken.antwoorden.values())
    assert d.perioden[-1].berichten >= gezegd
    assert d.perioden[-1].verkopers >= len(gesprekken.antwoorden)
    assert {"contact", "bezwaar", "behoefte"} <= set(d.fasemix)
    assert {"contact_binnenkomst", "bezwaar_prijs"} <= {i for i, _ in d.top_situaties}
    assert "bezwaar_prijs" in dict(d.top_per_fase["bezwaar"])
    assert 0 < d.perioden[-1].bedoel_je < 1 and 0 <= d.perioden[-1].fallback < 1
    assert d.scores[gesprekken.oefenaar] == (1, 8.5)
    assert d.perioden[-1].oefensessies >= 1


def test_per_week_en_lege_periode(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, _ = gevuld
    week = dashboard.cijfers(opslag, van=VANDAAG - timedelta(days=20), tot=VANDAAG, per="week")
    assert all(p.begin.weekday() == 0 for p in week.perioden)
    assert week.berichten == dashboard.cijfers(opslag, van=VANDAAG, tot=VANDAAG).berichten
    leeg = dashboard.cijfers(opslag, van=date(2020, 1, 1), tot=date(2020, 1, 7))
    assert leeg.berichten == 0 and not leeg.scores and leeg.perioden[0].fallback == 0.0
    for soort in dashboard.GRAFIEKEN:
        assert dashboard.grafiek_svg(leeg, soort).lstrip().startswith("<?xml")


def test_grafieken_zijn_svg(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, gesprekken = gevuld
    d = dashboard.cijfers(opslag, van=VANDAAG - timedelta(days=6), tot=VANDAAG)
    for soort in dashboard.GRAFIEKEN:
        svg = dashboard.grafiek_svg(d, soort)
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "</svg>" in svg
    assert "bezwaar_prijs" in dashboard.grafiek_svg(d, "situaties")
    assert gesprekken.oefenaar in dashboard.grafiek_svg(d, "oefenen")
    with pytest.raises(ValueError, match="onbekende grafiek"):
        dashboard.grafiek_svg(d, "<script>")


def test_tijdlijn_van_een_verkoop(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, gesprekken = gevuld
    verkoper = gesprekken.verkoper_met_nieuwe_klant
    gezegd = gesprekken.antwoorden[verkoper]
    eerste = dashboard.verkoop(opslag, verkoper, 0)
    assert [s.tekst for s in eerste] == ZEKER
    assert [s.fase for s in eerste[:2]] == ["contact", "bezwaar"]
    for stap, (tekst, antwoord) in zip(eerste, gezegd, strict=False):
        assert stap.tekst == tekst and stap.advies == [b["text"] for b in antwoord if "text" in b]
    laatste = dashboard.verkoop(opslag, verkoper, None)
    assert [(s.tekst, s.fase) for s in laatste] == [
        ("nieuwe klant", None),
        ("ze zoekt een cadeau voor haar man", "behoefte"),
    ]
    assert laatste[0].advies == [b["text"] for b in gezegd[2][1] if "text" in b]
    assert dashboard.verkoop(opslag, verkoper, 1) == laatste
    lijst = dashboard.verkopen(opslag, van=VANDAAG, tot=VANDAAG, limiet=1000)
    assert {(v.sender_id, v.sessie, v.berichten) for v in lijst} >= {
        (verkoper, 0, 2),
        (verkoper, 1, 2),
    }


def test_vijandig_onbekende_verkoper_of_verkoop_is_leeg(gevuld: tuple[Opslag, Gesprekken]) -> None:
    opslag, gesprekken = gevuld
    assert dashboard.verkoop(opslag, "bestaat-niet' OR '1'='1", None) == []
    assert dashboard.verkoop(opslag, gesprekken.verkoper_met_nieuwe_klant, 99) == []


def _kopie(opslag: Opslag, doel: str) -> Opslag:
    """A second store: Rasa's own schema, the same rows; retention then deletes nothing shared."""
    from rasa_ext.opslag import StrikteSQLTrackerStore

    url = sa.engine.make_url(doel)
    if url.get_backend_name() == "postgresql":
        beheer = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with beheer.connect() as verbinding:
            verbinding.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        beheer.dispose()
        StrikteSQLTrackerStore(
            dialect="postgresql",
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
        )
    else:
        StrikteSQLTrackerStore(dialect="sqlite", db=url.database)
    with opslag.engine.connect() as verbinding:
        rijen = [dict(r._mapping) for r in verbinding.execute(sa.select(EVENTS))]
    engine = sa.create_engine(url)
    with engine.begin() as verbinding:
        verbinding.execute(EVENTS.insert(), rijen)
    engine.dispose()
    return Opslag(url)


def test_retentie_verwijdert_alleen_oude_events(
    gevuld: tuple[Opslag, Gesprekken], tmp_path: Path
) -> None:
    opslag, _ = gevuld
    if opslag.dialect == "sqlite":
        doel = f"sqlite:///{tmp_path / 'kopie.db'}"
    else:
        doel = opslag.url.set(database=f"retentie_{tmp_path.name[-12:].lower()}").render_as_string(
            hide_password=False
        )
    kopie = _kopie(opslag, doel)
    tijden = sorted(e.timestamp for e in kopie.events(["user"]))
    grens = tijden[len(tijden) // 2]
    alle = _tel(kopie, sa.select(sa.func.count()).select_from(EVENTS))
    ouder = _tel(
        kopie, sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.timestamp < grens)
    )
    assert retentie.ruim_op(kopie, 90, nu=grens + 90 * 86400) == ouder > 0
    assert _tel(kopie, sa.select(sa.func.count()).select_from(EVENTS)) == alle - ouder
    assert min(e.timestamp for e in kopie.events(["user"])) >= grens
    assert retentie.ruim_op(kopie, 90, nu=grens + 90 * 86400) == 0
    with pytest.raises(ValueError, match="minstens 1 dag"):
        retentie.ruim_op(kopie, 0)
    kopie.sluit()


def test_vijandig_verkopersnaam_in_een_grafiek_blijft_tekst() -> None:
    # A REST sender id is free text: the chart must escape it, as the web page does.
    d = dashboard.Dashboard(
        VANDAAG,
        VANDAAG,
        "dag",
        [dashboard.Periode(VANDAAG, oefensessies=1)],
        {},
        [("<b>vet</b>", 1)],
        {},
        {"<script>alert(1)</script>": (1, 7.0)},
    )
    oefenen = dashboard.grafiek_svg(d, "oefenen")
    assert "<script>" not in oefenen and "&lt;script&gt;alert(1)&lt;/script&gt;" in oefenen
    assert "<b>" not in dashboard.grafiek_svg(d, "situaties")
