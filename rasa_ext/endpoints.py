"""Reading endpoints.yml without importing Rasa (rasa_ext.server stays small before it forks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The tracker store of endpoints.yml (rasa_ext/opslag.py); Rasa compares types case-blind.
STRIKTE_SQL = "rasa_ext.opslag.StrikteSQLTrackerStore"
SQL_SOORTEN = ("sql", STRIKTE_SQL.lower())


def lees(endpoints: Path) -> dict[str, Any]:
    """The blocks of an endpoints file; {} when it is missing or unreadable (Rasa reports that)."""
    try:
        inhoud = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return inhoud if isinstance(inhoud, dict) else {}


def sqlite_pad(blok: Any) -> Path | None:
    """The database file of a SQLite tracker store block, else None.

    Rasa's SQL store defaults to the dialect sqlite and the file rasa.db.
    """
    if not isinstance(blok, dict) or str(blok.get("type", "")).lower() not in SQL_SOORTEN:
        return None
    if blok.get("url") or str(blok.get("dialect") or "sqlite").lower() != "sqlite":
        return None
    return Path(str(blok.get("db") or "rasa.db"))
