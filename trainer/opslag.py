"""Read-only access to Rasa's SQL tracker store (table `events`, Rasa 3.6 schema).

The trainer keeps no copy of the conversations: every page reads the store Rasa
writes, SQLite by default (`var/tracker.db`) or PostgreSQL, named by the
`tracker_store` block of endpoints.yml. The connection is read-only (SQLite
`mode=ro`, PostgreSQL `default_transaction_read_only`); only `retentie.ruim_op`
asks for a writing one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
import ujson
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, Connection, Engine, make_url

from rasa_ext.endpoints import SQL_SOORTEN, lees

T = TypeVar("T")

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)


class OpslagFout(Exception):
    """The tracker store cannot be read; str() is one Dutch line."""


@dataclass(frozen=True)
class Event:
    """One row of `events`; `data` is the event as Rasa stored it (JSON), parsed on demand."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    ruw: str | None

    @property
    def data(self) -> dict[str, Any]:
        try:
            waarde = ujson.loads(self.ruw or "{}")  # in Rasa's lock; 2-3x the stdlib's speed
        except ValueError:
            return {}  # a damaged row is skipped, never a crash
        return waarde if isinstance(waarde, dict) else {}


def _url_uit_blok(blok: dict[str, Any], basis: Path) -> URL:
    """Rasa's SQLTrackerStore.get_db_url, for the blocks endpoints.yml can hold."""
    dialect = str(blok.get("dialect") or "sqlite")
    db = os.path.expandvars(str(blok.get("db") or "rasa.db"))
    host = blok.get("url")
    if dialect == "sqlite" and not host:
        pad = Path(db)
        return URL.create("sqlite", database=str(pad if pad.is_absolute() else basis / pad))
    if host and "://" in str(host):
        return make_url(os.path.expandvars(str(host)))

    def _omgeving(sleutel: str) -> str | None:
        waarde = blok.get(sleutel)
        return os.path.expandvars(str(waarde)) if waarde is not None else None

    port = _omgeving("port")
    return URL.create(
        dialect,
        username=_omgeving("username"),
        password=_omgeving("password"),
        host=_omgeving("url"),
        port=int(port) if port else None,
        database=db,
    )


def _alleen_lezen(url: URL) -> tuple[str | URL, dict[str, Any]]:
    """A URL and connect_args that refuse writes."""
    if url.get_backend_name() == "sqlite":
        pad = Path(url.database or "")
        if not pad.is_file():
            raise OpslagFout(f"de gespreksopslag {pad} bestaat niet (draait de coach al?)")
        return f"sqlite:///file:{quote(str(pad.resolve()))}?mode=ro&uri=true", {}
    if url.get_backend_name() == "postgresql":
        return url, {"options": "-c default_transaction_read_only=on"}
    return url, {}


class Opslag:
    """Rasa's `events` table, read-only; `schrijver()` is for retention only."""

    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url) if isinstance(url, str) else url
        self._onthouden: tuple[tuple[int | None, int | None], dict[Hashable, Any]] = ((-1, -1), {})
        lees_url, connect_args = _alleen_lezen(self.url)
        self.engine: Engine = sa.create_engine(lees_url, connect_args=connect_args, future=True)
        try:
            with self.engine.connect() as verbinding:
                verbinding.execute(sa.select(sa.func.count()).select_from(EVENTS).limit(1))
        except sa.exc.SQLAlchemyError as exc:
            reden = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise OpslagFout(
                f"de gespreksopslag ({self.url.render_as_string(hide_password=True)}) "
                f"is niet te lezen: {reden}"
            ) from None

    @classmethod
    def uit_endpoints(cls, pad: Path) -> Opslag:
        """The SQL tracker store of an endpoints file; a relative SQLite path is from its folder."""
        blok = lees(pad).get("tracker_store")
        if not isinstance(blok, dict) or str(blok.get("type", "")).lower() not in SQL_SOORTEN:
            raise OpslagFout(
                f"{pad}: de trainer leest alleen een SQL-trackerstore (SQLite of PostgreSQL); "
                "zet tracker_store op rasa_ext.opslag.StrikteSQLTrackerStore"
            )
        return cls(_url_uit_blok(blok, pad.resolve().parent))

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def events(
        self,
        soorten: Sequence[str],
        *,
        van: float | None = None,
        tot: float | None = None,
        namen: Sequence[str] | None = None,
        sender_id: str | None = None,
        met_data: bool = True,
    ) -> list[Event]:
        """Events of these types, per seller in order; `namen` filters action or slot names.

        Without `met_data` the JSON column is not fetched: counting needs only the columns.
        """
        filters = [EVENTS.c.type_name.in_(list(soorten))]
        if van is not None:
            filters.append(EVENTS.c.timestamp >= van)
        if tot is not None:
            filters.append(EVENTS.c.timestamp < tot)
        if namen is not None:
            filters.append(
                sa.or_(EVENTS.c.type_name == "user", EVENTS.c.action_name.in_(list(namen)))
                if "user" in soorten
                else EVENTS.c.action_name.in_(list(namen))
            )
        if sender_id is not None:
            filters.append(EVENTS.c.sender_id == sender_id)
        kolommen = list(EVENTS.c) if met_data else [*list(EVENTS.c)[:-1], sa.null()]
        vraag = sa.select(*kolommen).where(*filters).order_by(EVENTS.c.sender_id, EVENTS.c.id)
        with self.engine.connect() as verbinding:
            return [Event(*rij) for rij in verbinding.execute(vraag).fetchall()]

    def _json_tekst(self, *pad: str) -> sa.sql.ColumnElement | None:
        """A value inside the JSON column as text, computed by the database; None if it can't."""
        if self.dialect == "sqlite":
            return sa.cast(sa.func.json_extract(EVENTS.c.data, "$." + ".".join(pad)), sa.Text)
        if self.dialect == "postgresql":
            return sa.cast(EVENTS.c.data, postgresql.JSON)[pad].astext
        return None

    def _zekerheid(self) -> sa.sql.ColumnElement | None:
        """The top intent's confidence of a `user` row, computed by the database (no JSON here)."""
        tekst = self._json_tekst("parse_data", "intent", "confidence")
        if tekst is None:
            return None
        return sa.case((EVENTS.c.type_name == "user", sa.cast(tekst, sa.Float)), else_=sa.null())

    def tel(
        self, grenzen: Sequence[float], soort: str, groep: str, *, namen: Sequence[str] = ()
    ) -> list[tuple[int, str | None, int]]:
        """(period, group, count): events of `soort` counted by the database per period.

        Period i runs from grenzen[i] to grenzen[i + 1] (the caller's local days or weeks);
        `groep` is a column (`sender_id`, `intent_name`, `action_name`) or "waarde", a
        slot's value. `namen` filters action or slot names.
        """
        periode = sa.case(
            *[(EVENTS.c.timestamp < g, i) for i, g in enumerate(grenzen[1:])], else_=sa.null()
        )
        kolom = self._json_tekst("value") if groep == "waarde" else EVENTS.c[groep]
        if kolom is None:
            raise OpslagFout(f"de opslag ({self.dialect}) kan geen JSON lezen")
        filters = [
            EVENTS.c.type_name == soort,
            EVENTS.c.timestamp >= grenzen[0],
            EVENTS.c.timestamp < grenzen[-1],
        ]
        if namen:
            filters.append(EVENTS.c.action_name.in_(list(namen)))
        vraag = (
            sa.select(periode.label("periode"), kolom.label("groep"), sa.func.count())
            .where(*filters)
            .group_by("periode", "groep")
        )
        with self.engine.connect() as verbinding:
            return [(int(p), g, int(n)) for p, g, n in verbinding.execute(vraag).fetchall()]

    def overzicht(
        self, soorten: Sequence[str], namen: Sequence[str]
    ) -> list[tuple[int, str, str, str | None, str | None, float | None]]:
        """(id, sender_id, type_name, intent_name, action_name, confidence) in order, no JSON.

        The confidence is None where the database cannot compute it.
        """
        zekerheid = self._zekerheid()
        kolommen = [EVENTS.c[k] for k in ("id", "sender_id", "type_name")]
        kolommen += [EVENTS.c.intent_name, EVENTS.c.action_name]
        kolommen.append(sa.null() if zekerheid is None else zekerheid)
        filters = [
            EVENTS.c.type_name.in_(list(soorten)),
            sa.or_(EVENTS.c.type_name == "user", EVENTS.c.action_name.in_(list(namen))),
        ]
        vraag = sa.select(*kolommen).where(*filters).order_by(EVENTS.c.sender_id, EVENTS.c.id)
        with self.engine.connect() as verbinding:
            return [tuple(rij) for rij in verbinding.execute(vraag).fetchall()]  # type: ignore[misc]

    def per_id(self, ids: Sequence[int]) -> list[Event]:
        """These events with their JSON, per seller in order."""
        uit: list[Event] = []
        vraag = sa.select(EVENTS).where(EVENTS.c.id.in_(sa.bindparam("ids", expanding=True)))
        with self.engine.connect() as verbinding:
            for begin in range(0, len(ids), 900):  # bounded IN lists (SQLite: 999 parameters)
                rijen = verbinding.execute(vraag, {"ids": list(ids[begin : begin + 900])})
                uit += [Event(*rij) for rij in rijen.fetchall()]
        return sorted(uit, key=lambda e: (e.sender_id, e.id))

    def stand(self) -> tuple[int | None, int | None]:
        """(newest, oldest event id): Rasa only adds events, retention deletes the oldest.

        Two lookups in the primary key's index, not a count of the table.
        """
        vraag = sa.select(sa.func.max(EVENTS.c.id), sa.func.min(EVENTS.c.id))
        with self.engine.connect() as verbinding:
            hoogste, laagste = verbinding.execute(vraag).one()
        return hoogste, laagste

    def onthoud(self, sleutel: Hashable, maak: Callable[[], T]) -> T:
        """`maak()`, computed once per state of the store (`stand()`) and key.

        Not a copy of the data: results derived from it, dropped as soon as Rasa writes.
        A page reloaded, or a second trainer, then costs one small query.
        """
        stand = self.stand()
        vorige, waarden = self._onthouden
        if vorige != stand:
            waarden = {}
            self._onthouden = (stand, waarden)
        if sleutel not in waarden:
            waarden[sleutel] = maak()
        return waarden[sleutel]

    def vergeet(self) -> None:
        """Drop what `onthoud` kept (the bench measures the work behind it this way)."""
        self._onthouden = ((-1, -1), {})

    @contextmanager
    def schrijver(self) -> Iterator[Connection]:
        """One writing transaction on the store (the retention job, nothing else)."""
        engine = sa.create_engine(self.url, future=True)
        try:
            with engine.begin() as verbinding:
                yield verbinding
        finally:
            engine.dispose()

    def sluit(self) -> None:
        self.engine.dispose()
