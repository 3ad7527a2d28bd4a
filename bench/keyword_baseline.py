"""The keyword baseline of `make bench`, the floor any trained pipeline must beat
(docs/bench-methode.md)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

MIN_AANDEEL = 0.5  # a keyword of an intent: at least this share of its examples are that intent
MIN_AANTAL = 2  # and at least this many
FALLBACK = "nlu_fallback"
_WOORD = re.compile(r"[^\W_]+")


def woorden(tekst: str) -> set[str]:
    return set(_WOORD.findall(tekst.lower()))


def train(voorbeelden: Iterable[tuple[str, str]]) -> Callable[[str], tuple[str, float]]:
    """From (text, intent) pairs, a parser in which each keyword votes for its intents with
    weight P(intent | word); each word counts once per example."""
    per_woord: dict[str, Counter[str]] = defaultdict(Counter)
    for tekst, intent in voorbeelden:
        for woord in woorden(tekst):
            per_woord[woord][intent] += 1
    gewichten: dict[str, dict[str, float]] = {}
    for woord, tellingen in per_woord.items():
        totaal = sum(tellingen.values())
        sleutel = {
            intent: n / totaal
            for intent, n in tellingen.items()
            if n >= MIN_AANTAL and n / totaal >= MIN_AANDEEL
        }
        if sleutel:
            gewichten[woord] = sleutel

    def parse(tekst: str) -> tuple[str, float]:
        """text -> (intent, share of the winning intent in the total keyword weight)."""
        scores: Counter[str] = Counter()
        for woord in sorted(woorden(tekst)):  # sorted: the same sums on every run
            scores.update(gewichten.get(woord, {}))
        if not scores:
            return FALLBACK, 0.0
        intent, score = max(scores.items(), key=lambda paar: (paar[1], paar[0]))
        return intent, score / sum(scores.values())

    return parse
