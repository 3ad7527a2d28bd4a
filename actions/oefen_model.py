"""The learned verdict: goed, matig or fout, from the rule judge's signals and the words.

The rule judge (actions/beoordeling.py) stays: its reasons are the feedback the seller sees.
This model learns the verdict from the labelled answers (actions/oefen_gelabeld.py), with as
features what the rules found (things to avoid, whether the phase's ask was met, question
type, phase) and the normalised answer as TF-IDF word 1-2 grams and char_wb 2-5 grams. It
trains in memory from the YAML (no stored model, so no pickle and never stale data); see
docs/oefenen-meting.md, "Lerende beoordeling (sessie 5)", for why and how well.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from actions.beoordeling import MAX_TEKENS, PUNTEN_VEREIST, Oordeel, beoordeel, lees
from actions.oefen_gelabeld import OORDELEN, Gelabeld, lees_gelabeld, ontwikkelsets
from actions.oefenboek import Oefenboek, laad_oefenboek

LOG = logging.getLogger(__name__)
# Chosen by leave-one-author-out (tools/oefen_eval.py --cv --genest) on the authors the rules
# were not written from: see docs/oefenen-meting.md for the grid and the held-out figures.
C = 1.0  # inverse regularisation
DREMPEL = 0.5  # the model's p(fout) from which a rules-matig answer becomes fout
DREMPEL_GOED = 0.6  # the model's p(goed) from which a rules-matig answer becomes goed


def normaal(boek: Oefenboek, tekst: str) -> str:
    """The answer as the rules read it: lower case, no punctuation, Flemish written out."""
    return " ".join(lees(tekst[:MAX_TEKENS], boek.schrijfwijzen).woorden)


def signalen(fase: str, oordeel: Oordeel | None) -> dict[str, float]:
    """The rule judge's findings as features; without a rule verdict only the phase is left."""
    uit: dict[str, float] = {f"fase={fase}": 1.0}
    if oordeel is None:
        return uit
    uit |= {
        f"vraagtype={oordeel.vraagtype}": 1.0,
        f"{fase}|vraagtype={oordeel.vraagtype}": 1.0,
        f"regels={oordeel.uitslag}": 1.0,
        f"{fase}|regels={oordeel.uitslag}": 1.0,
    }
    for soort in oordeel.vermeden:
        uit[f"vermeden={soort}"] = 1.0
    return uit


@dataclass(frozen=True)
class Oordeelmodel:
    met_regels: bool
    woorden: TfidfVectorizer
    tekens: TfidfVectorizer
    kenmerken: DictVectorizer
    lr: LogisticRegression

    def _matrix(self, boek: Oefenboek, oordelen: Sequence[Oordeel], teksten: Sequence[str]):
        tekst = [normaal(boek, t) for t in teksten]
        signaal = [signalen(o.fase, o if self.met_regels else None) for o in oordelen]
        return hstack(
            [
                self.woorden.transform(tekst),
                self.tekens.transform(tekst),
                csr_matrix(self.kenmerken.transform(signaal)),
            ]
        ).tocsr()

    def kansen(self, boek: Oefenboek, oordeel: Oordeel, tekst: str) -> dict[str, float]:
        rij = self.lr.predict_proba(self._matrix(boek, [oordeel], [tekst]))[0]
        return {str(k): float(p) for k, p in zip(self.lr.classes_, rij, strict=True)}

    def voorspel(
        self, boek: Oefenboek, oordelen: Sequence[Oordeel], teksten: Sequence[str]
    ) -> list[str]:
        if not oordelen:
            return []
        return [str(k) for k in self.lr.predict(self._matrix(boek, oordelen, teksten))]


def train(
    boek: Oefenboek,
    gelabeld: Sequence[Gelabeld],
    oordelen: Sequence[Oordeel] | None = None,
    met_regels: bool = True,
    c: float = C,
) -> Oordeelmodel:
    """Fit on labelled answers; `oordelen` are the rule verdicts if already computed (only
    needed with `met_regels`: the text model alone trains without running the rules)."""
    onbekend = {g.oordeel for g in gelabeld} - set(OORDELEN)
    if onbekend:
        raise ValueError(f"onbekend oordeel in de gelabelde antwoorden: {sorted(onbekend)}")
    if met_regels and oordelen is None:
        oordelen = [beoordeel(boek, g.fase, g.tekst) for g in gelabeld]
    regels: Sequence[Oordeel | None] = (
        oordelen if met_regels and oordelen else [None] * len(gelabeld)
    )
    teksten = [normaal(boek, g.tekst) for g in gelabeld]
    # Words and word pairs; char_wb n-grams catch word forms and typos ("koopt", "kooptie").
    woorden = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    tekens = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    kenmerken = DictVectorizer()
    x = hstack(
        [
            woorden.fit_transform(teksten),
            tekens.fit_transform(teksten),
            csr_matrix(
                kenmerken.fit_transform(
                    [signalen(g.fase, o) for g, o in zip(gelabeld, regels, strict=True)]
                )
            ),
        ]
    ).tocsr()
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    lr.fit(x, np.array([g.oordeel for g in gelabeld]))
    return Oordeelmodel(met_regels, woorden, tekens, kenmerken, lr)


def hybride(oordeel: Oordeel, model_uitslag: str) -> str:
    """The model's verdict, except where a listed thing to avoid was found: the seed is
    explicit there, so such an answer is fout, never goed or matig."""
    return "fout" if oordeel.vermeden else model_uitslag


def aanvulling(
    oordeel: Oordeel,
    kansen: dict[str, float],
    drempel: float = DREMPEL,
    drempel_goed: float = DREMPEL_GOED,
) -> str:
    """The rules' verdict where they found something (goed or a listed thing to avoid); where
    they found neither (matig), the text model decides when it is confident: a rude line the
    lists do not know is fout, a good answer the phase's options do not recognise is goed. So
    no hard rule, no denial the rules read and no answer the rules call goed ever changes."""
    if oordeel.uitslag != "matig":
        return oordeel.uitslag
    # A denied thing to avoid ("ik ga u niet pushen") is never fout: the model reads no negation.
    if kansen.get("fout", 0.0) >= drempel and not oordeel.ontkend:
        return "fout"
    if kansen.get("goed", 0.0) >= drempel_goed:
        return "goed"
    return "matig"


@lru_cache(maxsize=1)
def lerend_model() -> Oordeelmodel | None:
    """The text model on every development set, trained once, on first use; None where the
    labelled answers are not there (a copy without tests/): then the rules judge alone."""
    gelabeld = [g for pad in ontwikkelsets() for g in lees_gelabeld(pad)]
    if not gelabeld:
        LOG.warning("Geen gelabelde antwoorden in tests/oefenen/: alleen de regels beoordelen.")
        return None
    return train(laad_oefenboek(), gelabeld, met_regels=False)


class Oordelaar(Protocol):
    def __call__(
        self,
        boek: Oefenboek,
        fase: str,
        antwoord: str,
        beter: str = "",
        jargon: tuple[str, ...] = (),
    ) -> Oordeel: ...


def oordelaar(boek: Oefenboek) -> Oordelaar:
    """The judge regels.yml chooses (`beoordeling:`); a learned one is trained right away, so
    the action server starts with it and no seller waits for it."""
    if not boek.lerend or lerend_model() is None:
        return beoordeel
    return beoordeel_lerend


def beoordeel_lerend(
    boek: Oefenboek,
    fase: str,
    antwoord: str,
    beter: str = "",
    jargon: tuple[str, ...] = (),
    model: Oordeelmodel | None = None,
) -> Oordeel:
    """The rule judge, completed by the learned verdict (`aanvulling`); the feedback follows
    the verdict, in general words with the phase's ask where no rule gives the reason."""
    oordeel = beoordeel(boek, fase, antwoord, beter, jargon)
    if oordeel.uitslag != "matig":
        return oordeel
    model = model or lerend_model()
    if model is None:
        return oordeel
    uitslag = aanvulling(oordeel, model.kansen(boek, oordeel, antwoord))
    wat = boek.fasen[fase].vereist.naam
    if uitslag == "goed":
        # What the phase asks, said another way: the points of a met requirement.
        feedback = [boek.teksten["herkend"].format(wat=wat)]
        return replace(
            oordeel, gehaald=True, punten=oordeel.punten + PUNTEN_VEREIST, feedback=feedback
        )
    if uitslag != "fout":
        return oordeel
    feedback = [boek.teksten["afgeraden"].format(wat=wat)]
    if beter:
        feedback.append(boek.teksten["beter"].format(beter=beter))
    return replace(oordeel, afgeraden=True, punten=0, feedback=feedback)
