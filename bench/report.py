"""reports/bench.json and docs/benchmarks.md from one measured run; nothing is typed in.

How it measures is prose, in docs/bench-methode.md; the tables here name this run's settings.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.measure import getal
from bench.targets import KEYWORD, OPMAAK, PROJECT, RSS_GRENS_MB, STANDAARD
from stack.paths import ROOT

KOLOMMEN = (PROJECT, STANDAARD, KEYWORD)


def schrijf_json(resultaat: dict[str, Any], pad: Path) -> None:
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_text(json.dumps(resultaat, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _rij(pipelines: dict, label: str, pad: tuple[str, ...], opmaak: str, ratio: bool) -> str:
    waarden = {k: getal(pipelines.get(k, {}), *pad) for k in KOLOMMEN}
    cellen = [OPMAAK[opmaak](w) if w is not None else "—" for w in waarden.values()]
    p, s = waarden[PROJECT], waarden[STANDAARD]
    verhouding = f"{p / s:.2f}×" if ratio and p is not None and s else "—"
    return f"| {label} | {' | '.join(cellen)} | {verhouding} |"


def _trainingen(pipelines: dict[str, Any]) -> list[int]:
    return [len((pipelines.get(k, {}).get("training") or {}).get("runs_s", [])) for k in KOLOMMEN]


def resultaten_tabel(resultaat: dict[str, Any]) -> list[str]:
    pipelines = resultaat["pipelines"]
    runs = " / ".join(map(str, _trainingen(pipelines)))
    rijen: list[tuple[str, tuple[str, ...], str, bool]] = [
        ("intent-nauwkeurigheid (in domein)", ("nlu", "intent_nauwkeurigheid"), "fractie", True),
        ("fase-nauwkeurigheid", ("nlu", "fase_nauwkeurigheid"), "fractie", True),
        ("macro-F1 over de fasen", ("nlu", "macro_f1"), "fractie", True),
        ("buiten domein: fallback of out_of_scope", ("nlu", "ood_fallback"), "procent", True),
        ("buiten domein: toch een fase", ("nlu", "ood_met_fase"), "procent", True),
        (
            f"`rasa train` van nul, mediaan (runs: {runs})",
            ("training", "mediaan_s"),
            "seconden",
            True,
        ),
    ]
    rijen += [(f"`/model/parse` {p}", ("parse_ms", p), "ms", True) for p in ("p50", "p95", "p99")]
    rijen += [
        (f"rondreis webhook, 1 verkoper, {p}", ("rondreis_ms", p), "ms", True)
        for p in ("p50", "p95", "p99")
    ]
    rijen.append(("rondreis webhook: verloren", ("rondreis_ms", "verloren"), "geheel", False))
    for n in resultaat["instellingen"]["niveaus"]:
        b, wie = ("belasting", str(n)), "1 verkoper" if n == 1 else f"{n} verkopers tegelijk"
        rijen += [
            (f"{wie}: p50", (*b, "p50"), "ms", True),
            (f"{wie}: p95", (*b, "p95"), "ms", True),
            (f"{wie}: doorvoer", (*b, "doorvoer"), "per_seconde", True),
            (f"{wie}: verloren (alle runs)", (*b, "verloren"), "geheel", False),
            (f"{wie}: CPU-steal tijdens de runs", (*b, "steal"), "procent", False),
        ]
    rijen += [
        ("piek-RSS Rasa-server (som per proces)", ("geheugen_mb", "rasa"), "mib", True),
        ("piek-RSS actieserver", ("geheugen_mb", "actieserver"), "mib", True),
        ("piek-PSS Rasa-server (gedeeld één keer)", ("pss_mb", "rasa"), "mib", True),
    ]
    return [
        "| meting | project (`config.yml`) | Rasa-standaard (`rasa init`) | keyword-baseline "
        "| project / standaard |",
        "|---|---:|---:|---:|---:|",
        *(_rij(pipelines, *r) for r in rijen),
    ]


def blind_tabel(resultaat: dict[str, Any]) -> list[str]:
    """Per blind set (and its typo'd copy): the issue-10 figures for each pipeline."""
    pipelines = resultaat["pipelines"]
    sets = list((pipelines.get(KEYWORD, {}).get("blind") or {}).keys())
    maten = (
        ("fase-nauwkeurigheid", "fase_nauwkeurigheid", "fractie"),
        ("macro-F1", "macro_f1", "fractie"),
        ("zeker advies, verkeerde fase", "fout_zeker", "procent"),
        ("naar het menu", "naar_menu", "procent"),
        ("buiten domein naar de fallback", "ood_fallback", "procent"),
    )
    regels = [
        "| set | meting | project | Rasa-standaard | keyword |",
        "|---|---|---:|---:|---:|",
    ]
    for naam in sets:
        for label, sleutel, opmaak in maten:
            waarden = [getal(pipelines.get(k, {}), "blind", naam, sleutel) for k in KOLOMMEN]
            cellen = " | ".join(OPMAAK[opmaak](w) if w is not None else "—" for w in waarden)
            regels.append(f"| {naam} | {label} | {cellen} |")
    return regels


def doelen_tabel(resultaat: dict[str, Any]) -> list[str]:
    teken = {True: "gehaald", False: "**gemist**", None: "niet gemeten"}
    return [
        "| doel | gemeten (project) | | verschil |",
        "|---|---|---|---|",
        *(
            f"| {d['doel']} | {d['gemeten']} | {teken[d['gehaald']]} | {d['verschil']} |"
            for d in resultaat["doelen"]
        ),
    ]


def fase_tabel(resultaat: dict[str, Any]) -> list[str]:
    pipelines = resultaat["pipelines"]
    regels = ["| fase | n | F1 project | F1 standaard | F1 keyword |", "|---|---:|---:|---:|---:|"]
    for fase, score in pipelines[KEYWORD]["nlu"]["per_fase"].items():
        f1 = [getal(pipelines.get(k, {}), "nlu", "per_fase", fase, "f1") for k in KOLOMMEN]
        cellen = " | ".join(OPMAAK["fractie"](w) if w is not None else "—" for w in f1)
        regels.append(f"| {fase} | {score['aantal']} | {cellen} |")
    return regels


def _load(waarden: list[float]) -> str:
    return ", ".join(f"{w:.2f}" for w in waarden)


def kop(resultaat: dict[str, Any]) -> list[str]:
    m, inst, git = resultaat["machine"], resultaat["instellingen"], resultaat["git"]
    aantallen = resultaat["pipelines"][KEYWORD]["nlu"]["aantallen"]
    return [
        "| | |",
        "|---|---|",
        f"| datum | {resultaat['datum']} |",
        f"| commando | `{resultaat['commando']}` |",
        f"| machine | {m['nproc']} cores (nproc), {m['geheugen_gb']} GB geheugen, {m['cpu']} |",
        f"| load (1, 5, 15 min) | bij de start {_load(m['load_bij_start'])}; aan het eind "
        f"{_load(m.get('load_bij_einde', []))} |",
        f"| software | Rasa {version('rasa')}, rasa-sdk {version('rasa-sdk')}; commit "
        f"{git['commit']}{' met lokale wijzigingen' if git['gewijzigd'] else ''} |",
        f"| held-out | {aantallen['held_out']} testzinnen uit `tests/nlu/`, waarvan "
        f"{aantallen['ood']} buiten domein (`tests/nlu/buiten_domein.yml`) |",
        f"| herhalingen | {inst['runs']} run(s) per tijdmeting (de tabel toont de mediaan) |",
    ]


def _model_bron(pipeline: dict[str, Any]) -> str:
    if not (model := pipeline.get("model")):
        return "niet gemeten"
    pad = Path(model)
    naam = str(pad.relative_to(ROOT)) if pad.is_relative_to(ROOT) else str(pad)
    if (pipeline.get("training") or {}).get("runs_s") and pad.parent == ROOT / "reports" / "bench":
        return f"eerste training van nul in deze run (`{naam}`)"
    return f"`{naam}`, niet in deze run getraind"


def opzet_tabel(resultaat: dict[str, Any]) -> list[str]:
    """This run's settings; what they mean is in docs/bench-methode.md."""
    inst, opzet, pipelines = (
        resultaat["instellingen"],
        resultaat["meetopzet"],
        resultaat["pipelines"],
    )
    standaard = resultaat["rasa_standaard_componenten"]
    fasen = opzet["verkoop_fasen"]
    project_runs, standaard_runs, _ = _trainingen(pipelines)
    return [
        "| | |",
        "|---|---|",
        f"| model project | {_model_bron(pipelines.get(PROJECT, {}))} |",
        f"| model Rasa-standaard | {_model_bron(pipelines.get(STANDAARD, {}))}; "
        f"`{'/'.join(Path(resultaat['rasa_init_config']).parts[-4:])}`, aangevuld met "
        f"{', '.join(standaard['pipeline'])}; policies {', '.join(standaard['policies'])} |",
        f"| trainingen van nul | project {project_runs}, standaard {standaard_runs} |",
        f"| servers | SANIC_WORKERS {opzet['SANIC_WORKERS']}, ACTION_SERVER_SANIC_WORKERS "
        f"{opzet['ACTION_SERVER_SANIC_WORKERS']}; {opzet.get('opslag', 'SQLite')}; opwarmen: "
        f"{opzet['opwarm_parses']} parses en een verkoop |",
        f"| rondreis | {inst['rondreis_berichten']} berichten, een nieuwe verkoop per "
        f"{len(fasen)} berichten |",
        f"| belasting | {', '.join(map(str, inst['niveaus']))} verkopers tegelijk, elk "
        f"{inst['verkopen_per_verkoper']} verkoop/verkopen van {len(fasen)} berichten "
        f"({', '.join(fasen)}); time-out {opzet['timeout_s']:.0f} s |",
        f"| geheugen | elke {opzet['geheugen_interval_s']} s bemonsterd; grens 1.3 GB = "
        f"{RSS_GRENS_MB:.0f} MiB |",
    ]


def schrijf_markdown(resultaat: dict[str, Any], pad: Path) -> None:
    delen = {
        "Resultaten": resultaten_tabel,
        "Blinde sets": blind_tabel,
        "Doelen": doelen_tabel,
        "F1 per fase": fase_tabel,
        "Hoe gemeten": opzet_tabel,
    }
    regels = [
        "# Benchmarks",
        "",
        "Gegenereerd door `make bench` (`python -m bench`) uit één gemeten run; niet met de hand "
        "bewerken. Ruwe cijfers: `reports/bench.json`. Issues 4 en 10 beschrijven de doelen, "
        "[bench-methode.md](bench-methode.md) hoe er gemeten wordt.",
        "",
        *kop(resultaat),
    ]
    for titel, tabel in delen.items():
        regels += ["", f"## {titel}", "", *tabel(resultaat)]
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_text("\n".join([*regels, ""]), encoding="utf-8")
