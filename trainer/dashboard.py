"""The shop's numbers per day or week, and one sale as a timeline, read from the tracker store.

Messages are the seller's `user` events (typed or a button); the phase mix
counts the `fase` slot as Rasa set it; practice scores come from the
`oefen_historie` slot (one new entry per finished session, actions/scorekaart.py).
Charts are SVG from matplotlib's Agg backend (no display, thread-safe Figure).
"""

from __future__ import annotations

import bisect
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tools.domein import DOMAIN, fase_per_intent
from trainer.opslag import Event, Opslag

Per = Literal["dag", "week"]
FALLBACK = "nlu_fallback"
BEDOEL_JE = "action_bedoel_je"
NIEUWE_KLANT = "action_nieuwe_klant"
TOP = 10
GRAFIEKEN = ("berichten", "fasemix", "situaties", "twijfel", "oefenen")
MAX_LABELS = 10  # dates on a time axis
MAX_VERKOPERS = 20  # bars in the practice chart: the sellers who practised most


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
    """The dashboard's numbers from `van` to `tot` (inclusive), per day or per ISO week.

    The database counts per period (local midnights as boundaries, so a day with a
    clock change is still one day); only practice sessions are read event by event.
    Kept until the store or domain.yml changes (Opslag.onthoud).
    """
    sleutel = ("cijfers", van, tot, per, _fasen_sleutel())
    return opslag.onthoud(sleutel, lambda: _cijfers(opslag, van, tot, per))


def grafieken(opslag: Opslag, *, van: date, tot: date, per: Per = "dag") -> dict[str, str]:
    """Every chart of GRAFIEKEN as SVG; drawn again only when the store changed."""
    sleutel = ("grafieken", van, tot, per, _fasen_sleutel())
    return opslag.onthoud(
        sleutel,
        lambda: {s: grafiek_svg(cijfers(opslag, van=van, tot=tot, per=per), s) for s in GRAFIEKEN},
    )


def _fasen_sleutel() -> tuple[tuple[str, str], ...]:
    """intent -> fase as a key: the numbers change when domain.yml moves a situation."""
    return tuple(sorted(fase_per_intent(DOMAIN).items()))


def _cijfers(opslag: Opslag, van: date, tot: date, per: Per) -> Dashboard:
    perioden = list(_perioden(van, tot, per).values())
    grenzen = [_grenzen(p.begin, p.begin)[0] for p in perioden]
    grenzen.append(_grenzen(van, tot)[1])
    grenzen[0] = max(grenzen[0], _grenzen(van, tot)[0])  # a week can start before `van`
    fasen = fase_per_intent(DOMAIN)  # read again only when domain.yml changed
    situaties: Counter[str] = Counter()
    for i, intent, n in opslag.tel(grenzen, "user", "intent_name"):
        perioden[i].berichten += n
        if intent == FALLBACK:
            perioden[i].fallback += n
        elif intent in fasen:
            situaties[intent] += n
    for i, _verkoper, _n in opslag.tel(grenzen, "user", "sender_id"):
        perioden[i].verkopers += 1
    for i, _, n in opslag.tel(grenzen, "action", "action_name", namen=[BEDOEL_JE]):
        perioden[i].bedoel_je += n
    fasemix: Counter[str] = Counter()
    for i, fase, n in opslag.tel(grenzen, "slot", "waarde", namen=["fase"]):
        if fase:
            fasemix[fase] += n
            perioden[i].fasen[fase] = perioden[i].fasen.get(fase, 0) + n
    # Sessions before `van` are read too: only a growing list marks a new session.
    scores: dict[str, list[float]] = defaultdict(list)
    historie = opslag.events(["slot"], tot=grenzen[-1], namen=["oefen_historie"])
    for e, score in _nieuwe_sessies(historie):
        if e.timestamp >= grenzen[0]:
            i = bisect.bisect_right(grenzen, e.timestamp) - 1
            perioden[i].oefensessies += 1
            scores[e.sender_id].append(score)
    for p in perioden:
        p.bedoel_je = p.bedoel_je / p.berichten if p.berichten else 0.0
        p.fallback = p.fallback / p.berichten if p.berichten else 0.0
    per_fase: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for intent, n in situaties.most_common():
        if len(per_fase[fasen[intent]]) < TOP:
            per_fase[fasen[intent]].append((intent, n))
    return Dashboard(
        van=van,
        tot=tot,
        per=per,
        perioden=perioden,
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
    return opslag.onthoud(
        ("verkopen", van, tot, limiet), lambda: _verkopen(opslag, van, tot, limiet)
    )


def _verkopen(opslag: Opslag, van: date, tot: date, limiet: int) -> list[Verkoop]:
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


def _tijdas(as_: Any, dashboard: Dashboard) -> range:
    """Positions for the periods; at most MAX_LABELS dates on the axis (every tick costs time)."""
    vorm = "%d-%m" if dashboard.per == "dag" else "wk %V"
    labels = [p.begin.strftime(vorm) for p in dashboard.perioden]
    stap = max(1, math.ceil(len(labels) / MAX_LABELS))
    as_.set_xticks(range(0, len(labels), stap), labels[::stap])
    return range(len(labels))


def grafiek_svg(dashboard: Dashboard, soort: str) -> str:
    """One chart of the dashboard as an SVG document; `soort` is one of GRAFIEKEN."""
    if soort not in GRAFIEKEN:
        raise ValueError(f"onbekende grafiek '{soort}'; kies uit {', '.join(GRAFIEKEN)}")
    figuur, as_ = _figuur()
    perioden = dashboard.perioden
    if soort == "berichten":
        x = _tijdas(as_, dashboard)
        as_.bar(x, [p.berichten for p in perioden])
        tweede = as_.twinx()
        tweede.plot(x, [p.verkopers for p in perioden], color="C1")
        tweede.set_ylabel("actieve verkopers (lijn)")
        as_.set_ylabel("berichten (staaf)")
    elif soort == "fasemix":
        x = _tijdas(as_, dashboard)
        fasen = list(dashboard.fasemix)
        if fasen:  # one filled area per phase: cheaper than a bar per phase per period
            as_.stackplot(x, [[p.fasen.get(f, 0) for p in perioden] for f in fasen], labels=fasen)
            as_.legend(fontsize=7, ncols=2, loc="upper left")
        as_.set_ylabel("keer in de fase")
    elif soort == "situaties":
        namen = [n for n, _ in reversed(dashboard.top_situaties)]
        as_.barh(namen, [a for _, a in reversed(dashboard.top_situaties)])
        as_.set_xlabel("berichten")
    elif soort == "twijfel":
        x = _tijdas(as_, dashboard)
        as_.plot(x, [100 * p.fallback for p in perioden], label="fallback")
        as_.plot(x, [100 * p.bedoel_je for p in perioden], label="Bedoel je …?")
        as_.set_ylabel("% van de berichten")
        as_.legend(fontsize=8)
    else:
        meest = sorted(dashboard.scores, key=lambda n: -dashboard.scores[n][0])[:MAX_VERKOPERS]
        as_.bar(meest, [dashboard.scores[n][1] for n in meest])
        as_.set_ylim(0, 10)
        as_.set_ylabel("gemiddelde score")
        sessies = sum(p.oefensessies for p in perioden)
        deel = (
            f", {len(meest)} van {len(dashboard.scores)} verkopers"
            if len(meest) < len(dashboard.scores)
            else ""
        )
        as_.set_title(f"{sessies} oefensessies{deel}", fontsize=9)
    as_.tick_params(axis="x", labelrotation=45, labelsize=7)
    for as_w in figuur.axes:  # four numbers on a value axis are enough; every tick costs time
        waarde_as = as_w.xaxis if soort == "situaties" else as_w.yaxis
        waarde_as.set_major_locator(MaxNLocator(nbins=4))
    uit = io.StringIO()
    # Text stays text (searchable, smaller); matplotlib escapes it for XML.
    with rc_context({"svg.fonttype": "none"}):
        figuur.savefig(uit, format="svg", metadata={"Date": None})
    return uit.getvalue()
