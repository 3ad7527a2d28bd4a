"""docs/benchmarks.md from one measured run (a pure function of the result dict)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bench.measure import getal
from bench.targets import KEYWORD, OPMAAK, PROJECT, STANDAARD

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
    ("`rasa train` van nul, mediaan", "training.mediaan_s", "seconden"),
    *((f"`/model/parse` {p}", f"parse_ms.{p}", "ms") for p in PERCENTIELEN),
    *((f"rondreis webhook, 1 verkoper, {p}", f"rondreis_ms.{p}", "ms") for p in PERCENTIELEN),
    ("rondreis webhook: verloren", "rondreis_ms.verloren", "geheel"),
]
PER_NIVEAU = [
    *((f"{{wie}}: {p}", f"belasting.{{n}}.{p}", "ms") for p in PERCENTIELEN[:2]),
    ("{wie}: doorvoer", "belasting.{n}.doorvoer", "per_seconde"),
    ("{wie}: verloren (alle runs)", "belasting.{n}.verloren", "geheel"),
    ("{wie}: CPU-steal tijdens de runs", "belasting.{n}.steal", "procent"),
]
GEHEUGEN = [
    ("piek-RSS Rasa-server (som per proces)", "geheugen_mb.rasa", "mib"),
    ("piek-RSS actieserver", "geheugen_mb.actieserver", "mib"),
    ("PSS Rasa-server na de belasting (gedeeld één keer)", "pss_mb.rasa", "mib"),
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


def resultaten_tabel(r: dict[str, Any]) -> list[str]:
    rijen = list(RESULTATEN)
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
    return vergelijking(r, ["fase", "n", "F1 project", "F1 standaard", "F1 keyword"], rijen)


DELEN = {
    "Resultaten": resultaten_tabel,
    "Blinde sets": blind_tabel,
    "Doelen": doelen_tabel,
    "F1 per fase": fase_tabel,
    "Hoe gemeten": lambda r: tabel(["", ""], r["opzet"].items(), links=2),
}


def markdown(r: dict[str, Any]) -> str:
    kop = KOP.format(json=r["instellingen"]["json"])
    regels = ["# Benchmarks", "", kop, "", *tabel(["", ""], r["kop"].items(), links=2)]
    for titel, deel in DELEN.items():
        regels += ["", f"## {titel}", "", *deel(r)]
    return "\n".join([*regels, ""])
