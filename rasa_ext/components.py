"""Registered Rasa components, named in config.yml by their module path."""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


class OpslagComponent(GraphComponent):
    """A trainable component that keeps what it learned in Rasa's model storage.

    Subclasses write to `self.opslag()` in `train` and read it back in `lees`.
    """

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OpslagComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> OpslagComponent:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as map_:
                component.lees(map_)
        except ValueError:  # trained on no data: nothing was stored
            pass
        return component

    def opslag(self) -> Any:
        """Context manager: the folder to store what `train` learned."""
        return self._storage.write_to(self._resource)

    @abstractmethod
    def lees(self, map_: Path) -> None:
        """Restore what `train` stored in `map_`."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionFortran(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier, with its weights in Fortran order once loaded.

    Rasa multiplies the sparse features by `coef_.T`, which scipy copies (45 x 12k
    weights) to C order on every message. Stored in Fortran order, `coef_.T`
    already is; the numbers, and so the predictions, are the same.
    """

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> LogisticRegressionFortran:
        classifier = super().load(*args, **kwargs)
        if hasattr(classifier.clf, "coef_"):  # not when trained on no data
            classifier.clf.coef_ = np.asfortranarray(classifier.clf.coef_)
        return classifier
