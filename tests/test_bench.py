"""The benchmark's tables and targets: pure functions of a `make bench` result (bench/report.py)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from typing import Any

from bench import accuracy, report, serve
from bench.measure import boom, geheugen, latentie_ms, mediaan_van_runs
from bench.targets import doelen
from bench.trainer import trainer_tabel
from tools.blind import blinde_sets
from tools.domein import fase_per_intent, nlu_voorbeelden
from tools.nlu_eval import HELD_OUT


def _pipeline(fase: float, p95_50: float, verloren_50: int, rss: float) -> dict[str, Any]:
    blind = {"fase_nauwkeurigheid": 0.91, "macro_f1": 0.92, "fout_zeker": 0.04}
    blind |= {"naar_menu": 0.05, "ood_fallback": 0.93}
    niveau = {"p50": p95_50 / 2, "p95": p95_50, "doorvoer": 50.8, "verloren": verloren_50}
    return {
        "model": "/elders/model.tar.gz",
        "training": {"runs_s": [77.0, 80.0, 75.0], "mediaan_s": 77.0},
        "nlu": {
            "intent_nauwkeurigheid": 0.976,
            "fase_nauwkeurigheid": fase,
            "macro_f1": 0.987,
            "ood_fallback": 0.94,
            "ood_met_fase": 0.04,
            "per_fase": {
                "bezwaar": {"f1": 1.0, "aantal": 22},
                "contact": {"f1": 0.5, "aantal": 16},
            },
            "aantallen": {"held_out": 296, "in_domein": 246, "ood": 50},
        },
        "parse_ms": {"p50": 11.0, "p95": 15.0, "p99": 20.0},
        "rondreis_ms": {"p50": 28.0, "p95": 39.0, "p99": 54.0, "verloren": 0},
        "belasting": {"1": niveau | {"p95": 44.0, "steal": 0.011}, "50": niveau | {"steal": 0.007}},
        "geheugen_mb": {"rasa": rss, "actieserver": 139.0},
        "pss_mb": {"rasa": 787.0, "actieserver": 60.0},
        "blind": {naam: blind for s in blinde_sets() for naam in (s, s + "+typfouten")},
    }


RESULTAAT: dict[str, Any] = {
    "kop": {"datum": "2026-11-30T09:00:00+00:00", "machine": "2 cores (nproc), 23.5 GB, AMD"},
    "instellingen": {"json": "reports/bench.json", "niveaus": [1, 50]},
    "opzet": {"model project": "`models/coach.tar.gz`, niet in deze run getraind"},
    "pipelines": {
        "project": _pipeline(0.994, 1249.0, 0, 1142.0),
        "rasa_standaard": _pipeline(0.920, 2797.0, 2, 2692.0),
        "keyword": {
            "training": {"runs_s": [0.1] * 5, "mediaan_s": 0.15},
            "nlu": {
                "fase_nauwkeurigheid": 0.681,
                "per_fase": {
                    "bezwaar": {"f1": 0.864, "aantal": 22},
                    "contact": {"f1": 0.867, "aantal": 16},
                },
                "aantallen": {"held_out": 296, "ood": 50},
            },
            "blind": {
                naam: {"fase_nauwkeurigheid": 0.6, "fout_zeker": 0.25}
                for s in blinde_sets()
                for naam in (s, s + "+typfouten")
            },
        },
    },
}


def _tabel(tekst: str, titel: str) -> list[str]:
    deel = tekst.split(f"## {titel}\n\n", 1)[1]
    return deel.split("\n\n", 1)[0].splitlines()


def test_rapport_schrijft_de_secties_en_kolommen_van_benchmarks_md() -> None:
    r = copy.deepcopy(RESULTAAT) | {"doelen": doelen(RESULTAAT["pipelines"])}
    tekst = report.markdown(r)
    assert [regel for regel in tekst.splitlines() if regel.startswith("## ")] == [
        "## Resultaten",
        "## Blinde sets",
        "## Doelen",
        "## F1 per fase",
        "## Hoe gemeten",
    ]
    resultaten = _tabel(tekst, "Resultaten")
    assert resultaten[:2] == [
        "| meting | project (`config.yml`) | Rasa-standaard (`rasa init`) | keyword-baseline "
        "| project / standaard |",
        "|---|---:|---:|---:|---:|",
    ]
    assert "| fase-nauwkeurigheid | 0.994 | 0.920 | 0.681 | 1.08× |" in resultaten
    assert "| `rasa train` van nul, mediaan | 77 s | 77 s | 0.15 s | 1.00× |" in resultaten
    assert "| 50 verkopers tegelijk: p95 | 1249 ms | 2797 ms | — | 0.45× |" in resultaten
    # no ratio of lost messages or CPU steal
    assert "| 50 verkopers tegelijk: verloren (alle runs) | 0 | 2 | — | — |" in resultaten
    assert "| 1 verkoper: CPU-steal tijdens de runs | 1.1% | 1.1% | — | — |" in resultaten
    assert (
        resultaten[-1]
        == "| PSS Rasa-server na de belasting (gedeeld één keer) | 787 MiB | 787 MiB | — | 1.00× |"
    )
    assert len(resultaten) == 2 + 13 + 2 * 5 + 3  # header, fixed rows, 5 per load level, memory

    assert _tabel(tekst, "F1 per fase") == [
        "| fase | n | F1 project | F1 standaard | F1 keyword |",
        "|---|---:|---:|---:|---:|",
        "| bezwaar | 22 | 1.000 | 1.000 | 0.864 |",
        "| contact | 16 | 0.500 | 0.500 | 0.867 |",
    ]
    assert _tabel(tekst, "Blinde sets")[:2] == [
        "| set | meting | project | Rasa-standaard | keyword |",
        "|---|---|---:|---:|---:|",
    ]
    laatste = blinde_sets()[-1]
    assert f"| {laatste} | zeker advies, verkeerde fase | 4.0% | 4.0% | 25.0% |" in _tabel(
        tekst, "Blinde sets"
    )
    assert f"| {laatste}+typfouten | macro-F1 | 0.920 | 0.920 | — |" in _tabel(tekst, "Blinde sets")
    assert len(_tabel(tekst, "Blinde sets")) == 2 + 2 * len(blinde_sets()) * 5
    assert _tabel(tekst, "Doelen")[:3] == [
        "| doel | gemeten (project) | | verschil |",
        "|---|---|---|---|",
        "| Fase-nauwkeurigheid >= 0.95 | 0.994 | gehaald | ruimte 0.044 (5% van de grens) |",
    ]
    assert _tabel(tekst, "Hoe gemeten") == [
        "| | |",
        "|---|---|",
        "| model project | `models/coach.tar.gz`, niet in deze run getraind |",
    ]
    kop = tekst.split("\n\n", 3)[2].splitlines()
    assert kop[:3] == ["| | |", "|---|---|", "| datum | 2026-11-30T09:00:00+00:00 |"]
    assert "Ruwe cijfers: `reports/bench.json`." in tekst


def test_kop_en_opzet_beschrijven_deze_run(tmp_path, monkeypatch) -> None:
    from bench import train
    from bench.__main__ import instellingen, kop, opzet

    monkeypatch.delenv("MAKELEVEL", raising=False)  # `make test` runs this, not `make bench`

    argv = ["--zonder-standaard", "--train-runs", "0", "--niveaus", "1,50"]
    args, rijen = instellingen(argv), nlu_voorbeelden(HELD_OUT)
    ood = sum(pad.name == "buiten_domein.yml" for _, _, pad in rijen)
    regels = kop(argv, args, rijen)
    assert (
        regels["commando"] == "`python -m bench --zonder-standaard --train-runs 0 --niveaus 1,50`"
    )
    monkeypatch.setenv("MAKELEVEL", "1")
    assert kop(argv, args, rijen)["commando"].startswith("`make bench (python -m bench --zonder")
    assert regels["held-out"].startswith(
        f"{len(rijen)} testzinnen uit `tests/nlu/`, waarvan {ood} "
    )
    assert regels["software"].startswith("Rasa 3.6.21, rasa-sdk 3.6.2; commit ")

    model = tmp_path / "ander.tar.gz"
    model.write_bytes(b"")
    pipelines = {"project": train.pipeline("project", tmp_path / "config.yml", 0, model, print)}
    hoe = opzet(args, pipelines)
    assert hoe["model project"] == f"`{model}`, niet in deze run getraind"
    assert hoe["model Rasa-standaard"].startswith("niet gemeten; ")
    assert hoe["trainingen van nul"] == "project 0, standaard 0, keyword 5"
    assert hoe["belasting"].startswith("1, 50 verkopers tegelijk, elk 2 verkoop/verkopen van ")


def test_rapport_van_een_afgebroken_run_toont_wat_niet_gemeten_is() -> None:
    r = copy.deepcopy(RESULTAAT)
    del r["pipelines"]["rasa_standaard"], r["pipelines"]["project"]["belasting"]
    r["doelen"] = doelen(r["pipelines"])
    tekst = report.markdown(r)
    resultaten = _tabel(tekst, "Resultaten")
    assert "| fase-nauwkeurigheid | 0.994 | — | 0.681 | — |" in resultaten
    assert "| 50 verkopers tegelijk: p95 | — | — | — | — |" in resultaten
    assert "| 50 verkopers tegelijk: p95 <= 1500 ms | niet gemeten | niet gemeten |  |" in (
        _tabel(tekst, "Doelen")
    )


def test_doelen_met_marge_en_wat_gemist_is() -> None:
    rijen = {d["doel"]: d for d in doelen(RESULTAAT["pipelines"])}
    assert rijen["50 verkopers tegelijk: p95 <= 1500 ms"] == {
        "doel": "50 verkopers tegelijk: p95 <= 1500 ms",
        "gemeten": "1249 ms",
        "gehaald": True,
        "verschil": "ruimte 251 ms (17% van de grens)",
    }
    assert rijen["50 verkopers tegelijk: 0 verloren"]["verschil"] == "ruimte 0"
    assert rijen["Piek-RSS Rasa-server <= 1.3 GB"]["verschil"] == "ruimte 98 MiB (8% van de grens)"
    assert rijen["Fase-nauwkeurigheid >= 0.95"]["gehaald"] is True
    nauwkeurig = rijen["Minstens zo nauwkeurig als Rasa's standaard"]
    assert nauwkeurig["verschil"] == "op alle punten"

    slecht = copy.deepcopy(RESULTAAT["pipelines"])
    slecht["project"]["belasting"]["50"] |= {"p95": 1700.0, "verloren": 3}
    slecht["project"]["nlu"]["fase_nauwkeurigheid"] = 0.90
    rijen = {d["doel"]: d for d in doelen(slecht)}
    assert rijen["50 verkopers tegelijk: p95 <= 1500 ms"]["verschil"] == (
        "gemist met 200 ms (13% van de grens)"
    )
    verloren = rijen["50 verkopers tegelijk: 0 verloren"]
    assert [verloren[k] for k in ("gemeten", "gehaald", "verschil")] == ["3", False, "gemist met 3"]
    assert rijen["Fase-nauwkeurigheid >= 0.95"]["verschil"] == "gemist met 0.050 (5% van de grens)"
    assert rijen["Minstens zo nauwkeurig als Rasa's standaard"]["verschil"] == "gemist: fase -0.020"

    alleen_keyword = {"keyword": RESULTAAT["pipelines"]["keyword"]}  # a run that failed early
    assert {d["gehaald"] for d in doelen(alleen_keyword)} == {None}


def test_mediaan_van_runs_telt_elk_verloren_bericht() -> None:
    runs = [
        {"p95": 10.0, "verloren": 1},
        {"p95": 30.0, "verloren": 0},
        {"p95": 20.0, "verloren": 2},
    ]
    assert mediaan_van_runs(runs) == {"p95": 20.0, "verloren": 3, "runs": runs}


def test_latentie_telt_onbeantwoorde_beurten() -> None:
    beurten = [(True, 0.010), (False, 0.030), (True, 0.020), (True, 0.040)]
    assert latentie_ms(beurten) == {"p50": 20.0, "p95": 40.0, "p99": 40.0, "n": 4, "verloren": 1}


def test_geheugen_van_een_echte_procesboom() -> None:
    # The grandchild takes 50 MiB and gives it back: its peak (VmHWM) stays, its PSS does not.
    kleinkind = "import time; x = bytearray(50 * 2**20); del x; print(flush=True); time.sleep(9)"
    kind = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {kleinkind!r}])",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert kind.stdout is not None and kind.stdout.readline() == "\n"  # the buffer is freed
        gemeten = geheugen({"boom": kind.pid, "ik": os.getpid()})
        assert gemeten["boom"]["processen"] == 2  # the child and its grandchild
        assert gemeten["boom"]["geheugen_mb"] >= 50 > gemeten["boom"]["pss_mb"]  # MiB
        assert gemeten["ik"]["processen"] >= 1
    finally:
        kind.kill()
        kind.wait()
    assert boom(kind.pid) == []  # gone: nothing to read


def test_trainer_tabel_met_doelen_en_cpu_tijd() -> None:
    u = {"berichten": 9990, "events": 105228, "inbox": 0.741, "inbox_cpu": 0.52}
    u |= {"inbox_items": 2444, "labelen": 0.135, "labelen_cpu": 0.097, "dashboard": 0.9}
    u |= {"dashboard_cpu": 0.687, "dashboard_week": 0.29, "inbox_bewaard": 0.044}
    u |= {"labelen_eerst": 10.2, "dashboard_bewaard": 0.032}
    assert trainer_tabel({"SQLite": u}) == [
        "| opslag | inbox (10.000 berichten) | één voorbeeld schrijven "
        "| dashboard + 5 grafieken (100.000 events) | dashboard per week |",
        "|---|---|---|---|---|",
        "| SQLite (9990 berichten, 105228 events) | 741 ms ✗ (cpu 520 ms), 2444 groepen; "
        "bewaard 44 ms | 135 ms ✓ (cpu 97 ms), de eerste 10.2 s | 900 ms ✓ (cpu 687 ms); "
        "bewaard 32 ms | 290 ms |",
    ]


def test_keyword_baseline_stemt_met_sleutelwoorden() -> None:
    parse = accuracy.keyword_parser(
        [("te duur", "bezwaar_prijs"), ("veel te duur", "bezwaar_prijs"), ("hallo daar", "greet")]
    )
    assert parse("het is echt te duur") == ("bezwaar_prijs", 1.0)
    assert parse("hallo") == ("nlu_fallback", 0.0)  # seen once: no keyword


def test_korte_verkopen_een_held_out_zin_per_fase_in_volgorde() -> None:
    rijen, fasen = nlu_voorbeelden(HELD_OUT), fase_per_intent()
    per_fase = {f: [t for t, i, _ in rijen if fasen.get(i) == f] for f in serve.VERKOOP_FASEN}
    verkopen = serve.korte_verkopen(rijen)
    assert len(verkopen) == max(map(len, per_fase.values()))
    for k, verkoop in enumerate(verkopen):  # sale k: the k-th text of each phase, round the list
        assert verkoop == [per_fase[f][k % len(per_fase[f])] for f in serve.VERKOOP_FASEN]
    for fase, teksten in per_fase.items():  # every held-out text of a phase is sent
        assert set(teksten) == {v[serve.VERKOOP_FASEN.index(fase)] for v in verkopen}


def test_alleen_een_volle_run_schrijft_de_vastgelegde_tabellen() -> None:
    from bench.__main__ import instellingen
    from stack.paths import ROOT

    vol = instellingen([])
    assert not vol.zonder_standaard and vol.standaard_train_runs == 1
    assert (vol.json, vol.markdown) == (ROOT / "reports/bench.json", ROOT / "docs/benchmarks.md")
    for argv in (["--quick"], ["--zonder-standaard", "--train-runs", "0", "--niveaus", "50"]):
        deel = instellingen(argv)
        assert deel.zonder_standaard, argv
        assert (deel.json, deel.markdown) == (
            ROOT / "reports/bench-deel.json",
            ROOT / "reports/benchmarks-deel.md",
        ), argv


def test_nlu_tijd_per_component_en_daarna_rasas_eigen_aanroep(monkeypatch) -> None:
    from types import SimpleNamespace

    from rasa.engine.graph import GraphNode

    from bench.nlu import per_node

    monkeypatch.setattr(GraphNode, "__call__", lambda self, *args: args)
    eigen = GraphNode.__call__
    node = SimpleNamespace(_node_name="run_FaseClassifier7")
    with per_node() as tijden:
        assert GraphNode.__call__(node, 1, 2) == (1, 2)  # the node's own result passes through
        GraphNode.__call__(node)
    assert list(tijden) == ["run_FaseClassifier7"] and tijden["run_FaseClassifier7"] > 0
    assert GraphNode.__call__ is eigen


def test_oefenen_meet_start_en_oordeel_tegen_de_regels(capsys, monkeypatch) -> None:
    from actions.oefen_gelabeld import lees_gelabeld, ontwikkelsets
    from bench import oefenen

    run = oefenen.een_run(oefenen.laad_oefenboek())
    antwoorden = sum(len(lees_gelabeld(p)) for p in ontwikkelsets())
    assert run["antwoorden"] == antwoorden and all(v > 0 for v in run.values())
    monkeypatch.setattr(oefenen, "een_run", lambda _: run)  # main's table, without a second run
    assert oefenen.main(["--runs", "1"]) == 0
    uit = capsys.readouterr().out
    assert f"| lezen ({antwoorden} gelabelde antwoorden) |" in uit
    assert "| regels (de baseline) |" in uit and "| regels + geleerd oordeel |" in uit
