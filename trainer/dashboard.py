"""The shop's numbers per day or week, and one sale as a timeline, read from the tracker store.

Messages are the seller's `user` events (typed or a button); the phase mix
counts the `fase` slot as Rasa set it; practice scores come from the
`oefen_historie` slot (one new entry per finished session, actions/scorekaart.py).
Charts are SVG from matplotlib's Agg backend (no display, thread-safe Figure).
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from matplotlib import rc_context
from matplotlib.figure import Figure

from tools.domein import fase_per_intent
from trainer.opslag import Event, Opslag

Per = Literal["dag", "week"]
FALLBACK = "nlu_fallback"
BEDOEL_JE = "action_bedoel_je"
NIEUWE_KLANT = "action_nieuwe_klant"
TOP = 10
GRAFIEKEN = ("berichten", "fasemix", "situaties", "twijfel", "oefenen")


@dataclass
class Periode:
    begin: date
    berichten: int = 0
    verkopers: int = 0
    fallback: float = 0.0  # share of the messages that became nlu_fallback
    bedoel_je: float = 0.0  # share of the messages answered with "Bedoel je ...?"
    oefensessies: int = 0
    fasen: dict[str, int] = field(default_factory=dict)


@dataclass
class Dashboard:
    van: date
    tot: date
    per: Per
    perioden: list[Periode]
    fasemix: dict[str, int]
    top_situaties: list[tuple[str, int]]
    top_per_fase: dict[str, list[tuple[str, int]]]
    scores: dict[str, tuple[int, float]]  # seller -> (practice sessions, average score)

    @property
    def berichten(self) -> int:
        return sum(p.berichten for p in self.perioden)


@dataclass
class Stap:
    tijd: datetime
    fase: str | None
    tekst: str
    intent: str | None
    advies: list[str] = field(default_factory=list)


@dataclass
class Verkoop:
    sender_id: str
    sessie: int
    begin: datetime
    berichten: int


def _begin(dag: date, per: Per) -> date:
    return dag - timedelta(days=dag.weekday()) if per == "week" else dag


def _grenzen(van: date, tot: date) -> tuple[float, float]:
    """Local midnight of `van` up to the end of `tot` (both days count)."""
    begin = datetime.combine(van, datetime.min.time()).timestamp()
    return begin, datetime.combine(tot + timedelta(days=1), datetime.min.time()).timestamp()


def _perioden(van: date, tot: date, per: Per) -> dict[date, Periode]:
    uit: dict[date, Periode] = {}
    dag = van
    while dag <= tot:
        uit.setdefault(_begin(dag, per), Periode(_begin(dag, per)))
        dag += timedelta(days=1)
    return uit


def _nieuwe_sessies(events: list[Event]) -> list[tuple[Event, float]]:
    """(event, score) for every practice session that ended: the list slot grew by one."""
    uit: list[tuple[Event, float]] = []
    vorige_afzender, gezien = None, 0
    for e in events:
        if e.sender_id != vorige_afzender:
            vorige_afzender, gezien = e.sender_id, 0
        lijst = e.data.get("value")
        if not isinstance(lijst, list):
            continue
        for sessie in lijst[gezien:]:
            if isinstance(sessie, dict) and isinstance(sessie.get("score"), int | float):
                uit.append((e, float(sessie["score"])))
        gezien = len(lijst)
    return uit


def cijfers(opslag: Opslag, *, van: date, tot: date, per: Per = "dag") -> Dashboard:
    """The dashboard's numbers from `van` to `tot` (inclusive), per day or per ISO week."""
    begin, eind = _grenzen(van, tot)
    perioden = _perioden(van, tot, per)
    verkopers: dict[date, set[str]] = defaultdict(set)
    fallback: Counter[date] = Counter()
    situaties: Counter[str] = Counter()
    fasen = fase_per_intent()

    def periode(e: Event) -> Periode:
        return perioden[_begin(datetime.fromtimestamp(e.timestamp).date(), per)]

    tellen = opslag.events(
        ["user", "action"], van=begin, tot=eind, namen=[BEDOEL_JE], met_data=False
    )
    for e in tellen:
        p = periode(e)
        if e.type_name == "action":
            p.bedoel_je += 1
            continue
        p.berichten += 1
        verkopers[p.begin].add(e.sender_id)
        if e.intent_name == FALLBACK:
            fallback[p.begin] += 1
        elif e.intent_name in fasen:
            situaties[e.intent_name] += 1
    fasemix: Counter[str] = Counter()
    for e in opslag.events(["slot"], van=begin, tot=eind, namen=["fase"]):
        waarde = e.data.get("value")
        if isinstance(waarde, str):
            fasemix[waarde] += 1
            p = periode(e)
            p.fasen[waarde] = p.fasen.get(waarde, 0) + 1
    # Sessions before `van` are read too: only a growing list marks a new session.
    scores: dict[str, list[float]] = defaultdict(list)
    historie = opslag.events(["slot"], tot=eind, namen=["oefen_historie"])
    for e, score in _nieuwe_sessies(historie):
        if e.timestamp >= begin:
            periode(e).oefensessies += 1
            scores[e.sender_id].append(score)
    for p in perioden.values():
        p.verkopers = len(verkopers[p.begin])
        p.bedoel_je = p.bedoel_je / p.berichten if p.berichten else 0.0
        p.fallback = fallback[p.begin] / p.berichten if p.berichten else 0.0
    per_fase: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for intent, n in situaties.most_common():
        if len(per_fase[fasen[intent]]) < TOP:
            per_fase[fasen[intent]].append((intent, n))
    return Dashboard(
        van=van,
        tot=tot,
        per=per,
        perioden=list(perioden.values()),
        fasemix=dict(fasemix.most_common()),
        top_situaties=situaties.most_common(TOP),
        top_per_fase=dict(per_fase),
        scores={v: (len(s), round(sum(s) / len(s), 2)) for v, s in sorted(scores.items())},
    )


def _verkopen_van(events: list[Event]) -> list[list[Event]]:
    """One seller's events split into sales.

    A new session starts a sale, and so does "nieuwe klant" (action_nieuwe_klant): the
    message that asked for it is the first step of the new sale, with the coach's answer.
    """
    verkopen: list[list[Event]] = [[]]
    for e in events:
        if e.type_name == "session_started":
            verkopen.append([])
        elif e.type_name == "action" and e.action_name == NIEUWE_KLANT:
            huidig = verkopen[-1]
            vraag = max((i for i, x in enumerate(huidig) if x.type_name == "user"), default=None)
            verkopen[-1:] = [huidig, []] if vraag is None else [huidig[:vraag], huidig[vraag:]]
        verkopen[-1].append(e)
    return [v for v in verkopen if any(e.type_name == "user" for e in v)]


def verkopen(opslag: Opslag, *, van: date, tot: date, limiet: int = 50) -> list[Verkoop]:
    """The latest sales with a message in the period, newest first (links to the timeline)."""
    begin, eind = _grenzen(van, tot)
    soorten = ["user", "action", "session_started"]
    events = opslag.events(soorten, tot=eind, namen=[NIEUWE_KLANT], met_data=False)
    per_verkoper: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        per_verkoper[e.sender_id].append(e)
    uit = []
    for sender_id, lijst in per_verkoper.items():
        for i, verkoop in enumerate(_verkopen_van(lijst)):
            berichten = [e for e in verkoop if e.type_name == "user"]
            if berichten[-1].timestamp >= begin:
                eerste = datetime.fromtimestamp(berichten[0].timestamp)
                uit.append(Verkoop(sender_id, i, eerste, len(berichten)))
    return sorted(uit, key=lambda v: v.begin, reverse=True)[:limiet]


def verkoop(opslag: Opslag, sender_id: str, sessie: int | None = None) -> list[Stap]:
    """One sale as steps: phase, what the seller typed, the coach's answers. [] if unknown."""
    soorten = ["user", "bot", "slot", "action", "session_started"]
    events = [
        e
        for e in opslag.events(soorten, sender_id=sender_id)
        if e.type_name != "slot" or e.action_name == "fase"
    ]
    alle = _verkopen_van(events)
    if not alle or (sessie is not None and not -len(alle) <= sessie < len(alle)):
        return []
    stappen: list[Stap] = []
    fase = None
    for e in alle[-1 if sessie is None else sessie]:
        data = e.data if e.type_name != "action" else {}
        if e.type_name == "user":
            tekst = str(data.get("text") or "")
            stap = Stap(datetime.fromtimestamp(e.timestamp), fase, tekst, e.intent_name)
            stappen.append(stap)
        elif e.type_name == "slot" and stappen:
            fase = data.get("value") if isinstance(data.get("value"), str) else None
            stappen[-1].fase = fase
        elif e.type_name == "bot" and stappen and data.get("text"):
            stappen[-1].advies.append(str(data["text"]))
    return stappen


def _figuur() -> tuple[Figure, Any]:
    # Fixed margins: a layout engine measures every text again and doubles the time per chart.
    figuur = Figure(figsize=(7, 3.2), dpi=100)
    figuur.subplots_adjust(left=0.1, right=0.9, bottom=0.22, top=0.9)
    return figuur, figuur.add_subplot()


def _labels(dashboard: Dashboard) -> list[str]:
    vorm = "%d-%m" if dashboard.per == "dag" else "wk %V"
    return [p.begin.strftime(vorm) for p in dashboard.perioden]


def grafiek_svg(dashboard: Dashboard, soort: str) -> str:
    """One chart of the dashboard as an SVG document; `soort` is one of GRAFIEKEN."""
    if soort not in GRAFIEKEN:
        raise ValueError(f"onbekende grafiek '{soort}'; kies uit {', '.join(GRAFIEKEN)}")
    figuur, as_ = _figuur()
    x = _labels(dashboard)
    if soort == "berichten":
        as_.bar(x, [p.berichten for p in dashboard.perioden], label="berichten")
        tweede = as_.twinx()
        tweede.plot(x, [p.verkopers for p in dashboard.perioden], "o-", color="C1")
        tweede.set_ylabel("actieve verkopers")
        as_.set_ylabel("berichten")
    elif soort == "fasemix":
        fasen = list(dashboard.fasemix)
        rijen = [[p.fasen.get(f, 0) for p in dashboard.perioden] for f in fasen]
        if fasen:  # one filled area per phase: cheaper than a bar per phase per period
            as_.stackplot(range(len(x)), rijen, labels=fasen)
            as_.legend(fontsize=7, ncols=2, loc="upper left")
        as_.set_xticks(range(len(x)), x)
        as_.set_ylabel("keer in de fase")
    elif soort == "situaties":
        namen = [n for n, _ in reversed(dashboard.top_situaties)]
        as_.barh(namen, [a for _, a in reversed(dashboard.top_situaties)])
        as_.set_xlabel("berichten")
    elif soort == "twijfel":
        as_.plot(x, [100 * p.fallback for p in dashboard.perioden], "o-", label="fallback")
        as_.plot(x, [100 * p.bedoel_je for p in dashboard.perioden], "s-", label="Bedoel je …?")
        as_.set_ylabel("% van de berichten")
        as_.legend(fontsize=8)
    else:
        namen = list(dashboard.scores)
        as_.bar(namen, [dashboard.scores[n][1] for n in namen])
        as_.set_ylim(0, 10)
        as_.set_ylabel("gemiddelde score")
        as_.set_title(f"{sum(p.oefensessies for p in dashboard.perioden)} oefensessies")
    as_.tick_params(axis="x", labelrotation=45, labelsize=7)
    uit = io.StringIO()
    # Text stays text (searchable, smaller); matplotlib escapes it for XML.
    with rc_context({"svg.fonttype": "none"}):
        figuur.savefig(uit, format="svg", metadata={"Date": None})
    return uit.getvalue()
