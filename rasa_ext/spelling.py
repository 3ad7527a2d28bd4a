"""A Dutch spelling layer before the tokenizer: one typo per word, corrected from a word list.

The word list is wordfreq's Dutch frequency list (read from the package's data
file; no download) plus every word of the training data, which always wins: the
sellers' own words (gsm, zetel, ff) are never "corrected". A word is changed only
when it is unknown and exactly one edit (a wrong, missing, extra or swapped
letter) away from a known word; the most frequent candidate wins. Training data is
not changed. Measured on a typo'd copy of a blind set (docs/benchmarks.md).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import msgpack
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.components import OpslagComponent

WOORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
MIN_LENGTE = 4  # shorter words are too often shorthand (ff, zn, wrs) to correct
WOORDENLIJST = "woorden.txt"


def wordfreq_nl(aantal: int) -> list[str]:
    """The `aantal` most frequent Dutch words from wordfreq's data file, most frequent first."""
    # Located without importing wordfreq: its code wants a newer `regex` than Rasa 3.6 allows.
    pad = distribution("wordfreq").locate_file("wordfreq/data/small_nl.msgpack.gz")
    with open(str(pad), "rb") as f:
        data = msgpack.unpackb(gzip.decompress(f.read()), raw=False)
    # data[0] is a header; then one list of words per frequency bucket, frequent first.
    return [w for bucket in data[1:] for w in bucket][:aantal]


def _bewerkingen(woord: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyzéëïèöü"
    delen = [(woord[:i], woord[i:]) for i in range(len(woord) + 1)]
    weg = {a + b[1:] for a, b in delen if b}
    wissel = {a + b[1] + b[0] + b[2:] for a, b in delen if len(b) > 1}
    vervang = {a + c + b[1:] for a, b in delen if b for c in letters}
    erbij = {a + c + b for a, b in delen for c in letters}
    return weg | wissel | vervang | erbij


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SpellingCorrector(OpslagComponent):
    """Corrects one-edit typos of unknown words; put it first in the pipeline."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"woorden": 30000}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.rang: dict[str, int] = {}  # word -> rank: its place in the word list

    def lees(self, map_: Path) -> None:
        woorden = (map_ / WOORDENLIJST).read_text(encoding="utf-8").split("\n")
        self.rang = {w: i for i, w in enumerate(woorden) if w}

    def train(self, training_data: TrainingData) -> Resource:
        """The word list: training words by frequency, then wordfreq's; its order is the rank."""
        voorbeelden = training_data.training_examples
        eigen = Counter(w for m in voorbeelden for w in WOORD.findall(_tekst(m)))
        lijst = [w for w, _ in eigen.most_common()]
        lijst += [w for w in wordfreq_nl(self.config["woorden"]) if w not in eigen]
        with self.opslag() as map_:
            (map_ / WOORDENLIJST).write_text("\n".join(lijst), encoding="utf-8")
        self.rang = {w: i for i, w in enumerate(lijst)}
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # learn from what sellers really typed

    def process(self, messages: list[Message]) -> list[Message]:
        if not self.rang:
            return messages
        for message in messages:
            tekst = str(message.get(TEXT) or "")
            if tekst and not tekst.startswith("/"):  # "/intent" payloads are no typing
                message.set(TEXT, WOORD.sub(lambda m: self.verbeter(m.group(0)), tekst))
        return messages

    def verbeter(self, woord: str) -> str:
        klein = woord.lower()
        if len(klein) < MIN_LENGTE or klein in self.rang:
            return woord
        kandidaten = [w for w in _bewerkingen(klein) if w in self.rang]
        return min(kandidaten, key=self.rang.__getitem__) if kandidaten else woord


def _tekst(message: Message) -> str:
    return str(message.get(TEXT) or "").lower()
