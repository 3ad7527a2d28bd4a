"""rasa_ext: each patch and registered component gives Rasa's own result on the same input."""

from __future__ import annotations

import gc
import re
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import all_subclasses
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from rasa_ext import channel, patches
from rasa_ext.components import LogisticRegressionFortran
from stack.paths import ROOT

ANTWOORDEN: list[Any] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "fase", "value": "bezwaar"}], "responses": []},
    {"responses": [{"text": "tip", "buttons": [{"title": "a", "payload": "/b"}]}]},
    {},
    {"events": "geen lijst"},
    {"responses": [{"text": "tip"}], "events": [{"geen": "event"}]},
    {"events": [], "responses": "geen lijst"},
]


def test_versie_is_die_uit_de_lock() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^rasa==(\S+)$", lock, re.M).group(1) == patches.RASA_VERSIE  # type: ignore[union-attr]


def test_andere_rasa_versie_weigert() -> None:
    with pytest.raises(RuntimeError, match=r"Rasa 3\.6\.21.*Rasa 3\.7\.0"):
        patches.controleer_versie("3.7.0")
    patches.controleer_versie(patches.RASA_VERSIE)


def _uitkomst(controle: Any, antwoord: Any) -> tuple[str, str]:
    try:
        return "ok", str(controle(RemoteAction("action_x", None), antwoord))
    except Exception as fout:
        return type(fout).__name__, str(fout)


@pytest.mark.parametrize("antwoord", ANTWOORDEN)
def test_antwoordcontrole_als_rasa(antwoord: Any) -> None:
    assert _uitkomst(patches.controleer_antwoord, antwoord) == _uitkomst(
        patches._rasa_controle, antwoord
    )


def test_event_klasse_als_rasa() -> None:
    namen = [k.type_name for k in all_subclasses(Event)] + ["bestaat_niet"]
    for naam in namen:
        assert _uitkomst(lambda _, n: patches.event_klasse(n), naam) == _uitkomst(
            lambda _, n: patches._rasa_event_klasse(n), naam
        ), naam
    assert patches.event_klasse("bestaat_niet", UserUttered) is UserUttered


def test_shared_port_voegt_alleen_reuse_port_toe(monkeypatch: pytest.MonkeyPatch) -> None:
    gezien: list[dict[str, Any]] = []
    monkeypatch.setattr(patches, "_sanic_serveer", lambda s: gezien.append(dict(s)))
    instellingen = {"host": "127.0.0.1", "port": 5005, "backlog": 100}
    patches.serve_with_shared_port(dict(instellingen))
    assert gezien == [{**instellingen, "reuse_port": True}]


def test_classifier_in_fortran_volgorde_voorspelt_hetzelfde(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(7)
    x = sparse.random(200, 300, density=0.05, format="csr", random_state=7)
    clf = LogisticRegression(max_iter=200).fit(x, rng.integers(0, 5, 200))
    rasa_eigen = clf.predict_proba(x)
    geladen = SimpleNamespace(clf=clf)
    monkeypatch.setattr(
        LogisticRegressionClassifier, "load", classmethod(lambda cls, *a, **k: geladen)
    )
    assert LogisticRegressionFortran.load() is geladen
    assert clf.coef_.flags.f_contiguous
    assert np.array_equal(clf.predict_proba(x), rasa_eigen)


def _bericht(tekst: str, intent: str, tellingen: list[float]) -> Message:
    bericht = Message(data={"text": tekst, "intent": intent})
    matrix = sparse.coo_matrix(np.array([tellingen]))
    bericht.add_features(Features(matrix, "sentence", "text", "telling"))
    return bericht


def test_classifier_matrix_is_die_van_rasa(tmp_path: Any) -> None:
    """Sentence features only, sparse before dense, in the featurizers' order: Rasa's own X."""
    rng = np.random.default_rng(5)
    berichten = []
    for i in range(8):
        bericht = Message(data={"text": f"zin {i}", "intent": "x"})
        for soort, breedte in (("sequence", 30), ("sentence", 30), ("sentence", 12)):
            telling = sparse.random(3 if soort == "sequence" else 1, breedte, 0.3, random_state=i)
            bericht.add_features(Features(telling.tocoo(), soort, "text", f"f{breedte}"))
        bericht.add_features(Features(rng.random((1, 4)), "sentence", "text", "dicht"))
        bericht.add_features(Features(rng.random((1, 5)), "sentence", "intent", "ander"))
        berichten.append(bericht)
    config = LogisticRegressionFortran.get_default_config()
    clf = LogisticRegressionFortran(config, "lr", LocalModelStorage(tmp_path), Resource("lr"))
    rasa_eigen = LogisticRegressionClassifier._create_X(clf, berichten)
    eigen = clf._create_X(berichten)
    assert eigen.shape == rasa_eigen.shape == (8, 46)
    assert np.array_equal(eigen.toarray(), rasa_eigen.toarray())


@pytest.mark.parametrize("normaliseer", [False, True])
def test_classifier_normaliseert_op_verzoek_en_convergeert(
    normaliseer: bool, tmp_path: Any, recwarn: pytest.WarningsRecorder
) -> None:
    # Raw counts of very different size, as character n-grams give: unit length only when asked.
    rng = np.random.default_rng(3)
    berichten = [
        _bericht(f"zin {i}", f"intent_{i % 3}", list(rng.integers(0, 40, 50) * (i % 3 + 1)))
        for i in range(60)
    ]
    config = {**LogisticRegressionFortran.get_default_config(), "normaliseer": normaliseer}
    config |= {"C": 10.0, "max_iter": 300}
    opslag = LocalModelStorage(tmp_path)
    clf = LogisticRegressionFortran(config, "lr", opslag, Resource("lr"))
    assert clf.clf.C == 10.0
    lengtes = sparse.linalg.norm(clf._create_X(berichten), axis=1)
    assert np.allclose(lengtes, 1.0) == normaliseer
    clf.train(TrainingData(berichten))
    if normaliseer:  # scaled features converge within max_iter
        assert not [w for w in recwarn if "failed to converge" in str(w.message)]
        assert clf.clf.n_iter_[0] < 300


def test_kanaal_bevriest_het_geheugen_na_de_start() -> None:
    async def verwerk(_: object) -> None:
        return None

    blueprint = channel.CoachRestInput().blueprint(verwerk)
    luisteraars = [(a[0], a[1]) for a in blueprint._future_listeners]
    assert (channel.bevries_geheugen, "after_server_start") in luisteraars
    try:
        channel.bevries_geheugen(None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
