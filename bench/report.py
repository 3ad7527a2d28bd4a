"""docs/benchmarks.md from one measured run (a pure function of the result dict)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.measure import getal
from bench.targets import KEYWORD, OPMAAK, PROJECT, RSS_GRENS_MB, STANDAARD
from stack.paths import ROOT

KOLOMMEN = (PROJECT, STANDAARD, KEYWORD)
KOP = (
    "Gegenereerd door `make bench` (`python -m bench`) uit één gemeten run; niet met de hand "
    "bewerken. Ruwe cijfers: `{json}`. Issues 4 en 10 beschrijven de doelen, "
    "[bench-methode.md](bench-methode.md) hoe er gemeten wordt."
)
PERCENTIELEN = ("p50", "p95", "p99")
# (row, dotted path in each pipeline's result, format); {n} is a load level
RESULTATEN = [
    ("intent-nauwkeurigheid (in domein)", "nlu.intent_nauwkeurigheid", "fractie"),
    ("fase-nauwkeurigheid", "nlu.fase_nauwkeurigheid", "fractie"),
    ("macro-F1 over de fasen", "nlu.macro_f1", "fractie"),
    ("buiten domein: fallback of out_of_scope", "nlu.ood_fallback", "procent"),
    ("buiten domein: toch een fase", "nlu.ood_met_fase", "procent"),
    ("`rasa train` van nul, mediaan (runs: {runs})", "training.mediaan_s", "seconden"),
    *((f"`/model/parse` {p}", f"parse_ms.{p}", "ms") for p in PERCENTIELEN),
    *((f"rondreis webhook, 1 verkoper, {p}", f"rondreis_ms.{p}", "ms") for p in PERCENTIELEN),
    ("rondreis webhook: verloren", "rondreis_ms.verloren", "geheel"),
]
PER_NIVEAU = [
    ("{wie}: p50", "belasting.{n}.p50", "ms"),
    ("{wie}: p95", "belasting.{n}.p95", "ms"),
    ("{wie}: doorvoer", "belasting.{n}.doorvoer", "per_seconde"),
    ("{wie}: verloren (alle runs)", "belasting.{n}.verloren", "geheel"),
    ("{wie}: CPU-steal tijdens de runs", "belasting.{n}.steal", "procent"),
]
GEHEUGEN = [
    ("piek-RSS Rasa-server (som per proces)", "geheugen_mb.rasa", "mib"),
    ("piek-RSS actieserver", "geheugen_mb.actieserver", "mib"),
    ("piek-PSS Rasa-server (gedeeld één keer)", "pss_mb.rasa", "mib"),
]
BLIND = [
    ("fase-nauwkeurigheid", "fase_nauwkeurigheid", "fractie"),
    ("macro-F1", "macro_f1", "fractie"),
    ("zeker advies, verkeerde fase", "fout_zeker", "procent"),
    ("naar het menu", "naar_menu", "procent"),
    ("buiten domein naar de fallback", "ood_fallback", "procent"),
]
ONDEELBAAR = ("verloren", "steal")  # no ratio of lost messages or of other machines' CPU steal
TEKEN = {True: "gehaald", False: "**gemist**", None: "niet gemeten"}


def tabel(koppen: Sequence[str], rijen: Iterable[Sequence[Any]], links: int = 1) -> list[str]:
    """A markdown table: the first `links` columns aligned left, the rest (figures) right."""
    kop = "|" + "|".join(f" {k} " if k else " " for k in koppen) + "|"
    streep = "|" + "|".join(["---"] * links + ["---:"] * (len(koppen) - links)) + "|"
    return [kop, streep, *(f"| {' | '.join(map(str, rij))} |" for rij in rijen)]


def vergelijking(
    r: dict[str, Any], koppen: Sequence[str], rijen: Iterable[tuple[Any, ...]], links: int = 1
) -> list[str]:
    """Rows of (label..., dotted path, format): the labels, the figure of each pipeline (— where
    it was not measured) and, when the headers have a column for it, project / standard."""
    pipelines, uit = r["pipelines"], []
    for *labels, pad, opmaak in rijen:
        waarden = [getal(pipelines.get(k, {}), pad) for k in KOLOMMEN]
        cellen = [OPMAAK[opmaak](w) if w is not None else "—" for w in waarden]
        (p, s, _), deelbaar = waarden, pad.rsplit(".", 1)[1] not in ONDEELBAAR
        deling = [f"{p / s:.2f}×" if deelbaar and p is not None and s else "—"]
        uit.append([*labels, *cellen, *deling][: len(koppen)])
    return tabel(koppen, uit, links)


def _trainingen(pipelines: dict[str, Any]) -> list[int]:
    return [len((pipelines.get(k, {}).get("training") or {}).get("runs_s", [])) for k in KOLOMMEN]


def resultaten_tabel(r: dict[str, Any]) -> list[str]:
    runs = " / ".join(map(str, _trainingen(r["pipelines"])))
    rijen = [(label.format(runs=runs), pad, opmaak) for label, pad, opmaak in RESULTATEN]
    for n in r["instellingen"]["niveaus"]:
        wie = "1 verkoper" if n == 1 else f"{n} verkopers tegelijk"
        rijen += [(label.format(wie=wie), pad.format(n=n), o) for label, pad, o in PER_NIVEAU]
    koppen = ["meting", "project (`config.yml`)", "Rasa-standaard (`rasa init`)"]
    koppen += ["keyword-baseline", "project / standaard"]
    return vergelijking(r, koppen, [*rijen, *GEHEUGEN])


def blind_tabel(r: dict[str, Any]) -> list[str]:
    sets = (r["pipelines"].get(KEYWORD, {}).get("blind") or {}).keys()
    rijen = [(s, label, f"blind.{s}.{sleutel}", o) for s in sets for label, sleutel, o in BLIND]
    koppen = ["set", "meting", "project", "Rasa-standaard", "keyword"]
    return vergelijking(r, koppen, rijen, links=2)


def doelen_tabel(r: dict[str, Any]) -> list[str]:
    rijen = [[d["doel"], d["gemeten"], TEKEN[d["gehaald"]], d["verschil"]] for d in r["doelen"]]
    return tabel(["doel", "gemeten (project)", "", "verschil"], rijen, links=4)


def fase_tabel(r: dict[str, Any]) -> list[str]:
    per_fase = r["pipelines"][KEYWORD]["nlu"]["per_fase"]
    rijen = [(f, s["aantal"], f"nlu.per_fase.{f}.f1", "fractie") for f, s in per_fase.items()]
    koppen = ["fase", "n", "F1 project", "F1 standaard", "F1 keyword"]
    return vergelijking(r, koppen, rijen)


def kop(r: dict[str, Any]) -> dict[str, str]:
    m, git = r["machine"], r["git"]
    load = {
        k: ", ".join(f"{w:.2f}" for w in m.get(k, [])) for k in ("load_bij_start", "load_bij_einde")
    }
    aantallen = r["pipelines"][KEYWORD]["nlu"]["aantallen"]
    lokaal = " met lokale wijzigingen" if git["gewijzigd"] else ""
    return {
        "datum": r["datum"],
        "commando": f"`{r['commando']}`",
        "machine": f"{m['nproc']} cores (nproc), {m['geheugen_gb']} GB geheugen, {m['cpu']}",
        "load (1, 5, 15 min)": f"bij de start {load['load_bij_start']}; "
        f"aan het eind {load['load_bij_einde']}",
        "software": f"Rasa {version('rasa')}, rasa-sdk {version('rasa-sdk')}; "
        f"commit {git['commit']}{lokaal}",
        "held-out": f"{aantallen['held_out']} testzinnen uit `tests/nlu/`, waarvan "
        f"{aantallen['ood']} buiten domein (`tests/nlu/buiten_domein.yml`)",
        "herhalingen": f"{r['instellingen']['runs']} run(s) per tijdmeting "
        "(de tabel toont de mediaan)",
    }


def _relatief(pad: Path) -> str:
    return str(pad.relative_to(ROOT) if pad.is_relative_to(ROOT) else pad)


def _model_bron(pipeline: dict[str, Any]) -> str:
    if not (model := pipeline.get("model")):
        return "niet gemeten"
    pad, naam = Path(model), _relatief(Path(model))
    if (pipeline.get("training") or {}).get("runs_s") and pad.parent == ROOT / "reports" / "bench":
        return f"eerste training van nul in deze run (`{naam}`)"
    return f"`{naam}`, niet in deze run getraind"


def opzet(r: dict[str, Any]) -> dict[str, str]:
    """This run's settings; what they mean is in docs/bench-methode.md."""
    inst, opzet, pipelines = r["instellingen"], r["meetopzet"], r["pipelines"]
    fasen, (project_runs, standaard_runs, _) = opzet["verkoop_fasen"], _trainingen(pipelines)
    return {
        "model project": _model_bron(pipelines.get(PROJECT, {})),
        "model Rasa-standaard": f"{_model_bron(pipelines.get(STANDAARD, {}))}; de `config.yml` "
        "van `rasa init` ([bench-methode.md](bench-methode.md))",
        "trainingen van nul": f"project {project_runs}, standaard {standaard_runs}",
        "servers": f"SANIC_WORKERS {opzet['SANIC_WORKERS']}, ACTION_SERVER_SANIC_WORKERS "
        f"{opzet['ACTION_SERVER_SANIC_WORKERS']}; {opzet.get('opslag', 'SQLite')}; "
        f"opwarmen: {opzet['opwarm_parses']} parses en een verkoop",
        "rondreis": f"{inst['rondreis_berichten']} berichten, "
        f"een nieuwe verkoop per {len(fasen)} berichten",
        "belasting": f"{', '.join(map(str, inst['niveaus']))} verkopers tegelijk, "
        f"elk {inst['verkopen_per_verkoper']} verkoop/verkopen van {len(fasen)} berichten "
        f"({', '.join(fasen)}); time-out {opzet['timeout_s']:.0f} s",
        "geheugen": f"elke {opzet['geheugen_interval_s']} s bemonsterd; "
        f"grens 1.3 GB = {RSS_GRENS_MB:.0f} MiB",
    }


DELEN = {
    "Resultaten": resultaten_tabel,
    "Blinde sets": blind_tabel,
    "Doelen": doelen_tabel,
    "F1 per fase": fase_tabel,
    "Hoe gemeten": lambda r: tabel(["", ""], opzet(r).items(), links=2),
}


def markdown(r: dict[str, Any]) -> str:
    json = _relatief(Path(r["instellingen"].get("json", "reports/bench.json")))
    regels = ["# Benchmarks", "", KOP.format(json=json), "", *tabel(["", ""], kop(r).items(), 2)]
    for titel, deel in DELEN.items():
        regels += ["", f"## {titel}", "", *deel(r)]
    return "\n".join([*regels, ""])
