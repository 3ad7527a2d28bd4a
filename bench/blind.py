"""The blind sets (tests/nlu/blind/) per pipeline: each set as written, and a typo'd copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from tools.blind import berichten, blinde_sets, scoor, typfout_kopie, voorspel

TYPFOUTEN = "+typfouten"


def blind_uitslag(parse: Callable[[str], tuple[str, float]]) -> dict[str, dict[str, Any]]:
    """set -> the tools.blind scores, for every blind set and its typo'd copy."""
    uit: dict[str, dict[str, Any]] = {}
    for naam in blinde_sets():
        rijen = berichten(naam)
        uit[naam] = asdict(scoor(voorspel(parse, rijen)))
        uit[naam + TYPFOUTEN] = asdict(scoor(voorspel(parse, typfout_kopie(rijen))))
    return uit


def laatste_set() -> str | None:
    """The newest blind set: the one whose first measurement is the honest figure."""
    sets = blinde_sets()
    return sets[-1] if sets else None
