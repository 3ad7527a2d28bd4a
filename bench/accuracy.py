"""Accuracy of one pipeline: the held-out set (tests/nlu/), the blind sets and a typo'd copy; and
the keyword baseline, the floor any trained pipeline must beat (docs/bench-methode.md)."""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.targets import TYPFOUTEN
from stack.paths import ROOT
from tools.blind import FALLBACK_INTENTS, berichten, blinde_sets, scoor, typfout_kopie, voorspel
from tools.domein import fase_per_intent, nlu_voorbeelden
from tools.nlu_eval import GEEN_FASE, Voorspelling, fase_scores, fase_van

Parse = Callable[[str], tuple[str, float]]
MIN_AANDEEL = 0.5  # a keyword of an intent: at least this share of its examples are that intent
MIN_AANTAL = 2  # and at least this many
KEYWORD_RUNS = 5  # timed builds of the keyword table


def held_out(rijen: list[tuple[str, str, Path]], voorspeld: list[tuple[str, float]]) -> dict:
    """Intent and phase accuracy, phase scores and out-of-domain handling (tools.nlu_eval)."""
    fasen, in_domein, buiten = fase_per_intent(), [], []
    for (t, i, pad), p in zip(rijen, voorspeld, strict=True):
        (buiten if pad.name == "buiten_domein.yml" else in_domein).append(Voorspelling(t, i, *p))
    nauwkeurigheid, scores = fase_scores(in_domein + buiten, fasen)  # the order does not count
    return {
        "intent_nauwkeurigheid": statistics.mean(v.intent == v.verwacht for v in in_domein),
        "fase_nauwkeurigheid": nauwkeurigheid,
        "macro_f1": statistics.mean(s.f1 for s in scores),
        "ood_fallback": statistics.mean(v.intent in FALLBACK_INTENTS for v in buiten),
        "ood_met_fase": statistics.mean(fase_van(v.intent, fasen) != GEEN_FASE for v in buiten),
        "per_fase": {s.fase: asdict(s) for s in scores},
        "aantallen": {"held_out": len(rijen), "in_domein": len(in_domein), "ood": len(buiten)},
    }


def blind(parse: Parse) -> dict[str, dict[str, Any]]:
    """set -> the tools.blind scores, for every blind set and its typo'd copy."""
    uit: dict[str, dict[str, Any]] = {}
    for naam in blinde_sets():
        rijen = berichten(naam)
        uit[naam] = asdict(scoor(voorspel(parse, rijen)))
        uit[naam + TYPFOUTEN] = asdict(scoor(voorspel(parse, typfout_kopie(rijen))))
    return uit


def woorden(tekst: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", tekst.lower()))


def keyword_parser(voorbeelden: Iterable[tuple[str, str]]) -> Parse:
    """A parser from (text, intent) pairs: every keyword votes P(intent | word) for its intents."""
    per_woord: dict[str, Counter[str]] = defaultdict(Counter)
    for tekst, intent in voorbeelden:
        for woord in woorden(tekst):  # a set: a word counts once per example
            per_woord[woord][intent] += 1
    gewichten: dict[str, dict[str, float]] = defaultdict(dict)
    for woord, telling in per_woord.items():
        for intent, n in telling.items():
            if n >= MIN_AANTAL and (aandeel := n / telling.total()) >= MIN_AANDEEL:
                gewichten[woord][intent] = aandeel

    def parse(tekst: str) -> tuple[str, float]:
        """text -> (intent, share of the winning intent in the total keyword weight)."""
        scores: Counter[str] = Counter()
        for woord in sorted(woorden(tekst)):  # sorted: the same sums on every run
            scores.update(gewichten.get(woord, {}))
        if not scores:
            return "nlu_fallback", 0.0
        intent, score = max(scores.items(), key=lambda paar: (paar[1], paar[0]))
        return intent, score / scores.total()

    return parse


def meet_keyword(rijen: list[tuple[str, str, Path]], runs: int = KEYWORD_RUNS) -> dict[str, Any]:
    """The keyword table is built in-process; its 'training' is reading the data and counting."""
    tijden = []
    for _ in range(runs):
        begin = time.perf_counter()
        parse = keyword_parser((t, i) for t, i, _ in nlu_voorbeelden(ROOT / "data"))
        tijden.append(time.perf_counter() - begin)
    return {
        "training": {"runs_s": tijden, "mediaan_s": statistics.median(tijden)},
        "nlu": held_out(rijen, [parse(t) for t, _, _ in rijen]),
        "blind": blind(parse),
    }
