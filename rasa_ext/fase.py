"""Registered NLU components that think in phases, as trainers and sellers do.

- `FaseClassifier` learns the phase (or, for general intents, the intent itself)
  from all examples of a phase at once, so a phase with many situations pools
  its data, with features of its own (TF-IDF). It then re-ranks the intent
  classifier's output: P(intent) = P(phase) x P(intent | phase). The intent ->
  phase map is read from domain.yml (the `fase` slot's from_intent mappings, the
  one source) at training time and stored with the model.
- `FaseFallbackClassifier` is Rasa's FallbackClassifier, with two changes: two
  intents of the same phase are not "ambiguous" (the advice is for that phase
  either way), and some intents need more confidence than others
  (`drempels`, e.g. practice mode starts only at >= 0.8).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from rasa_ext.components import OpslagComponent
from rasa_ext.domein import fase_per_intent

FASE_RANKING = "fase_ranking"  # [{"name": fase or general intent, "confidence": p}]
UITVOER_LENGTE = 10
GROEP_BESTAND = "groep.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaseClassifier(OpslagComponent, IntentClassifier):
    """A phase-level text classifier of its own; re-ranks the intent classifier's output.

    TF-IDF on word 1-3-grams and character 2-5-grams (sublinear, so a long dictated
    message does not outweigh a short one) and a linear model with probabilities.
    Put it after the intent classifier, and give that one `ranking_length: 0` so
    every intent's probability reaches this component.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # min_df 2: an n-gram seen in one example only is noise to a linear model, and
        # leaving those out keeps 40% of the vocabulary (same accuracy; docs/nlu-meting.md).
        return {
            "domain": "domain.yml",
            "alpha": 1e-5,
            "epochs": 30,
            "min_df": 2,
            "random_state": 42,
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.kansen: Kansen | None = None
        self.groep: dict[str, str] = {}  # intent -> phase; general intents are their own group

    def lees(self, map_: Path) -> None:
        self.kansen = Kansen.van(_lees_pijplijn(map_, self.config))
        self.groep = json.loads((map_ / GROEP_BESTAND).read_text(encoding="utf-8"))

    def _groep_van(self, intent: str) -> str:
        return self.groep.get(intent, intent)

    def train(self, training_data: TrainingData) -> Resource:
        self.groep = fase_per_intent(Path(self.config["domain"]))
        voorbeelden = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if not voorbeelden:
            return self._resource
        model = _pijplijn(self.config)
        model.fit(
            [_tekst(m) for m in voorbeelden], [self._groep_van(m.get(INTENT)) for m in voorbeelden]
        )
        self.kansen = Kansen.van(model)
        with self.opslag() as map_:
            _bewaar_pijplijn(model, map_)
            (map_ / GROEP_BESTAND).write_text(json.dumps(self.groep), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.kansen is None or not messages:
            return messages
        kansen, groepen = self.kansen([_tekst(m) for m in messages]), self.kansen.klassen
        for rij, message in zip(kansen, messages, strict=True):
            self._herschik(message, dict(zip(groepen, map(float, rij), strict=True)))
        return messages

    def _herschik(self, message: Message, p_groep: dict[str, float]) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        if not ranking:
            return
        som: dict[str, float] = {}
        for r in ranking:
            g = self._groep_van(r["name"])
            som[g] = som.get(g, 0.0) + r["confidence"]
        nieuw = [
            {
                "name": r["name"],
                "confidence": float(
                    p_groep.get(self._groep_van(r["name"]), 0.0)
                    * r["confidence"]
                    / max(som[self._groep_van(r["name"])], 1e-12)
                ),
            }
            for r in ranking
        ]
        nieuw.sort(key=lambda r: -r["confidence"])
        totaal = sum(r["confidence"] for r in nieuw) or 1.0
        for r in nieuw:
            r["confidence"] /= totaal
        groepen = sorted(
            ({"name": g, "confidence": float(p)} for g, p in p_groep.items()),
            key=lambda r: -r["confidence"],
        )
        message.set(INTENT, nieuw[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, nieuw[:UITVOER_LENGTE], add_to_output=True)
        message.set(FASE_RANKING, groepen[:UITVOER_LENGTE], add_to_output=True)


@dataclass(frozen=True)
class _Kenmerken:
    """One fitted TfidfVectorizer's row for one text, times its columns of coef_: sklearn's
    numbers (sublinear tf times idf, unit length) without a sparse matrix per call."""

    analyse: Callable[[str], list[str]]
    kolom: dict[str, int]
    idf: np.ndarray
    gewichten: np.ndarray  # (features, classes)

    def score(self, tekst: str) -> np.ndarray:
        tellingen = Counter(t for t in self.analyse(tekst) if t in self.kolom)
        if not tellingen:
            return np.zeros(self.gewichten.shape[1])
        kolommen = [self.kolom[t] for t in tellingen]
        waarden = (np.log(np.fromiter(tellingen.values(), float)) + 1) * self.idf[kolommen]
        return (waarden / np.sqrt(waarden @ waarden)) @ self.gewichten[kolommen]


@dataclass(frozen=True)
class Kansen:
    """The phase pipeline's `predict_proba`, computed without sklearn's sparse matrices and
    checks on every call: the same numbers (tests/test_nlu_componenten.py) in a fraction of
    the time per message (docs/serving.md). Keeps only what prediction needs."""

    kenmerken: tuple[_Kenmerken, ...]
    intercept: np.ndarray
    klassen: list[str]

    @classmethod
    def van(cls, model: Pipeline) -> Kansen:
        vectorizers = [v for _, v in model.named_steps["kenmerken"].transformer_list]
        lineair, begin, kenmerken = model.named_steps["model"], 0, []
        for v in vectorizers:
            eind = begin + len(v.idf_)
            gewichten = np.ascontiguousarray(lineair.coef_[:, begin:eind].T)
            kenmerken.append(_Kenmerken(v.build_analyzer(), v.vocabulary_, v.idf_, gewichten))
            begin = eind
        return cls(tuple(kenmerken), lineair.intercept_, list(lineair.classes_))

    def __call__(self, teksten: list[str]) -> np.ndarray:
        scores = np.array([sum(k.score(t) for k in self.kenmerken) for t in teksten])
        scores = scores.reshape(len(teksten), len(self.intercept)) + self.intercept
        # SGDClassifier(log_loss).predict_proba: one-vs-rest logistic, normalised per row.
        if scores.shape[1] == 1:
            kans = expit(scores[:, 0])
            return np.column_stack([1 - kans, kans])
        kansen = expit(scores)
        return kansen / kansen.sum(axis=1, keepdims=True)


def _tekst(message: Message) -> str:
    return str(message.get(TEXT) or "").lower()


def _pijplijn(config: dict[str, Any]) -> Pipeline:
    woorden = TfidfVectorizer(
        ngram_range=(1, 3),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
        min_df=config["min_df"],
    )
    letters = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=config["min_df"]
    )
    model = SGDClassifier(
        loss="log_loss",
        alpha=config["alpha"],
        max_iter=config["epochs"],
        tol=None,
        class_weight="balanced",
        random_state=config["random_state"],
    )
    return Pipeline(
        [("kenmerken", FeatureUnion([("w", woorden), ("c", letters)])), ("model", model)]
    )


def _bewaar_pijplijn(model: Pipeline, map_: Path) -> None:
    """Only the learned numbers: vocabularies as JSON, weights as .npy (no pickle).

    A fraction of the memory skops needs to load the same model (docs/serving.md),
    and the predictions are identical (tests/test_nlu_componenten.py).
    """
    for naam, vectorizer in model.named_steps["kenmerken"].transformer_list:
        vocabulaire = {k: int(v) for k, v in vectorizer.vocabulary_.items()}
        (map_ / f"{naam}.json").write_text(json.dumps(vocabulaire), encoding="utf-8")
        np.save(map_ / f"{naam}_idf.npy", vectorizer.idf_)
    lineair = model.named_steps["model"]
    for veld in ("coef_", "intercept_", "classes_"):
        np.save(map_ / f"model_{veld}.npy", getattr(lineair, veld))


def _lees_pijplijn(map_: Path, config: dict[str, Any]) -> Pipeline:
    model = _pijplijn(config)
    for naam, vectorizer in model.named_steps["kenmerken"].transformer_list:
        vectorizer.vocabulary_ = json.loads((map_ / f"{naam}.json").read_text(encoding="utf-8"))
        vectorizer.fixed_vocabulary_ = False
        vectorizer.idf_ = np.load(map_ / f"{naam}_idf.npy")
    lineair = model.named_steps["model"]
    for veld in ("coef_", "intercept_", "classes_"):
        setattr(lineair, veld, np.load(map_ / f"model_{veld}.npy"))
    lineair.n_features_in_ = lineair.coef_.shape[1]
    return model


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaseFallbackClassifier(FallbackClassifier):
    """FallbackClassifier on phases: confidence and ambiguity of the phase; per-intent thresholds.

    Without a phase ranking (no FaseClassifier before it) it is Rasa's own.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**FallbackClassifier.get_default_config(), "drempels": {}}

    def _should_fallback(self, message: Message) -> bool:
        intent = message.data[INTENT]
        drempel = self.component_config["drempels"].get(intent.get("name"))
        if drempel is not None and intent.get("confidence", 0.0) < drempel:
            return True
        return super()._should_fallback(message)

    def _nlu_confidence_below_threshold(self, message: Message) -> tuple[bool, float]:
        """The phase's confidence counts: two likely situations of one phase are no doubt."""
        groepen = message.get(FASE_RANKING)
        if not groepen:
            return super()._nlu_confidence_below_threshold(message)
        zekerheid = groepen[0]["confidence"]
        return zekerheid < self.component_config["threshold"], zekerheid

    def _nlu_prediction_ambiguous(self, message: Message) -> tuple[bool, float | None]:
        groepen = message.get(FASE_RANKING)
        if not groepen:
            return super()._nlu_prediction_ambiguous(message)
        if len(groepen) < 2:
            return False, None
        verschil = groepen[0]["confidence"] - groepen[1]["confidence"]
        return verschil < self.component_config["ambiguity_threshold"], verschil
