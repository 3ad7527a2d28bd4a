"""Judging a seller's practice answer: question type, phrases to avoid, what the step asks.

All words come from actions/inhoud/oefenen/regels.yml; this module only knows how to
look for them. Text is compared in lower case without punctuation, on whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from actions.oefenboek import FaseRegels, Oefenboek, Optie, Vermijden, Vraagwoorden

PUNTEN_VEREIST = 2
PUNTEN_VOORKEUR = 1
PUNTEN_VERMIJDEN = 2
MAX_TEKENS = 1000  # longer answers are judged on their start; nobody says 5000 characters

_ZIN_EINDE = re.compile(r"(?<=[.!?])\s+|\n+")
_DEEL_GRENS = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_GEEN_WOORD = re.compile(r"[^\w\s'-]+")


def woorden(tekst: str) -> list[str]:
    """Lower-case words without punctuation: 'Heeft u 'm?' -> ['heeft', 'u', "'m"]."""
    tekst = tekst.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [w.strip("'-") for w in _GEEN_WOORD.sub(" ", tekst).split() if w.strip("'-")]


def _woord_patroon(woord: str) -> str:
    """One word of a phrase; a `*` before or after it is a wildcard for the rest of the word."""
    voor, na = woord.startswith("*"), woord.endswith("*")
    kern = " ".join(woorden(woord.strip("*")))
    return (r"\S*" if voor else "") + re.escape(kern) + (r"\S*" if na else "") + " "


@lru_cache(maxsize=4096)
def _patroon(zin: str) -> re.Pattern[str]:
    """A phrase from the YAML as a regex over `' '.join(woorden(...))`; see regels.yml."""
    # A loose `*` is a group, so a negation inside it can deny the phrase ("gaat niet snel stuk").
    delen = [r"((?:\S+ ){0,3})" if w == "*" else _woord_patroon(w) for w in zin.split()]
    return re.compile(r"(?:^| )" + "".join(delen))


@lru_cache(maxsize=1024)
def _een_van(zinnen: tuple[str, ...]) -> re.Pattern[str]:
    """All phrases in one regex: most answers contain none, and one search rules them all out."""
    kop = "(?:^| )"  # every phrase pattern starts so (see _patroon): tried once per position
    delen = (_patroon(zin).pattern.removeprefix(kop) for zin in zinnen)
    return re.compile(kop + "(?:" + "|".join(delen) + ")")


def zoek(tekst_woorden: list[str], zinnen: tuple[str, ...]) -> tuple[str, int] | None:
    """The first phrase found and the index of the word where it starts, or None."""
    tekst = " " + " ".join(w for w in tekst_woorden) + " "
    if not zinnen or not _een_van(zinnen).search(tekst):
        return None
    beste: tuple[str, int] | None = None
    for zin in zinnen:
        gevonden = _patroon(zin).search(tekst)
        if gevonden:
            positie = tekst[: gevonden.start() + 1].count(" ") - 1
            if beste is None or positie < beste[1]:
                beste = (zin, positie)
    return beste


ONTKENNING_BEREIK = 2  # words before a phrase in which a negation denies it


@dataclass(frozen=True)
class Tekst:
    """An answer's words as the rules see them, and where each clause starts."""

    woorden: list[str]
    grenzen: frozenset[int] = frozenset()  # index of the first word of each clause


def lees(tekst: str, schrijfwijzen: dict[str, tuple[str, ...]] | None = None) -> Tekst:
    """Words per clause, with spelling variants written the usual way ("ge" -> "u")."""
    schrijfwijzen = schrijfwijzen or {}
    w: list[str] = []
    grenzen = set()
    for zin in _ZIN_EINDE.split(tekst):
        for deel in _DEEL_GRENS.split(zin):
            grenzen.add(len(w))
            for woord in woorden(deel):
                w.extend(schrijfwijzen.get(woord, (woord,)))
    return Tekst(w, frozenset(grenzen))


_WOORD = re.compile(r"[\w'\u2019]+")


def uitgeschreven(tekst: str, schrijfwijzen: dict[str, tuple[str, ...]]) -> str:
    """The text with spelling variants written the usual way, punctuation kept: "Ziet ge?"
    -> "Ziet u?", so the question type reads Flemish and phone spelling too."""

    def schrijf(gevonden: re.Match[str]) -> str:
        woord = gevonden.group().lower().replace("\u2019", "'").strip("'")
        return " ".join(schrijfwijzen[woord]) if woord in schrijfwijzen else gevonden.group()

    return _WOORD.sub(schrijf, tekst)


def _ontkend(
    tekst: Tekst, positie: int, binnen: tuple[str | None, ...], nee: frozenset[str]
) -> bool:
    """A negation just before the phrase, in the same clause, or inside one of its `*`."""
    begin = max(0, positie - ONTKENNING_BEREIK)
    for i in range(positie - 1, begin - 1, -1):
        if i + 1 in tekst.grenzen:  # "Ruilen kan niet, dan had u ...": the comma ends the denial
            break
        if tekst.woorden[i] in nee:
            return True
    return any(nee.intersection(deel.split()) for deel in binnen if deel)


def gezegd(tekst: Tekst, zinnen: tuple[str, ...], ontkenningen: frozenset[str]) -> bool:
    """Is one of the phrases said, and not denied ("ik ga u niet pushen")?"""
    reeks = " " + " ".join(tekst.woorden) + " "
    if not zinnen or not _een_van(zinnen).search(reeks):
        return False
    for zin in zinnen:
        for gevonden in _patroon(zin).finditer(reeks):
            positie = reeks[: gevonden.start() + 1].count(" ") - 1
            if not _ontkend(tekst, positie, gevonden.groups(), ontkenningen):
                return True
    return False


# --- question type -----------------------------------------------------------


def _zonder_aanloop(deel: list[str], vw: Vraagwoorden) -> list[str]:
    i = 0
    while i < len(deel) and deel[i] in vw.aanloop:
        i += 1
    return deel[i:]


def _begin(deel: list[str], vw: Vraagwoorden) -> str | None:
    """'open' or 'gesloten' when a clause starts like that kind of question, else None."""
    if not deel:
        return None
    if deel[0] in vw.vraagwoorden:
        uitroep = zoek(deel, vw.uitroepen)
        return None if uitroep and uitroep[1] == 0 else "open"
    if deel[0] in vw.werkwoorden and len(deel) > 1 and deel[1] in vw.onderwerpen:
        return "gesloten"
    return None


def _delen(zin: str, vw: Vraagwoorden) -> list[list[str]]:
    delen = (_zonder_aanloop(woorden(d), vw) for d in _DEEL_GRENS.split(zin))
    return [d for d in delen if d]


def _is_vraag(zin: str, vw: Vraagwoorden) -> bool:
    if zin.rstrip(" .!)\"'\u201d").endswith("?"):
        return True
    # No question mark (typed on a phone): the first clause decides, or a question word at
    # the end ("En u gebruikt hem waarvoor").
    delen = _delen(zin, vw)
    if not delen or any(w in vw.uitnodiging for w in delen[0]):
        return False
    if len(delen) > 1 and delen[1][0] in vw.gevolg:  # "Lukt het niet, dan ...": a condition
        return False
    return _begin(delen[0], vw) is not None or delen[-1][-1] in vw.vraagwoorden


def _biedt_keuze(w: list[str], vw: Vraagwoorden) -> bool:
    for i, woord in enumerate(w):
        if woord != "of" or i + 1 >= len(w):
            continue
        if w[i + 1] in vw.of_geen_keuze_voor:
            continue
        if any(v in vw.of_geen_keuze_na for v in w[max(0, i - 3) : i]):
            continue
        return True
    return False


def vraagtype(tekst: str, vw: Vraagwoorden) -> str:
    """open, gesloten, alternatief or geen_vraag: the type of the last question (seed 001)."""
    zinnen = [z for z in _ZIN_EINDE.split(tekst[:MAX_TEKENS]) if z.strip()]
    vragen = [z for z in zinnen if _is_vraag(z, vw)]
    if not vragen:
        return "geen_vraag"
    vraag = vragen[-1]
    if _biedt_keuze(woorden(vraag), vw):
        return "alternatief"
    for deel in _delen(vraag, vw):
        soort = _begin(deel, vw)
        if soort:
            return soort
    # "En u gebruikt hem waarvoor?" asks openly; "U zoekt een laptop?" is yes/no, and so is
    # "Alles gevonden wat u zocht?": there the question word opens a clause with a subject.
    w = woorden(vraag)
    for i, woord in enumerate(w):
        if woord in vw.vraagwoorden and (i + 1 == len(w) or w[i + 1] not in vw.onderwerpen):
            return "open"
    return "gesloten"


# --- the checks --------------------------------------------------------------


def optie_gehaald(optie: Optie, w: list[str], soort: str) -> bool:
    if optie.vraagtypen and soort not in optie.vraagtypen:
        return False
    if optie.min_woorden and len(w) < optie.min_woorden:
        return False
    if optie.bevat:
        gevonden = zoek(w, optie.bevat)
        if gevonden is None:
            return False
        if optie.binnen_woorden is not None and gevonden[1] >= optie.binnen_woorden:
            return False
    return not (optie.en_bevat and zoek(w, optie.en_bevat) is None)


_CODE = re.compile(r"[A-Za-z]*\d+[A-Za-z]+\d*|[A-Za-z]+\d+[A-Za-z]*")


def afkortingen(tekst: str, gewoon: frozenset[str]) -> list[str]:
    """Abbreviations in capitals (SSD, OLED) and codes mixing letters and digits (i7, HDR10)."""
    if tekst.isupper():  # a seller typing in capitals is not using abbreviations
        return []
    gevonden = []
    for ruw in re.split(r"[\s,.;:!?()/+\-\"']+", tekst):
        hoofdletters = 2 <= len(ruw) <= 6 and ruw.isalpha() and ruw.isupper()
        if (hoofdletters or _CODE.fullmatch(ruw)) and ruw.lower() not in gewoon:
            gevonden.append(ruw)
    return gevonden


def _jargon(regel: Vermijden, tekst: str, w: list[str], extra: tuple[str, ...]) -> bool:
    vakwoord = zoek(w, regel.jargon + extra) or (
        regel.afkortingen and afkortingen(tekst, regel.gewone_afkortingen)
    )
    return bool(vakwoord) and zoek(w, regel.uitleg_zinnen) is None


def _vraagt(zin: str, vw: Vraagwoorden) -> bool:
    """A question, or a request for information ("Vertel eens wat u wilt uitgeven.")."""
    delen = _delen(zin, vw)
    return _is_vraag(zin, vw) or bool(delen and delen[0][0] in vw.verzoek)


def _vragen(tekst: str, vw: Vraagwoorden) -> str:
    """Only what an answer asks: "Maximaal 300 euro, prima." asks nothing."""
    return " ".join(z for z in _ZIN_EINDE.split(tekst) if _vraagt(z, vw))


def vermeden(
    boek: Oefenboek,
    fase: str,
    tekst: str,
    jargon: tuple[str, ...] = (),
    ontkenningen: frozenset[str] | None = None,
) -> list[str]:
    """The kinds of things to avoid that this answer contains, e.g. ['budget']; with
    `ontkenningen=frozenset()` also those it only denies ("ik ga u niet pushen")."""
    nee = boek.ontkenningen if ontkenningen is None else ontkenningen
    gelezen = lees(tekst, boek.schrijfwijzen)
    gewoon = uitgeschreven(tekst, boek.schrijfwijzen)
    fout = []
    for regel in boek.vermijden:
        if fase not in regel.fasen:
            continue
        if not regel.zinnen:
            zegt = _jargon(regel, tekst, gelezen.woorden, jargon)
        elif regel.alleen_in_vraag:
            vragen = lees(_vragen(gewoon, boek.vraagtypen))
            zegt = gezegd(vragen, regel.zinnen, nee)
        else:
            zegt = gezegd(gelezen, regel.zinnen, nee)
        if zegt:
            fout.append(regel.soort)
    return fout


@dataclass(frozen=True)
class Oordeel:
    fase: str
    vraagtype: str
    gehaald: bool  # did the answer do what the phase asks?
    vermeden: tuple[str, ...] = ()  # kinds of things to avoid it contains
    punten: int = 0
    max_punten: int = PUNTEN_VEREIST
    feedback: list[str] = field(default_factory=list)
    # The learned verdict found it fout without a listed reason (actions/oefen_model.py).
    afgeraden: bool = False
    # Kinds to avoid whose phrases the answer only denies ("u heeft niks verkeerd gedaan"):
    # the rules read the negation, so the learned verdict may not call it fout.
    ontkend: tuple[str, ...] = ()

    @property
    def uitslag(self) -> str:
        """goed, matig or fout: the verdict in the labelled test set."""
        if self.vermeden or self.afgeraden:
            return "fout"
        return "goed" if self.gehaald else "matig"

    def als_dict(self) -> dict[str, object]:
        """What the tracker keeps per step (a slot), for the scorecard."""
        return {
            "fase": self.fase,
            "punten": self.punten,
            "max": self.max_punten,
            "gehaald": self.gehaald,
            "vermeden": list(self.vermeden),
        }


def _punten(regels: FaseRegels, gehaald: bool, soort: str, fout: list[str]) -> tuple[int, int]:
    maximum = PUNTEN_VEREIST + (PUNTEN_VOORKEUR if regels.voorkeur else 0)
    punten = PUNTEN_VEREIST if gehaald else 0
    if regels.voorkeur and soort == regels.voorkeur:
        punten += PUNTEN_VOORKEUR
    return max(0, punten - PUNTEN_VERMIJDEN * len(fout)), maximum


def beoordeel(
    boek: Oefenboek, fase: str, antwoord: str, beter: str = "", jargon: tuple[str, ...] = ()
) -> Oordeel:
    """Judge one answer in one phase; the feedback is one or two lines for the seller."""
    tekst = antwoord[:MAX_TEKENS]
    w = lees(tekst, boek.schrijfwijzen).woorden
    regels = boek.fasen[fase]
    soort = vraagtype(uitgeschreven(tekst, boek.schrijfwijzen), boek.vraagtypen)
    gehaald = any(optie_gehaald(o, w, soort) for o in regels.vereist.opties)
    fout = vermeden(boek, fase, tekst, jargon)
    ontkend = [s for s in vermeden(boek, fase, tekst, jargon, frozenset()) if s not in fout]
    punten, maximum = _punten(regels, gehaald, soort, fout)
    if fout:
        uitleg = {r.soort: r.uitleg for r in boek.vermijden}
        regel = "⚠️ " + " ".join(uitleg[s] for s in fout[:2])
    elif not gehaald:
        regel = "🟡 " + regels.vereist.mis
    else:
        regel = "✅ " + regels.vereist.goed
        if regels.voorkeur and soort != regels.voorkeur and regels.voorkeur_tip:
            regel += " " + regels.voorkeur_tip
    feedback = [regel]
    if (fout or not gehaald) and beter:
        feedback.append(boek.teksten["beter"].format(beter=beter))
    return Oordeel(
        fase, soort, gehaald, tuple(fout), punten, maximum, feedback, ontkend=tuple(ontkend)
    )
