"""The labelled seller answers in tests/oefenen/: what the judge is measured on and the
learned verdict trains on.

Each file is YAML a trainer can read and extend: `antwoorden:` with per answer the phase,
the text, the question type and the verdict (goed, matig, fout). A blind set under blind/
becomes development data only after its one measurement (a GEMETEN file); a sealed set
(VERZEGELD) is never opened here, not even to count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

GELABELD = Path(__file__).resolve().parents[1] / "tests" / "oefenen"
# The first blind set of issue 14 (authors s and t) became a development set in session 5.
ONTWIKKEL_BLIND = GELABELD / "blind"
GEMETEN = "GEMETEN"
VERZEGELD = "VERZEGELD"
OORDELEN = ("goed", "matig", "fout")


def gemeten_sets(map_: Path = ONTWIKKEL_BLIND) -> list[Path]:
    """The blind set folders that have had their one measurement, so may be tuned on."""
    if not map_.exists():
        return []
    return sorted(
        p
        for p in map_.iterdir()
        if p.is_dir() and (p / GEMETEN).exists() and not (p / VERZEGELD).exists()
    )


def ontwikkelsets() -> list[Path]:
    """The labelled sets the judge may be tuned on, one file per source (author)."""
    sets = sorted(GELABELD.glob("*.yml")) + sorted(ONTWIKKEL_BLIND.glob("auteur_*.yml"))
    for map_ in gemeten_sets():
        sets += sorted(map_.glob("auteur_*.yml"))
    return sets


@dataclass(frozen=True)
class Gelabeld:
    fase: str
    tekst: str
    vraagtype: str
    oordeel: str
    bron: str  # the file, so cross-validation can hold out one author


def lees_gelabeld(pad: Path) -> list[Gelabeld]:
    """The answers of one labelled file; a file in a sealed folder is refused unread."""
    if (pad.parent / VERZEGELD).exists():
        raise PermissionError(f"{pad.parent} is verzegeld: eerst de ene meting")
    # The C loader: the same safe subset of YAML, ten times faster (training waits on this).
    rijen = yaml.load(pad.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["antwoorden"]
    return [
        Gelabeld(r["fase"], str(r["tekst"]), r["vraagtype"], r["oordeel"], pad.stem) for r in rijen
    ]
