"""Registered Rasa components, named in config.yml by their module path."""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


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
