"""Retraining from the trainer: a real `rasa train` in the background, loaded into a running Rasa.

The training test trains a tiny project (seconds, not the coach's minutes), loads it
into the session's running Rasa server, checks that server now answers with the new
model without a restart, and loads the coach's model back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_rasa_server import nieuwe_verkoper, praat

from stack import launcher as stackmodule
from tests.conftest import RASA_TEST_TOKEN
from trainer.training import Training, laad_model

KLEIN = {
    "config.yml": (
        "recipe: default.v1\nassistant_id: klein\nlanguage: nl\npipeline:\n"
        "- name: WhitespaceTokenizer\n- name: KeywordIntentClassifier\n"
        "policies:\n- name: RulePolicy\n"
    ),
    "domain.yml": (
        'version: "3.1"\nintents:\n- groet\nresponses:\n  utter_groet:\n'
        '  - text: "klein model zegt hoi"\n'
    ),
    "data/nlu.yml": (
        'version: "3.1"\nnlu:\n- intent: groet\n  examples: |\n    - hallo\n    - hoi\n'
    ),
    "data/rules.yml": (
        'version: "3.1"\nrules:\n- rule: groet\n  steps:\n  - intent: groet\n'
        "  - action: utter_groet\n"
    ),
}


def _status(stack: stackmodule.Stack) -> dict:
    antwoord = httpx.get(f"{stack.rasa_url}/status", params={"token": RASA_TEST_TOKEN}, timeout=30)
    antwoord.raise_for_status()
    return antwoord.json()


@pytest.fixture
def klein_project(tmp_path: Path) -> Path:
    for naam, tekst in KLEIN.items():
        (tmp_path / naam).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / naam).write_text(tekst, encoding="utf-8")
    return tmp_path


@pytest.fixture
def coach_terug(coach_stack: stackmodule.Stack) -> Iterator[stackmodule.Stack]:
    """Whatever a test loads, the session's Rasa serves the coach's model again afterwards."""
    coach_id = _status(coach_stack)["model_id"]
    yield coach_stack
    laad_model(stackmodule.MODEL, coach_stack.rasa_url, RASA_TEST_TOKEN)
    assert _status(coach_stack)["model_id"] == coach_id


def test_training_traint_en_laadt_zonder_de_bot_te_stoppen(
    coach_terug: stackmodule.Stack, klein_project: Path
) -> None:
    rasa = coach_terug.server("Rasa-server")
    pid = rasa.proces.pid
    training = Training(
        model=klein_project / "models" / "coach.tar.gz",
        rasa_url=coach_terug.rasa_url,
        token=RASA_TEST_TOKEN,
        data=klein_project / "data",
        domain=klein_project / "domain.yml",
        config=klein_project / "config.yml",
    )
    coach_id = _status(coach_terug)["model_id"]
    assert training.voortgang().toestand == "rust"
    assert training.start()
    assert not training.start(), "een tweede training naast de eerste"
    assert training.voortgang().toestand == "bezig"
    klaar = training.wacht(timeout=600)
    assert klaar.toestand == "klaar", klaar
    assert klaar.regels and klaar.seconden > 0
    assert (klein_project / "models" / "coach.tar.gz").is_file()
    assert _status(coach_terug)["model_id"] != coach_id
    antwoord = praat(coach_terug.rasa_url, nieuwe_verkoper(), "hallo")
    assert [b.get("text") for b in antwoord] == ["klein model zegt hoi"]
    assert rasa.proces.pid == pid and rasa.leeft(), "Rasa is niet herstart"


def test_vijandig_kapotte_data_laat_het_oude_model_staan(
    coach_stack: stackmodule.Stack, klein_project: Path
) -> None:
    (klein_project / "data" / "nlu.yml").write_text("nlu: [ kapot", encoding="utf-8")
    model_voor = _status(coach_stack)["model_id"]
    training = Training(
        model=klein_project / "models" / "coach.tar.gz",
        rasa_url=coach_stack.rasa_url,
        token=RASA_TEST_TOKEN,
        data=klein_project / "data",
        domain=klein_project / "domain.yml",
        config=klein_project / "config.yml",
    )
    training.start()
    klaar = training.wacht(timeout=600)
    assert klaar.toestand == "mislukt" and "rasa train stopte" in klaar.melding
    assert not (klein_project / "models" / "coach.tar.gz").exists()
    assert _status(coach_stack)["model_id"] == model_voor


def test_vijandig_laden_zonder_juist_token_weigert(coach_stack: stackmodule.Stack) -> None:
    model_voor = _status(coach_stack)["model_id"]
    with pytest.raises(httpx.HTTPStatusError) as fout:
        laad_model(stackmodule.MODEL, coach_stack.rasa_url, "fout-token")
    assert fout.value.response.status_code == 401
    assert _status(coach_stack)["model_id"] == model_voor


def test_vijandig_geladen_maar_rasa_onbereikbaar(klein_project: Path) -> None:
    training = Training(
        model=klein_project / "models" / "coach.tar.gz",
        rasa_url=f"http://127.0.0.1:{stackmodule.free_port()}",
        token="x",
        data=klein_project / "data",
        domain=klein_project / "domain.yml",
        config=klein_project / "config.yml",
    )
    training.start()
    begin = time.time()
    klaar = training.wacht(timeout=600)
    assert klaar.toestand == "mislukt" and "niet geladen" in klaar.melding, klaar
    assert (klein_project / "models" / "coach.tar.gz").is_file(), "het getrainde model blijft"
    assert time.time() - begin < 600
