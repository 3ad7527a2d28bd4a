"""The conversation store: SQL that refuses to start rather than forget every sale.

Rasa's SQLTrackerStore logs "Could not create tables" when it cannot open its
database (a SQLite file in a folder that does not exist, a read-only or corrupt
file) and starts anyway; its FailSafeTrackerStore then keeps every conversation
in memory for one message only, so the `fase` slot is never kept. This store is
Rasa's, named in endpoints.yml by module path (Rasa's supported hook for a
custom tracker store, so `rasa run` uses it too):

- it creates the folder of a SQLite database first, wherever that is configured;
- it writes a test row and rolls it back before Rasa starts; if that fails, the
  start fails with OpslagFout, a Dutch line that names the store.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.exceptions import RasaException

from rasa_ext.endpoints import sqlite_pad

PROEF_AFZENDER = "verkoopcoach-opslagcontrole"  # the row that is written and rolled back


class OpslagFout(RasaException):
    """The tracker store cannot be opened or written; str() is one Dutch line."""


def _naam(dialect: str, db: str, host: str | None) -> str:
    waar = f"{host}/{db}" if host else db
    return f"de gespreksopslag (trackerstore SQL, {dialect}: {waar})"


def _reden(exc: Exception) -> str:
    # SQLAlchemy wraps the driver's error (`orig`) in several lines with SQL and a link.
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


class StrikteSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore that checks before Rasa starts that it can write."""

    def __init__(
        self,
        domain: Any = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        **kwargs: Any,
    ) -> None:
        naam = _naam(dialect, db, host)
        pad = sqlite_pad({"type": "sql", "dialect": dialect, "db": db, "url": host})
        try:
            if pad is not None:
                pad.parent.mkdir(parents=True, exist_ok=True)
            super().__init__(domain, dialect, host, port, db, **kwargs)
            self._proef()
        except Exception as exc:
            raise OpslagFout(
                f"{naam} kan niet openen of schrijven ({_reden(exc)}): Rasa start niet, want "
                "zonder opslag vergeet de coach elke verkoop. Controleer het pad en de rechten."
            ) from None

    def _proef(self) -> None:
        """Write one event row and roll it back: the table exists and the store is writable."""
        sessie = self.sessionmaker()
        try:
            sessie.add(self.SQLEvent(sender_id=PROEF_AFZENDER, type_name="proef"))
            sessie.flush()
        finally:
            sessie.rollback()
            sessie.close()
