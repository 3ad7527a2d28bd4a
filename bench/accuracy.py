"""Accuracy of one pipeline: the held-out set (tests/nlu/), the blind sets and a typo'd copy."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.targets import TYPFOUTEN
from tools.blind import FALLBACK_INTENTS, berichten, blinde_sets, scoor, typfout_kopie, voorspel
from tools.domein import fase_per_intent
from tools.nlu_eval import GEEN_FASE, Voorspelling, fase_scores, fase_van

Parse = Callable[[str], tuple[str, float]]


def held_out(rijen: list[tuple[str, str, Path]], voorspeld: list[tuple[str, float]]) -> dict:
    """Intent and phase accuracy, phase scores and out-of-domain handling (tools.nlu_eval)."""
    fasen = fase_per_intent()
    paren = [
        (Voorspelling(t, i, intent, zekerheid), pad.name == "buiten_domein.yml")
        for (t, i, pad), (intent, zekerheid) in zip(rijen, voorspeld, strict=True)
    ]
    in_domein = [v for v, ood in paren if not ood]
    buiten = [v for v, ood in paren if ood]
    nauwkeurigheid, scores = fase_scores([v for v, _ in paren], fasen)
    return {
        "intent_nauwkeurigheid": statistics.mean(v.intent == v.verwacht for v in in_domein),
        "fase_nauwkeurigheid": nauwkeurigheid,
        "macro_f1": statistics.mean(s.f1 for s in scores),
        "ood_fallback": statistics.mean(v.intent in FALLBACK_INTENTS for v in buiten),
        "ood_met_fase": statistics.mean(fase_van(v.intent, fasen) != GEEN_FASE for v in buiten),
        "per_fase": {s.fase: asdict(s) for s in scores},
        "aantallen": {"held_out": len(paren), "in_domein": len(in_domein), "ood": len(buiten)},
    }


def blind(parse: Parse) -> dict[str, dict[str, Any]]:
    """set -> the tools.blind scores, for every blind set and its typo'd copy."""
    uit: dict[str, dict[str, Any]] = {}
    for naam in blinde_sets():
        rijen = berichten(naam)
        uit[naam] = asdict(scoor(voorspel(parse, rijen)))
        uit[naam + TYPFOUTEN] = asdict(scoor(voorspel(parse, typfout_kopie(rijen))))
    return uit
