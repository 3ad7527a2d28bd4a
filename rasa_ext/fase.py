"""Registered NLU components that think in phases, as trainers and sellers do.

- `FaseClassifier` learns the phase (or, for general intents, the intent itself)
  from all examples of a phase at once, so a phase with many situations pools
  its data. It then re-ranks the intent classifier's output: P(intent) =
  P(phase) x P(intent | phase). The intent -> phase map is read from domain.yml
  (the `fase` slot's from_intent mappings, the one source) at training time and
  stored with the model.
- `FaseFallbackClassifier` is Rasa's FallbackClassifier, with two changes: two
  intents of the same phase are not "ambiguous" (the advice is for that phase
  either way), and some intents need more confidence than others
  (`drempels`, e.g. practice mode starts only at >= 0.8).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.domein import fase_per_intent

FASE_RANKING = "fase_ranking"  # [{"name": fase or general intent, "confidence": p}]
UITVOER_LENGTE = 10


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaseClassifier(LogisticRegressionClassifier):
    """Phase-level logistic regression on the same features; re-ranks the intents.

    Put it after the intent classifier, and give that one `ranking_length: 0` so
    every intent's probability reaches this component.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "domain": "domain.yml"}

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        groep: dict[str, str] | None = None,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.groep = groep or {}  # intent -> phase; general intents are their own group

    def _groep_van(self, intent: str) -> str:
        return self.groep.get(intent, intent)

    def train(self, training_data: TrainingData) -> Resource:
        self.groep = fase_per_intent(Path(self.config["domain"]))
        X, intents = self._create_training_matrix(training_data)
        if X.shape[0]:
            self.clf.fit(X, [self._groep_van(i) for i in intents])
            self.persist()
        return self._resource

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as map_:
            (map_ / "groep.json").write_text(json.dumps(self.groep), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FaseClassifier:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as map_:
                component.groep = json.loads((map_ / "groep.json").read_text(encoding="utf-8"))
        except ValueError:
            pass  # untrained (no NLU data): process() leaves messages as they are
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        if not hasattr(self.clf, "classes_"):
            return messages
        kansen = self.clf.predict_proba(self._create_X(messages))
        groepen = list(self.clf.classes_)
        for rij, message in zip(kansen, messages, strict=True):
            self._herschik(message, dict(zip(groepen, rij, strict=True)))
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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaseFallbackClassifier(FallbackClassifier):
    """FallbackClassifier: ambiguity only between phases; per-intent thresholds.

    Without a phase ranking (no FaseClassifier before it) it is Rasa's own.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**FallbackClassifier.get_default_config(), "drempels": {}}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaseFallbackClassifier:
        return cls({**cls.get_default_config(), **config})

    def _should_fallback(self, message: Message) -> bool:
        intent = message.data[INTENT]
        drempel = self.component_config["drempels"].get(intent.get("name"))
        if drempel is not None and intent.get("confidence", 0.0) < drempel:
            return True
        return super()._should_fallback(message)

    def _nlu_prediction_ambiguous(self, message: Message) -> tuple[bool, float | None]:
        groepen = message.get(FASE_RANKING)
        if not groepen:
            return super()._nlu_prediction_ambiguous(message)
        if len(groepen) < 2:
            return False, None
        verschil = groepen[0]["confidence"] - groepen[1]["confidence"]
        return verschil < self.component_config["ambiguity_threshold"], verschil
