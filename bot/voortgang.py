"""/voortgang in Telegram: the practice scores from Rasa's custom payload, drawn as a chart.

The action (actions/oefen_acties.py, ActionVoortgang) sends the text and the data; the
terminal shows the text, Telegram also gets this picture. A payload that cannot be drawn
costs only the picture, never the text or the conversation.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

SLEUTEL = "voortgang"  # the custom payload's key
MAX_REEKSEN = 12
MAX_PUNTEN = 200
MAX_LABEL = 40


@dataclass(frozen=True)
class Lijn:
    titel: str
    eerder: float | None  # the average of the summarised older sessions
    scores: list[float | None]


@dataclass(frozen=True)
class Grafiek:
    titel: str
    eerder_label: str
    lijnen: list[Lijn]


def _score(waarde: Any) -> float | None:
    if isinstance(waarde, bool) or not isinstance(waarde, int | float):
        return None
    return float(waarde) if math.isfinite(waarde) and 0 <= waarde <= 10 else None


def _label(waarde: Any, standaard: str, lengte: int = MAX_LABEL) -> str:
    return str(waarde)[:lengte] if isinstance(waarde, str) and waarde.strip() else standaard


def lees_grafiek(extra: Mapping[str, Any] | None) -> Grafiek | None:
    """The chart in a custom payload, or None when there is none (or it is unusable)."""
    data = extra.get(SLEUTEL) if isinstance(extra, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(data.get("reeksen"), Sequence):
        return None
    lijnen = []
    for reeks in list(data["reeksen"])[:MAX_REEKSEN]:
        if not isinstance(reeks, Mapping) or not isinstance(reeks.get("scores"), Sequence):
            continue
        eerder = reeks.get("eerder")
        lijnen.append(
            Lijn(
                _label(reeks.get("titel"), "?"),
                _score(eerder.get("gemiddeld")) if isinstance(eerder, Mapping) else None,
                [_score(s) for s in list(reeks["scores"])[:MAX_PUNTEN]],
            )
        )
    if not any(
        lijn.eerder is not None or any(s is not None for s in lijn.scores) for lijn in lijnen
    ):
        return None
    return Grafiek(
        _label(data.get("titel"), "", 2 * MAX_LABEL),
        _label(data.get("eerder_label"), "eerder"),
        lijnen,
    )


def teken(grafiek: Grafiek) -> bytes:
    """A small PNG: one line per phase over the sessions; the summary of older ones at 0."""
    # Imported here: only a bot that draws a chart pays matplotlib's import time.
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib.figure import Figure

    figuur = Figure(figsize=(6.4, 3.6), dpi=100)
    as_ = figuur.subplots()
    met_eerder = any(lijn.eerder is not None for lijn in grafiek.lijnen)
    for lijn in grafiek.lijnen:
        x = [i + 1 for i, s in enumerate(lijn.scores) if s is not None]
        y = [s for s in lijn.scores if s is not None]
        if lijn.eerder is not None:
            x, y = [0, *x], [lijn.eerder, *y]
        if x:
            as_.plot(x, y, marker="o", linewidth=1.5, markersize=4, label=lijn.titel)
    lengte = max((len(lijn.scores) for lijn in grafiek.lijnen), default=0)
    ticks = list(range(0 if met_eerder else 1, lengte + 1))
    stap = max(1, len(ticks) // 10)
    as_.set_xticks(ticks[::stap])
    as_.set_xticklabels([grafiek.eerder_label if t == 0 else str(t) for t in ticks[::stap]])
    as_.set_ylim(0, 10.3)
    as_.set_ylabel("score /10")
    as_.set_title(grafiek.titel, fontsize=11)
    as_.grid(alpha=0.3)
    as_.legend(fontsize=7, loc="lower right", ncols=2)
    figuur.tight_layout()
    buffer = io.BytesIO()
    figuur.savefig(buffer, format="png")
    return buffer.getvalue()


async def stuur_grafiek(bot: Bot, chat_id: int, extra: Mapping[str, Any] | None) -> bool:
    """Send the chart of a custom payload as a photo; False when there was none to send."""
    grafiek = lees_grafiek(extra)
    if grafiek is None:
        return False
    try:
        png = await asyncio.to_thread(teken, grafiek)  # drawing must not block other chats
    except Exception:  # a chart is a nicety: the text has been sent already
        logger.exception("Voortganggrafiek niet getekend")
        return False
    try:
        await bot.send_photo(chat_id, png, caption=grafiek.titel or None)
    except TelegramError as exc:
        logger.warning("Voortganggrafiek niet verstuurd: %s", exc)
        return False
    return True
