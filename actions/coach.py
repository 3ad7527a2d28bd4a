"""Picks and formats advice. Generic: all content comes from the Adviesboek."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from actions.adviesboek import Advies, Adviesboek, Productsoort, Variant

MAX_LENGTE = 600  # characters per message: readable at a glance on a phone


@dataclass(frozen=True)
class Coachantwoord:
    tekst: str
    knoppen: list[dict[str, str]]
    fases_gehad: list[str]
    teller: dict[str, int]


def productsoort(boek: Adviesboek, product: str | None) -> Productsoort | None:
    """Map a product mention to a known kind: "hardloopschoenen" -> schoenen.

    A Dutch compound ends in its head noun, so a word matches the end of a
    mentioned word ("hardloop|schoenen"), not any part of it ("broodrooster"
    is no bread).
    """
    if not product:
        return None
    woorden = product.lower().split()
    beste: tuple[int, Productsoort] | None = None
    for soort in boek.producten.values():
        for woord in soort.woorden:
            if any(w.endswith(woord) for w in woorden) and (beste is None or len(woord) > beste[0]):
                beste = (len(woord), soort)
    return beste[1] if beste else None


def verloop_na(
    boek: Adviesboek, fases_gehad: Sequence[str], fase: str
) -> tuple[list[str], list[str]]:
    """The sale's phases before and after this message.

    A phase that opens a sale (contact, voorbereiding) after the sale got going
    means a new customer: tracking starts afresh.
    """
    voor = list(fases_gehad)
    opent = boek.fasen[fase].opent_verkoop
    if opent and any(not boek.fasen[f].opent_verkoop for f in voor if f in boek.fasen):
        voor = []
    na = voor if fase in voor else [*voor, fase]
    return voor, na


def waarschuwing(boek: Adviesboek, fase: str, voor: Sequence[str]) -> str | None:
    """The seed-001 warning when this phase skips one it needs (e.g. behoefte)."""
    info = boek.fasen[fase]
    if any(nodig not in voor for nodig in info.vereist):
        return info.waarschuwing
    return None


def knoppen(boek: Adviesboek, intents: Sequence[str]) -> list[dict[str, str]]:
    return [{"title": boek.adviezen[i].situatie, "payload": f"/{i}"} for i in intents]


def formatteer(
    boek: Adviesboek,
    advies: Advies,
    variant: Variant,
    soort: Productsoort | None = None,
    let_op: str | None = None,
) -> str:
    """Header, tip first, then what to say, the don't, and a warning if any."""
    zeg = variant.zeg
    kop = f"{boek.fasen[advies.fase].titel} · {advies.situatie}"
    if soort and soort.naam in advies.per_product:
        zeg = advies.per_product[soort.naam]
        kop += f" ({soort.titel})"
    regels = [kop, f"💡 {variant.tip}", *(f"💬 {z}" for z in zeg)]
    if variant.niet:
        regels.append(f"🚫 Niet: {variant.niet}")
    if let_op:
        regels.append(f"⚠️ {let_op}")
    return "\n".join(regels)


def coach(
    boek: Adviesboek,
    intent: str,
    fases_gehad: Sequence[str] | None,
    teller: dict[str, int] | None,
    product: str | None,
) -> Coachantwoord:
    """Advice for `intent`, rotating variants so no reply repeats the previous one."""
    advies = boek.adviezen[intent]
    teller = dict(teller or {})
    keuze = (teller.get(intent, -1) + 1) % len(advies.varianten)
    teller[intent] = keuze
    voor, na = verloop_na(boek, fases_gehad or [], advies.fase)
    tekst = formatteer(
        boek,
        advies,
        advies.varianten[keuze],
        productsoort(boek, product),
        waarschuwing(boek, advies.fase, voor),
    )
    return Coachantwoord(tekst, knoppen(boek, advies.volgende), na, teller)


OEFENEN = "oefenen_start"
MAX_KANDIDATEN = 3
# Below this confidence a candidate is a guess, not a lead: then the full phase menu.
MIN_KANS = 0.1


def kandidaten(boek: Adviesboek, ranking: Sequence[dict[str, object]]) -> list[str]:
    """The two or three situations (or practice mode) an unclear message most likely meant."""
    uit: list[str] = []
    for r in ranking:
        naam = str(r.get("name"))
        kans = r.get("confidence")
        if not isinstance(kans, int | float) or kans < MIN_KANS:
            break  # the ranking is sorted: the rest is lower still
        if (naam in boek.adviezen or naam == OEFENEN) and naam not in uit:
            uit.append(naam)
        if len(uit) == MAX_KANDIDATEN:
            break
    return uit
