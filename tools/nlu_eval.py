"""Phase-level scoring of NLU predictions, shared by the tests, `make evaluate` and `make bench`.

Trainers think in phases: a message is right at phase level when the predicted
intent belongs to the expected phase. A fallback or a general intent (greet,
out_of_scope, ...) counts as "geen fase".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.domein import ROOT, fase_per_intent, nlu_voorbeelden

HELD_OUT = ROOT / "tests" / "nlu"
GEEN_FASE = "geen fase"


@dataclass(frozen=True)
class Voorspelling:
    tekst: str
    verwacht: str
    intent: str
    zekerheid: float


def laad_model(model: Path) -> Callable[[str], dict[str, Any]]:
    """Load a trained Rasa model in-process; returns text -> Rasa's whole parse result."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message
    agent = Agent.load(str(model))
    lus = asyncio.new_event_loop()

    def parse(tekst: str) -> dict[str, Any]:
        return lus.run_until_complete(agent.parse_message(tekst))

    return parse


def laad_model_parser(model: Path) -> Callable[[str], tuple[str, float]]:
    """Load a trained Rasa model in-process; returns text -> (intent, confidence)."""
    volledig = laad_model(model)

    def parse(tekst: str) -> tuple[str, float]:
        intent = volledig(tekst).get("intent") or {}
        return intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0)

    return parse


def voorspel(
    parse: Callable[[str], tuple[str, float]], map_: Path = HELD_OUT
) -> list[Voorspelling]:
    return [Voorspelling(t, i, *parse(t)) for t, i, _ in nlu_voorbeelden(map_)]


def fase_van(intent: str, fasen: dict[str, str]) -> str:
    return fasen.get(intent, GEEN_FASE)


@dataclass(frozen=True)
class FaseScore:
    fase: str
    precisie: float
    recall: float
    f1: float
    aantal: int


def fase_scores(
    voorspellingen: Iterable[Voorspelling], fasen: dict[str, str] | None = None
) -> tuple[float, list[FaseScore]]:
    """Phase accuracy over messages that have a phase, and per-phase P/R/F1."""
    fasen = fasen or fase_per_intent()
    paren = [(fase_van(v.verwacht, fasen), fase_van(v.intent, fasen)) for v in voorspellingen]
    met_fase = [(w, p) for w, p in paren if w != GEEN_FASE]
    nauwkeurigheid = sum(w == p for w, p in met_fase) / max(len(met_fase), 1)
    scores = []
    for fase in sorted({w for w, _ in met_fase}):
        tp = sum(w == p == fase for w, p in paren)
        voorspeld = sum(p == fase for _, p in paren)
        echt = sum(w == fase for w, _ in paren)
        precisie = tp / voorspeld if voorspeld else 0.0
        recall = tp / echt if echt else 0.0
        f1 = 2 * precisie * recall / (precisie + recall) if precisie + recall else 0.0
        scores.append(FaseScore(fase, precisie, recall, f1, echt))
    return nauwkeurigheid, scores
