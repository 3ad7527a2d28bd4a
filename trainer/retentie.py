"""Retention: conversations older than N days leave the tracker store (TRAINER_BEWAARDAGEN).

This is the trainer's only write to the store. It deletes whole events by
timestamp, so a long-running conversation loses its old messages but keeps
its recent ones (and the slots set recently).
"""

from __future__ import annotations

import time

from trainer.opslag import EVENTS, Opslag

STANDAARD_DAGEN = 90


def ruim_op(opslag: Opslag, dagen: int = STANDAARD_DAGEN, *, nu: float | None = None) -> int:
    """Delete events older than `dagen` days; returns how many were deleted."""
    if dagen < 1:
        raise ValueError(f"bewaartermijn moet minstens 1 dag zijn, niet {dagen}")
    grens = (time.time() if nu is None else nu) - dagen * 86400
    with opslag.schrijver() as verbinding:
        return verbinding.execute(EVENTS.delete().where(EVENTS.c.timestamp < grens)).rowcount
