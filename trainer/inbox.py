"""The NLU inbox: seller messages the coach was unsure about, grouped, newest first.

A message is "unsure" when its parse was `nlu_fallback` or below ONZEKER, when the
coach answered it with "Bedoel je ...?" (action_bedoel_je), or when the seller
then chose a situation with a button (slot `gelabeld`, actions/gelabeld.py)
other than the coach's top guess. Texts already in the training data, and texts
a trainer chose to ignore, have left the inbox.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from trainer.labelen import DATA, bekende_voorbeelden, genegeerd
from trainer.opslag import Event, Opslag

ONZEKER = 0.6  # below this confidence the message counts as unsure
GELIJK = 0.8  # token Jaccard from which two texts are one item
MAX_VOORBEELDEN = 5
FALLBACK = "nlu_fallback"
BEDOEL_JE = "action_bedoel_je"

REDEN_FALLBACK = "coach wist het niet (fallback)"
REDEN_BEDOEL_JE = 'coach vroeg "Bedoel je ...?"'
REDEN_LAAG = "lage zekerheid"
REDEN_ANDERS = "verkoper koos een andere situatie"


@dataclass
class InboxItem:
    tekst: str
    aantal: int
    laatst: datetime
    top3: list[tuple[str, float]]
    keuze: str | None
    reden: str
    voorbeelden: list[str] = field(default_factory=list)


@dataclass
class _Bericht:
    tekst: str
    tijd: float
    parse: dict
    redenen: set[str]
    keuze: str | None = None

    @property
    def top3(self) -> list[tuple[str, float]]:
        return _top3(self.parse)


_NIET_WOORD = re.compile(r"[^\w]+")


def normaliseer(tekst: str) -> str:
    """Lower case, no accents, punctuation as spaces: 'Té duur!' and 'te duur' are one text."""
    zonder = tekst.lower()
    if not zonder.isascii():  # most messages: skip the per-character accent pass
        zonder = unicodedata.normalize("NFKD", zonder)
        zonder = "".join(t for t in zonder if not unicodedata.combining(t))
    return " ".join(_NIET_WOORD.sub(" ", zonder).split())


def intent_van(parse: dict) -> str | None:
    """The coach's best guess: the top intent, or under a fallback the first real one."""
    top = _top3(parse)
    return top[0][0] if top else None


def _top3(parse: dict) -> list[tuple[str, float]]:
    rangschikking = parse.get("intent_ranking") or [parse.get("intent") or {}]
    uit = []
    for r in rangschikking:
        if isinstance(r, dict) and r.get("name") and r["name"] != FALLBACK:
            uit.append((str(r["name"]), round(float(r.get("confidence") or 0.0), 3)))
    return uit[:3]


def _onzekere_berichten(events: list[Event]) -> list[_Bericht]:
    """Walk each seller's events in order and mark the unsure messages."""
    uit: list[_Bericht] = []
    vorige_afzender = None
    laatste: _Bericht | None = None
    per_tekst: dict[str, _Bericht] = {}  # latest message per text, for the seller's choice
    gelabeld_gezien = 0
    for e in events:
        if e.sender_id != vorige_afzender:
            vorige_afzender, laatste, per_tekst, gelabeld_gezien = e.sender_id, None, {}, 0
        if e.type_name == "user":
            data = e.data
            tekst = str(data.get("text") or "").strip()
            if not tekst or tekst.startswith("/"):
                laatste = None  # a button payload, not something the seller typed
                continue
            parse = data.get("parse_data") or {}
            intent = parse.get("intent") or {}
            redenen = set()
            if intent.get("name") == FALLBACK or e.intent_name == FALLBACK:
                redenen.add(REDEN_FALLBACK)
            elif float(intent.get("confidence") or 0.0) < ONZEKER:
                redenen.add(REDEN_LAAG)
            laatste = _Bericht(tekst, e.timestamp or 0.0, parse, redenen)
            per_tekst[tekst] = laatste
            uit.append(laatste)
        elif e.type_name == "action" and e.action_name == BEDOEL_JE and laatste is not None:
            laatste.redenen.add(REDEN_BEDOEL_JE)
        elif e.type_name == "slot" and e.action_name == "gelabeld":
            lijst = e.data.get("value") or []
            nieuw = lijst[gelabeld_gezien:] if isinstance(lijst, list) else []
            gelabeld_gezien = len(lijst) if isinstance(lijst, list) else 0
            for paar in nieuw:
                if not isinstance(paar, dict):
                    continue
                bericht = per_tekst.get(str(paar.get("tekst") or "").strip())
                if bericht is not None and paar.get("intent"):
                    bericht.keuze = str(paar["intent"])
                    if bericht.keuze != intent_van(bericht.parse):
                        bericht.redenen.add(REDEN_ANDERS)
    return [b for b in uit if b.redenen]


class _Groepen:
    """Greedy clustering by token Jaccard >= GELIJK; prefix filtering keeps it near-linear.

    Two sets with Jaccard >= t share a token among the first |x| - ceil(t|x|) + 1 of each,
    in one global order; rare tokens first keeps the candidate lists short.
    """

    def __init__(self, sleutels: list[str], limiet: int) -> None:
        self.limiet = limiet
        self.leden: list[list[str]] = []
        self._tokens: list[frozenset[str]] = []
        self._index: dict[str, list[int]] = defaultdict(list)
        self._hoe_vaak = Counter(t for s in sleutels for t in set(s.split()))

    def _prefix(self, tokens: frozenset[str]) -> list[str]:
        lengte = len(tokens) - math.ceil(GELIJK * len(tokens)) + 1
        return sorted(tokens, key=lambda t: (self._hoe_vaak[t], t))[: max(lengte, 1)]

    def voeg_toe(self, sleutel: str) -> None:
        tokens = frozenset(sleutel.split())
        prefix = self._prefix(tokens)
        kandidaten = {i for t in prefix for i in self._index.get(t, ())}
        for i in sorted(kandidaten) if len(kandidaten) > 1 else kandidaten:
            ander = self._tokens[i]
            if len(tokens & ander) / len(tokens | ander) >= GELIJK:
                self.leden[i].append(sleutel)
                return
        if len(self.leden) >= self.limiet:
            return  # an older text of a group past the limit: it would not be shown
        self.leden.append([sleutel])
        self._tokens.append(tokens)
        for t in prefix:
            self._index[t].append(len(self._tokens) - 1)


def groepeer(sleutels: list[str], limiet: int | None = None) -> list[list[str]]:
    """Normalised texts (newest first) in groups of near-duplicates, in order of first member.

    With `limiet` only the first `limiet` groups are made: a text joins the first group
    it matches, so the groups before the limit are the same as without it.
    """
    groepen = _Groepen(sleutels, len(sleutels) if limiet is None else limiet)
    for sleutel in sleutels:
        groepen.voeg_toe(sleutel)
    return groepen.leden


def _item(groep: list[_Bericht]) -> InboxItem:
    berichten = sorted(groep, key=lambda b: -b.tijd)
    nieuwste = berichten[0]
    keuze = next((b.keuze for b in berichten if b.keuze), None)
    redenen = {r for b in berichten for r in b.redenen}
    volgorde = [REDEN_ANDERS, REDEN_FALLBACK, REDEN_BEDOEL_JE, REDEN_LAAG]
    voorbeelden = list(dict.fromkeys(b.tekst for b in berichten))[:MAX_VOORBEELDEN]
    return InboxItem(
        tekst=nieuwste.tekst,
        aantal=len(berichten),
        laatst=datetime.fromtimestamp(nieuwste.tijd, tz=UTC),
        top3=nieuwste.top3,
        keuze=keuze,
        reden=", ".join(r for r in volgorde if r in redenen),
        voorbeelden=voorbeelden,
    )


def _kandidaten(opslag: Opslag) -> list[Event]:
    """The events that can make a message unsure, chosen without parsing any JSON.

    A message is a candidate when the database says fallback or low confidence (or cannot
    say), or when "Bedoel je" followed it; only candidates and the `gelabeld` slot events
    are read in full (a quarter of the rows); a "Bedoel je" action needs no JSON at all.
    """
    ids: set[int] = set()
    acties: list[Event] = []
    vorige_afzender, laatste = None, None
    for id_, afzender, soort, intent, actie, zekerheid in opslag.overzicht(
        ["user", "action", "slot"], [BEDOEL_JE, "gelabeld"]
    ):
        if afzender != vorige_afzender:
            vorige_afzender, laatste = afzender, None
        if soort == "user":
            laatste = id_
            if intent == FALLBACK or zekerheid is None or float(zekerheid) < ONZEKER:
                ids.add(id_)
        elif soort == "slot":
            ids.add(id_)
        elif actie == BEDOEL_JE and laatste is not None:
            ids.add(laatste)
            acties.append(Event(id_, afzender, soort, 0.0, intent, actie, None))
    gelezen = opslag.per_id(sorted(ids))
    return sorted([*gelezen, *acties], key=lambda e: (e.sender_id, e.id))


def _genormaliseerd(berichten: list[_Bericht]) -> list[tuple[str, _Bericht]]:
    return [(normaliseer(b.tekst), b) for b in berichten]


def items(opslag: Opslag, *, limiet: int = 50, data: Path = DATA) -> list[InboxItem]:
    """The inbox: at most `limiet` groups of similar unsure messages, newest first."""
    alle = opslag.onthoud(
        "inbox", lambda: _genormaliseerd(_onzekere_berichten(_kandidaten(opslag)))
    )
    weg = set(bekende_voorbeelden(data)) | {normaliseer(t) for t in genegeerd(data)}
    per_sleutel: dict[str, list[_Bericht]] = defaultdict(list)
    for sleutel, bericht in alle:
        if sleutel and sleutel not in weg:
            per_sleutel[sleutel].append(bericht)
    nieuwste_eerst = sorted(per_sleutel, key=lambda s: -max(b.tijd for b in per_sleutel[s]))
    groepen = groepeer(nieuwste_eerst, limiet)
    return [_item([b for s in groep for b in per_sleutel[s]]) for groep in groepen]
