"""reports/bench.json and the table in docs/benchmarks.md, from one measured run.

Every figure in the markdown comes from the result dict; nothing is typed in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.targets import DOORVOER_NIVEAU, KEYWORD, PROJECT, RSS_GRENS_MB, STANDAARD
from tools.domein import ROOT

KOLOMMEN = (PROJECT, STANDAARD, KEYWORD)
Opmaak = Callable[[float], str]


def schrijf_json(resultaat: dict[str, Any], pad: Path) -> None:
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_text(json.dumps(resultaat, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _waarde(pipeline: dict[str, Any], pad: tuple[str, ...]) -> float | None:
    waarde: Any = pipeline
    for sleutel in pad:
        if not isinstance(waarde, dict) or sleutel not in waarde:
            return None
        waarde = waarde[sleutel]
    return float(waarde) if isinstance(waarde, int | float) else None


def _fractie(x: float) -> str:
    return f"{x:.3f}"


def _procent(x: float) -> str:
    return f"{x:.1%}"


def _ms(x: float) -> str:
    return f"{x:.0f} ms"


def _seconden(x: float) -> str:
    return f"{x:.0f} s" if x >= 10 else f"{x:.2g} s"


def _geheel(x: float) -> str:
    return f"{x:.0f}"


def _per_seconde(x: float) -> str:
    return f"{x:.1f} /s"


def _mib(x: float) -> str:
    return f"{x:.0f} MiB"


def _rij(
    pipelines: dict[str, Any], label: str, pad: tuple[str, ...], opmaak: Opmaak, ratio: bool
) -> str:
    waarden = {k: _waarde(pipelines.get(k, {}), pad) for k in KOLOMMEN}
    cellen = [opmaak(w) if w is not None else "—" for w in waarden.values()]
    p, s = waarden[PROJECT], waarden[STANDAARD]
    verhouding = f"{p / s:.2f}×" if ratio and p is not None and s else "—"
    return f"| {label} | {' | '.join(cellen)} | {verhouding} |"


def _training_label(pipelines: dict[str, Any]) -> str:
    runs = [len((pipelines.get(k, {}).get("training") or {}).get("runs_s", [])) for k in KOLOMMEN]
    return f"`rasa train` van nul, mediaan (runs: {runs[0]} / {runs[1]} / {runs[2]})"


def resultaten_tabel(resultaat: dict[str, Any]) -> list[str]:
    pipelines = resultaat["pipelines"]
    rijen: list[tuple[str, tuple[str, ...], Opmaak, bool]] = [
        ("intent-nauwkeurigheid (in domein)", ("nlu", "intent_nauwkeurigheid"), _fractie, True),
        ("fase-nauwkeurigheid", ("nlu", "fase_nauwkeurigheid"), _fractie, True),
        ("macro-F1 over de fasen", ("nlu", "macro_f1"), _fractie, True),
        ("buiten domein: fallback of out_of_scope", ("nlu", "ood_fallback"), _procent, True),
        ("buiten domein: toch een fase", ("nlu", "ood_met_fase"), _procent, True),
        (_training_label(pipelines), ("training", "mediaan_s"), _seconden, True),
    ]
    for p in ("p50", "p95", "p99"):
        rijen.append((f"`/model/parse` {p}", ("parse_ms", p), _ms, True))
    for p in ("p50", "p95", "p99"):
        rijen.append((f"rondreis webhook, 1 verkoper, {p}", ("rondreis_ms", p), _ms, True))
    rijen.append(("rondreis webhook: verloren", ("rondreis_ms", "verloren"), _geheel, False))
    for n in resultaat["instellingen"]["niveaus"]:
        b, wie = ("belasting", str(n)), "1 verkoper" if n == 1 else f"{n} verkopers tegelijk"
        rijen += [
            (f"{wie}: p50", (*b, "p50"), _ms, True),
            (f"{wie}: p95", (*b, "p95"), _ms, True),
            (f"{wie}: doorvoer", (*b, "doorvoer"), _per_seconde, True),
            (f"{wie}: verloren (alle runs)", (*b, "verloren"), _geheel, False),
            (f"{wie}: CPU-steal tijdens de runs", (*b, "steal"), _procent, False),
        ]
    rijen += [
        ("piek-RSS Rasa-server (som per proces)", ("geheugen_mb", "rasa"), _mib, True),
        ("piek-RSS actieserver", ("geheugen_mb", "actieserver"), _mib, True),
        ("piek-PSS Rasa-server (gedeeld één keer)", ("pss_mb", "rasa"), _mib, True),
    ]
    return [
        "| meting | project (`config.yml`) | Rasa-standaard (`rasa init`) | keyword-baseline "
        "| project / standaard |",
        "|---|---:|---:|---:|---:|",
        *(_rij(pipelines, *r) for r in rijen),
    ]


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
    fasen = pipelines[KEYWORD]["nlu"]["per_fase"]
    regels = ["| fase | n | F1 project | F1 standaard | F1 keyword |", "|---|---:|---:|---:|---:|"]
    for fase, score in fasen.items():
        f1 = [_waarde(pipelines.get(k, {}), ("nlu", "per_fase", fase, "f1")) for k in KOLOMMEN]
        cellen = " | ".join(_fractie(w) if w is not None else "—" for w in f1)
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


def methode(resultaat: dict[str, Any]) -> list[str]:
    inst, opzet = resultaat["instellingen"], resultaat["meetopzet"]
    standaard = resultaat["rasa_standaard_componenten"]
    init_config = "/".join(Path(resultaat["rasa_init_config"]).parts[-4:])
    pipelines = resultaat["pipelines"]
    training_std = len((pipelines.get(STANDAARD, {}).get("training") or {}).get("runs_s", []))
    fasen = opzet["verkoop_fasen"]
    return [
        f"- **Project**: `config.yml`. Het gemeten model is "
        f"{_model_bron(pipelines.get(PROJECT, {}))}.",
        f"- **Rasa-standaard**: de `config.yml` die `rasa init` schrijft (`{init_config}` uit het "
        "geïnstalleerde Rasa-pakket, ongewijzigd). Die laat `pipeline` en `policies` leeg; Rasa "
        f"vult ze bij het trainen aan met {', '.join(standaard['pipeline'])} en de policies "
        f"{', '.join(standaard['policies'])} (`engine/recipes/config_files/default_config.yml`). "
        "Zelfde domein en data. `language: en` uit het sjabloon maakt voor deze componenten "
        "niet uit. Het gemeten model is "
        f"{_model_bron(pipelines.get(STANDAARD, {}))}.",
        "- **Keyword-baseline** (`bench/keyword_baseline.py`): elk woord uit de "
        "trainingsvoorbeelden dat vooral bij één intent voorkomt, stemt op die intent; zonder zo'n "
        "woord: `nlu_fallback`. Training = de woordtabel bouwen, in het proces; geen server, dus "
        "geen latentie of geheugen.",
        "- **Nauwkeurigheid**: `POST /model/parse` op elke held-out zin. Intent-nauwkeurigheid "
        "over de zinnen in domein; fase-nauwkeurigheid en macro-F1 via "
        "`tools/nlu_eval.fase_scores` over alle held-out zinnen (een fallback of algemene "
        "intent telt als 'geen fase').",
        "- **Buiten domein**: aandeel van `buiten_domein.yml` dat `nlu_fallback` of `out_of_scope` "
        "krijgt in plaats van een fase.",
        "- **Training**: `rasa train` van nul in een verse tijdelijke map (kopie van de config, "
        "symlinks naar `domain.yml` en `data/`, eigen lege `.rasa/cache`, lege `--out`), "
        f"wandkloktijd inclusief het opstarten van Python. Project: {inst['train_runs']} run(s), "
        f"standaard: {training_std} run(s), omdat die zo lang duurt.",
        f"- **Servers**: per pipeline een eigen actieserver, Rasa-server (`python -m "
        "rasa_ext.server run`: `rasa run` zonder de kosten per bericht uit "
        f"[serving.md](serving.md); SANIC_WORKERS {opzet['SANIC_WORKERS']}: zoveel "
        "Rasa-processen op één poort, "
        f"ACTION_SERVER_SANIC_WORKERS {opzet['ACTION_SERVER_SANIC_WORKERS']}) en Redis voor de "
        f"gesprekken en locks ({opzet.get('opslag', 'SQLite')}), op vrije poorten op 127.0.0.1 "
        "met een tijdelijke endpoints.yml. Beide pipelines draaien tegelijk en "
        "worden om beurten gemeten, run voor run, zodat wisselende drukte van anderen op deze "
        f"machine beide gelijk treft. Eerst opwarmen ({opzet['opwarm_parses']} parses en een "
        "verkoop), dan meten.",
        "- **Latentie**: `/model/parse` over alle held-out zinnen na elkaar; rondreis = "
        "`POST /webhooks/rest/webhook` met de echte actieserver, "
        f"{inst['rondreis_berichten']} berichten na elkaar, een nieuwe verkoop (sender-id) per "
        f"{len(fasen)} berichten. p50/p95/p99 per run (nearest rank), mediaan over "
        f"{inst['runs']} run(s).",
        f"- **Belasting**: {', '.join(map(str, inst['niveaus']))} verkopers tegelijk, elk met een "
        f"eigen sender-id en {inst['verkopen_per_verkoper']} korte verkoop/verkopen van "
        f"{len(fasen)} held-out berichten ({', '.join(fasen)}); elk bericht pas na het antwoord "
        "op het vorige. Verloren = fout, time-out "
        f"({opzet['timeout_s']:.0f} s), geen 200, of geen antwoord behalve de vangnetzin van het "
        "kanaal. Doorvoer = beantwoorde berichten / wandkloktijd van de run. De "
        f"doorvoer-doelstelling gebruikt {DOORVOER_NIVEAU} verkopers.",
        "- **Geheugen**: VmHWM uit `/proc/<pid>/status` van het serverproces en al zijn "
        f"kinderen, elke {opzet['geheugen_interval_s']} s bemonsterd; per server de som over de "
        "procesboom van de piek per proces. Dat is een bovengrens: pagina's die processen delen "
        "(bibliotheken, geforkt geheugen) tellen in elk proces mee. De doelstelling gebruikt "
        f"deze strengste lezing; grens 1.3 GB = {RSS_GRENS_MB:.0f} MiB. Ter vergelijking de "
        "piek-PSS: de hoogste som in één meting van `Pss` uit `/proc/<pid>/smaps_rollup`, "
        "waarin elke pagina één keer telt.",
        "- Gedeelde machine: de load hierboven telt alleen de processen van deze virtuele "
        "machine. De CPU-steal (uit `/proc/stat`, per belastingsrun) is het deel van de CPU-tijd "
        "dat de hypervisor aan andere machines gaf: hoe hoger, hoe trager dezelfde code.",
    ]


def _model_bron(pipeline: dict[str, Any]) -> str:
    model = pipeline.get("model")
    if not model:
        return "niet gemeten"
    pad = Path(model)
    naam = str(pad.relative_to(ROOT)) if pad.is_relative_to(ROOT) else str(pad)
    if (pipeline.get("training") or {}).get("runs_s") and pad.parent == ROOT / "reports" / "bench":
        return f"dat van de eerste training van nul in deze run (`{naam}`)"
    return f"`{naam}`, niet in deze run getraind"


def schrijf_markdown(resultaat: dict[str, Any], pad: Path) -> None:
    regels = [
        "# Benchmarks",
        "",
        "Gegenereerd door `make bench` (`bench/`) uit één gemeten run; niet met de hand "
        "bewerken. Ruwe cijfers: `reports/bench.json`. Issue 4 beschrijft de doelen.",
        "",
        *kop(resultaat),
        "",
        "## Resultaten",
        "",
        *resultaten_tabel(resultaat),
        "",
        "## Doelen",
        "",
        *doelen_tabel(resultaat),
        "",
        "## F1 per fase",
        "",
        *fase_tabel(resultaat),
        "",
        "## Hoe gemeten",
        "",
        *methode(resultaat),
        "",
    ]
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_text("\n".join(regels), encoding="utf-8")
