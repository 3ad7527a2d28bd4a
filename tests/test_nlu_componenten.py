"""The registered NLU components in rasa_ext/: phase re-ranking, phase-aware fallback, spelling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.components import StoredCRFEntityExtractor
from rasa_ext.fase import FASE_RANKING, FaseClassifier, FaseFallbackClassifier
from rasa_ext.spelling import SpellingCorrector, wordfreq_nl

GROEP = {"bezwaar_prijs": "bezwaar", "bezwaar_korting": "bezwaar", "nazorg_ruilen": "nazorg"}


def bericht(
    ranking: list[tuple[str, float]], fasen: list[tuple[str, float]] | None = None
) -> Message:
    m = Message(data={TEXT: "x"})
    rij = [{"name": n, "confidence": c} for n, c in ranking]
    m.set(INTENT, rij[0])
    m.set(INTENT_RANKING_KEY, rij)
    if fasen is not None:
        m.set(FASE_RANKING, [{"name": n, "confidence": c} for n, c in fasen])
    return m


def herschik(ranking: list[tuple[str, float]], p_groep: dict[str, float]) -> Message:
    component = FaseClassifier.__new__(FaseClassifier)
    component.groep = GROEP
    m = bericht(ranking)
    component._herschik(m, p_groep)
    return m


def test_de_fase_beslist_en_binnen_de_fase_de_intent() -> None:
    # The intent classifier slightly prefers nazorg; the phase classifier is sure of bezwaar.
    m = herschik(
        [("nazorg_ruilen", 0.4), ("bezwaar_korting", 0.35), ("bezwaar_prijs", 0.25)],
        {"bezwaar": 0.9, "nazorg": 0.1},
    )
    assert m.get(INTENT)["name"] == "bezwaar_korting"
    ranking = m.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking] == ["bezwaar_korting", "bezwaar_prijs", "nazorg_ruilen"]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert ranking[0]["confidence"] == pytest.approx(0.9 * 0.35 / 0.6)
    assert m.get(FASE_RANKING)[0] == {"name": "bezwaar", "confidence": 0.9}


def test_algemene_intent_is_zijn_eigen_groep() -> None:
    m = herschik([("greet", 0.5), ("bezwaar_prijs", 0.5)], {"greet": 0.8, "bezwaar": 0.2})
    assert m.get(INTENT)["name"] == "greet"
    assert m.get(INTENT)["confidence"] == pytest.approx(0.8)


def fallback(**config: object) -> FaseFallbackClassifier:
    return FaseFallbackClassifier(
        {"threshold": 0.3, "ambiguity_threshold": 0.05, "drempels": {}, **config}
    )


def is_fallback(component: FaseFallbackClassifier, m: Message) -> bool:
    return component.process([m])[0].get(INTENT)["name"] == "nlu_fallback"


def test_twee_intents_van_dezelfde_fase_zijn_niet_dubbelzinnig() -> None:
    m = bericht([("bezwaar_prijs", 0.45), ("bezwaar_korting", 0.44)], [("bezwaar", 0.89)])
    assert not is_fallback(fallback(), m)


def test_twee_fasen_dicht_bij_elkaar_zijn_dubbelzinnig() -> None:
    m = bericht(
        [("bezwaar_prijs", 0.45), ("nazorg_ruilen", 0.43)], [("bezwaar", 0.46), ("nazorg", 0.44)]
    )
    assert is_fallback(fallback(), m)


@pytest.mark.parametrize(("zekerheid", "oefenen"), [(0.79, False), (0.81, True)])
def test_oefenen_start_pas_bij_hoge_zekerheid(zekerheid: float, oefenen: bool) -> None:
    m = bericht(
        [("oefenen_start", zekerheid), ("bezwaar_korting", 0.1)],
        [("oefenen_start", zekerheid), ("bezwaar", 0.1)],
    )
    assert is_fallback(fallback(drempels={"oefenen_start": 0.8}), m) is not oefenen


def test_zonder_fase_ranking_is_het_rasas_eigen_fallback() -> None:
    m = bericht([("bezwaar_prijs", 0.45), ("bezwaar_korting", 0.44)])
    assert is_fallback(fallback(), m)


@pytest.fixture(scope="module")
def spelling() -> SpellingCorrector:
    component = SpellingCorrector.__new__(SpellingCorrector)
    woorden = ["klant", "zetel", "gsm", *wordfreq_nl(30000)]
    component.rang = {w: i for i, w in enumerate(dict.fromkeys(woorden))}
    return component


@pytest.mark.parametrize(
    ("typo", "goed"),
    [("kalnt", "klant"), ("klnat", "klant"), ("twijfeltt", "twijfelt"), ("nadnken", "nadenken")],
)
def test_spelling_verbetert_een_tikfout(spelling: SpellingCorrector, typo: str, goed: str) -> None:
    assert spelling.verbeter(typo) == goed


@pytest.mark.parametrize("woord", ["zetel", "gsm", "ff", "Klant", "xqzwrtpk"])
def test_spelling_laat_bekende_korte_en_onbekende_woorden(
    spelling: SpellingCorrector, woord: str
) -> None:
    assert spelling.verbeter(woord) == woord


def test_spelling_laat_knoppen_ongemoeid(spelling: SpellingCorrector) -> None:
    m = Message(data={TEXT: "/bezwaar_prijs"})
    assert spelling.process([m])[0].get(TEXT) == "/bezwaar_prijs"
    m = Message(data={TEXT: "de kalnt twijfelt"})
    assert spelling.process([m])[0].get(TEXT) == "de klant twijfelt"


def test_fasemodel_bewaren_en_laden_geeft_dezelfde_kansen(tmp_path: Path) -> None:
    from rasa_ext.fase import _bewaar_pijplijn, _lees_pijplijn, _pijplijn

    config = {**FaseClassifier.get_default_config(), "min_df": 1}  # five examples only
    teksten = ["te duur", "klant wil korting", "er komt iemand binnen", "hij kijkt rond", "pizza"]
    model = _pijplijn(config).fit(teksten, ["bezwaar", "bezwaar", "contact", "contact", "out"])
    _bewaar_pijplijn(model, tmp_path)
    geladen = _lees_pijplijn(tmp_path, config)
    proef = ["veel te duur", "iemand komt binnen", "onbekende zin"]
    assert list(geladen.classes_) == list(model.classes_)
    assert (geladen.predict_proba(proef) == model.predict_proba(proef)).all()


@pytest.mark.parametrize("aantal_fasen", [2, 3])
def test_snelle_kansen_zijn_die_van_sklearn(aantal_fasen: int) -> None:
    """rasa_ext.fase.Kansen: the pipeline's predict_proba without its per-call overhead."""
    from rasa_ext.fase import Kansen, _pijplijn

    config = {**FaseClassifier.get_default_config(), "min_df": 1}
    teksten = ["te duur", "klant wil korting", "er komt iemand binnen", "hij kijkt rond"]
    teksten += ["pizza bestellen", "hoe laat is het"]
    fasen = ["bezwaar", "bezwaar", "contact", "contact", "out", "out"]
    if aantal_fasen == 2:
        fasen = [f if f == "bezwaar" else "contact" for f in fasen]
    model = _pijplijn(config).fit(teksten, fasen)
    kansen = Kansen.van(model)
    proef = [*teksten, "veel te duur", "te duur te duur", "iemand komt binnen", "onbekende zin", ""]
    assert kansen.klassen == list(model.classes_)
    np.testing.assert_allclose(kansen(proef), model.predict_proba(proef), rtol=1e-12, atol=1e-15)


def test_crf_bewaard_geeft_dezelfde_entiteiten_als_rasas_crf(tmp_path: Path) -> None:
    """StoredCRFEntityExtractor loads its stored taggers; Rasa's own trains again on load."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
    from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
        LexicalSyntacticFeaturizer,
    )
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().reads(
        'version: "3.1"\nnlu:\n- intent: behoefte_vragen\n  examples: |\n'
        + "".join(
            f"    - ze zoekt een [{p}](product) voor {w}\n    - hij wil die [{p}](product) wel\n"
            for p in ["jas", "fiets", "bank", "bril", "laptop", "sjaal"]
            for w in ["thuis", "haar man", "op kantoor"]
        )
    )
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process_training_data(data)
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]
    for naam in ["kenmerken", "rasa", "bewaard"]:
        (tmp_path / naam).mkdir()
    lexicaal = LexicalSyntacticFeaturizer.create(
        LexicalSyntacticFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path / "kenmerken"),
        Resource("kenmerken"),
        context,
    )
    lexicaal.train(data)
    lexicaal.process_training_data(data)

    def getraind(cls: type[CRFEntityExtractor], naam: str) -> CRFEntityExtractor:
        storage, resource = LocalModelStorage(tmp_path / naam), Resource(naam)
        cls.create(cls.get_default_config(), storage, resource, context).train(data)
        return cls.load(cls.get_default_config(), storage, resource, context)

    rasa_crf = getraind(CRFEntityExtractor, "rasa")
    bewaard = getraind(StoredCRFEntityExtractor, "bewaard")
    assert not list((tmp_path / "bewaard").rglob("crf_dataset.json"))
    gevonden = 0
    for tekst in ["ze zoekt een jas voor thuis", "hij wil die fiets wel", "een bril misschien"]:
        berichten = [Message(data={TEXT: tekst}), Message(data={TEXT: tekst})]
        tokenizer.process(berichten)
        lexicaal.process(berichten)
        rasa_crf.process(berichten[:1])
        bewaard.process(berichten[1:])
        zonder_naam = [
            [{k: v for k, v in e.items() if k != "extractor"} for e in b.get("entities", [])]
            for b in berichten
        ]
        assert zonder_naam[0] == zonder_naam[1]
        gevonden += bool(berichten[1].get("entities"))
    assert gevonden >= 2  # the comparison is about real entities, not two empty lists
