"""Data-quality warnings for trainers: duplicates, near-duplicates, thin intents, advice gaps."""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from pathlib import Path

from actions.adviesboek import laad_adviesboek
from tools.domein import ROOT, domein_intents, fase_per_intent, nlu_voorbeelden

MIN_VOORBEELDEN = 25
BIJNA_GELIJK = 0.92  # difflib ratio above which two examples teach nothing new


def _norm(tekst: str) -> str:
    return re.sub(r"[^\w ]", "", tekst.lower()).strip()


def waarschuwingen(data: Path = ROOT / "data") -> list[str]:
    voorbeelden = nlu_voorbeelden(data)
    uit: list[str] = []

    per_tekst: dict[str, set[str]] = defaultdict(set)
    for tekst, intent, _ in voorbeelden:
        per_tekst[_norm(tekst)].add(intent)
    for tekst, intents in sorted(per_tekst.items()):
        if len(intents) > 1:
            uit.append(f"zelfde voorbeeld onder {', '.join(sorted(intents))}: '{tekst}'")

    per_intent: dict[str, list[str]] = defaultdict(list)
    for tekst, intent, _ in voorbeelden:
        per_intent[intent].append(_norm(tekst))
    unieke = sorted({(t, i) for i, ts in per_intent.items() for t in ts})
    for a, (tekst_a, intent_a) in enumerate(unieke):
        for tekst_b, intent_b in unieke[a + 1 :]:
            if tekst_a == tekst_b or abs(len(tekst_a) - len(tekst_b)) > 6:
                continue
            if difflib.SequenceMatcher(None, tekst_a, tekst_b).ratio() >= BIJNA_GELIJK:
                waar = intent_a if intent_a == intent_b else f"{intent_a} / {intent_b}"
                uit.append(f"bijna hetzelfde ({waar}): '{tekst_a}' ~ '{tekst_b}'")

    aantallen = Counter(i for _, i, _ in voorbeelden)
    for intent in domein_intents():
        if aantallen[intent] < MIN_VOORBEELDEN:
            uit.append(f"{intent}: {aantallen[intent]} voorbeelden (minimaal {MIN_VOORBEELDEN})")

    boek = laad_adviesboek()
    fasen = fase_per_intent()
    uit += [f"{i}: fase-intent zonder advies" for i in fasen if i not in boek.adviezen]
    uit += [
        f"{i}: advies zonder fase-intent in domain.yml" for i in boek.adviezen if i not in fasen
    ]
    return uit
