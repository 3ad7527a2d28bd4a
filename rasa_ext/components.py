"""Registered Rasa components, named in config.yml by their module path."""

from __future__ import annotations

import json
import shutil
import warnings
from abc import abstractmethod
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import normalize


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

    With `normaliseer: true` every message's features are scaled to unit length first (raw
    counts of character n-grams keep lbfgs from converging), and `C` sets the regularisation.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "normaliseer": False, "C": 1.0}

    def __init__(self, config: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.clf.set_params(C=self.config["C"])

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        """Rasa's matrix, from the sentence features alone: Rasa's own `_create_X` also copies
        and stacks every message's sequence features, which it then throws away."""
        X = vstack([_zinkenmerken(m) for m in messages], format="csr")
        return normalize(X) if self.config["normaliseer"] else X

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> LogisticRegressionFortran:
        classifier = super().load(*args, **kwargs)
        if hasattr(classifier.clf, "coef_"):  # not when trained on no data
            classifier.clf.coef_ = np.asfortranarray(classifier.clf.coef_)
        return classifier


def _zinkenmerken(message: Message) -> csr_matrix:
    """The text's sentence features in Rasa's order: the sparse ones, then the dense ones."""
    zin = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    delen = [f.features for f in zin if f.is_sparse()]
    delen += [csr_matrix(f.features) for f in zin if f.is_dense()]
    return hstack(delen, format="csr") if delen else csr_matrix((1, 0))


# Rasa's recipe validator looks for its own extractor classes by identity, so it would
# warn on every training that no entity extractor is configured.
warnings.filterwarnings(
    "ignore", message="You have defined training data consisting of entity examples"
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """Rasa's CRFEntityExtractor, storing its trained taggers instead of its training set.

    Rasa 3.6 stores the featurised training set (17 MB of JSON for 9k examples) and
    trains every CRF again when the model loads: seconds per start, a peak of about
    100 MiB, and some 45 MiB that Python's heap keeps afterwards (docs/serving.md).
    The crfsuite model files are exactly what that training produces, so storing
    them gives the same predictions.
    """

    def persist(self, dataset: list[list[CRFToken]]) -> None:
        with self._model_storage.write_to(self._resource) as map_:
            for naam, tagger in self.entity_taggers.items():
                shutil.copyfile(tagger.modelfile.name, map_ / f"{naam}.crfsuite")
            (map_ / "crf_order.json").write_text(json.dumps(self.crf_order), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredCRFEntityExtractor:
        import sklearn_crfsuite

        try:
            with model_storage.read_from(resource) as map_:
                volgorde = json.loads((map_ / "crf_order.json").read_text(encoding="utf-8"))
                taggers = OrderedDict()
                for naam in volgorde:
                    crf = sklearn_crfsuite.CRF(model_filename=str(map_ / f"{naam}.crfsuite"))
                    _ = crf.tagger_  # crfsuite reads the whole file now, while the folder exists
                    taggers[naam] = crf
        except ValueError:  # trained without entity examples: nothing was stored
            return cls(config, model_storage, resource)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = volgorde
        return extractor
