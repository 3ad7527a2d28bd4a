"""The trainers' web app (Sanic + Jinja2): inbox, dashboard, one sale, training, new situation.

Every page needs a login (trainer/beveiliging.py); every POST needs the session's
CSRF token. Seller text reaches the page only through Jinja2 with autoescape on.
The store, the labelling and the training are trainer/opslag.py, labelen.py,
inbox.py, dashboard.py and training.py; this module only routes and renders.
Blocking work (database reads, file writes, checks) runs in a thread, so one
slow page does not stall the others.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic
from sanic.exceptions import NotFound, SanicException
from sanic.response import HTTPResponse, html, json, redirect

from tools.domein import fase_per_intent
from trainer import beveiliging, dashboard, inbox, labelen, situatie
from trainer.beveiliging import Sessie
from trainer.instellingen import Instellingen
from trainer.opslag import Opslag
from trainer.training import Training

MAP = Path(__file__).resolve().parent
OPEN_PADEN = ("/login", "/static/")  # reachable without a login
MAX_TEKST = 500  # characters of one example; longer is not a seller's message
MAX_BODY = 1_000_000  # bytes of one request: forms are small
MAX_MELDINGEN = 1000  # sessions with unread messages kept in memory
FOUT_PAUZE = 1.0  # seconds after a wrong password: slows guessing
BUITEN_DOMEIN = "out_of_scope"
NEGEREN = "negeren"
PER = ("dag", "week")
STANDAARD_PERIODE = {"dag": 7, "week": 8 * 7}  # days shown when the trainer picks none
ANTWOORD_TIMEOUT = 600  # seconds a request may take (all of make validate, on a busy machine)

log = logging.getLogger(__name__)
_app_nummer = itertools.count(1)  # Sanic wants a unique name per app in one process


def _templates() -> Environment:
    # Autoescape on for every template: seller text is always escaped.
    return Environment(
        loader=FileSystemLoader(MAP / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def _sessie(request: Request) -> Sessie | None:
    return request.ctx.sessie


def _zet_cookie(antwoord: HTTPResponse, instellingen: Instellingen, sessie: Sessie) -> None:
    antwoord.cookies[beveiliging.COOKIE] = beveiliging.cookie_waarde(instellingen.geheim, sessie)
    koekje = antwoord.cookies[beveiliging.COOKIE]
    koekje["httponly"] = True
    koekje["samesite"] = "Strict"
    koekje["path"] = "/"
    koekje["max-age"] = beveiliging.GELDIGHEID
    if instellingen.cookie_secure:
        koekje["secure"] = True


def _datum(waarde: str | None, standaard: date) -> date:
    try:
        return date.fromisoformat(waarde) if waarde else standaard
    except ValueError:
        return standaard


def maak_app(
    instellingen: Instellingen,
    opslag: Opslag,
    training: Training,
    *,
    naam: str | None = None,
) -> Sanic:
    app = Sanic(naam or f"trainer{next(_app_nummer)}")
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    # A new situation runs all of `make validate` (tens of seconds, minutes on a busy 2-core
    # machine), and the very first label waits for Rasa to read every NLU file once; Sanic's
    # default of 60 s would cancel them halfway and answer 503.
    app.config.RESPONSE_TIMEOUT = ANTWOORD_TIMEOUT
    app.ctx.meldingen = {}  # nonce -> lines shown once on the next page (after a redirect)
    templates = _templates()
    geheim = instellingen.geheim
    app.static("/static", str(MAP / "static"), name="static")

    def pagina(request: Request, naam_: str, status: int = 200, **waarden: Any) -> HTTPResponse:
        sessie = _sessie(request)
        meldingen = app.ctx.meldingen.pop(sessie.nonce, []) if sessie else []
        tekst = templates.get_template(naam_).render(
            csrf=beveiliging.csrf_token(geheim, sessie) if sessie else "",
            ingelogd=bool(sessie and sessie.ingelogd),
            meldingen=meldingen,
            pad=request.path,
            **waarden,
        )
        return html(tekst, status=status)

    def meld(request: Request, *regels: str) -> None:
        sessie = _sessie(request)
        if sessie is not None:
            if len(app.ctx.meldingen) > MAX_MELDINGEN:  # sessions that never came back
                app.ctx.meldingen.clear()
            app.ctx.meldingen.setdefault(sessie.nonce, []).extend(regels)

    async def in_thread(functie: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(functie, *args, **kwargs)

    def geweigerd(reden: str, status: int) -> HTTPResponse:
        return html(templates.get_template("geweigerd.html").render(reden=reden), status=status)

    @app.on_request
    async def gate(request: Request) -> HTTPResponse | None:
        """The gate: a valid session for every page but the login, a CSRF token on every POST."""
        sessie = beveiliging.lees_cookie(geheim, request.cookies.get(beveiliging.COOKIE))
        request.ctx.sessie = sessie
        request.ctx.nieuwe_sessie = None
        if request.path.startswith(OPEN_PADEN):
            if sessie is None:
                request.ctx.sessie = request.ctx.nieuwe_sessie = beveiliging.nieuwe_sessie(
                    ingelogd=False
                )
        elif sessie is None or not sessie.ingelogd:
            if request.method == "GET":
                return redirect(f"/login?terug={quote(request.path)}")
            return geweigerd("Je bent niet (meer) ingelogd. Log opnieuw in.", 401)
        if request.method == "POST":
            gegeven = request.headers.get(beveiliging.CSRF_HEADER) or (
                request.form.get(beveiliging.CSRF_VELD) if request.form else None
            )
            if not beveiliging.csrf_klopt(geheim, sessie, gegeven):
                log.warning("POST %s zonder geldig CSRF-token geweigerd", request.path)
                return geweigerd(
                    "Dit formulier is verlopen of komt niet van deze app (CSRF-controle). "
                    "Laad de pagina opnieuw en probeer het nog eens.",
                    403,
                )
        return None

    @app.on_response
    async def koekje_en_kop(request: Request, antwoord: HTTPResponse) -> None:
        nieuw = getattr(request.ctx, "nieuwe_sessie", None)
        if nieuw is not None and beveiliging.COOKIE not in antwoord.cookies:
            _zet_cookie(antwoord, instellingen, nieuw)
        # No inline script, no framing, no sniffing: a second line behind autoescape.
        antwoord.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; "
            # matplotlib's inline SVG carries style attributes; styles cannot run code.
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        antwoord.headers.setdefault("X-Content-Type-Options", "nosniff")
        antwoord.headers.setdefault("Referrer-Policy", "same-origin")
        antwoord.headers.setdefault("Cache-Control", "no-store")

    @app.get("/login")
    async def login_pagina(request: Request) -> HTTPResponse:
        return pagina(request, "login.html", terug=_veilig_terug(request.args.get("terug")))

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        gegeven = request.form.get("wachtwoord", "")
        terug = _veilig_terug(request.form.get("terug"))
        if not beveiliging.wachtwoord_klopt(gegeven, instellingen.wachtwoord):
            await asyncio.sleep(FOUT_PAUZE)
            log.warning("mislukte inlogpoging")
            return pagina(
                request,
                "login.html",
                status=401,
                terug=terug,
                fout="Dat wachtwoord klopt niet.",
            )
        antwoord = redirect(terug, status=303)
        _zet_cookie(antwoord, instellingen, beveiliging.nieuwe_sessie(ingelogd=True))
        return antwoord

    @app.post("/uitloggen")
    async def uitloggen(request: Request) -> HTTPResponse:
        antwoord = redirect("/login", status=303)
        _zet_cookie(antwoord, instellingen, beveiliging.nieuwe_sessie(ingelogd=False))
        return antwoord

    @app.get("/")
    async def begin(request: Request) -> HTTPResponse:
        return redirect("/inbox")

    @app.get("/inbox")
    async def inbox_pagina(request: Request) -> HTTPResponse:
        items = await in_thread(inbox.items, opslag, limiet=50, data=instellingen.data)
        return pagina(
            request,
            "inbox.html",
            items=items,
            situaties=_situaties(instellingen),
            buiten_domein=BUITEN_DOMEIN,
            negeren=NEGEREN,
        )

    @app.post("/inbox/label")
    async def label(request: Request) -> HTTPResponse:
        tekst = (request.form.get("tekst") or "").strip()
        intent = (request.form.get("intent") or request.form.get("keuze") or "").strip()
        toegestaan = {*_situaties(instellingen), BUITEN_DOMEIN, NEGEREN}
        if not tekst or len(tekst) > MAX_TEKST:
            meld(request, f"Geen voorbeeld gelabeld: de tekst moet 1 tot {MAX_TEKST} tekens zijn.")
        elif intent not in toegestaan:
            meld(request, "Geen voorbeeld gelabeld: kies een situatie uit de lijst.")
        else:
            resultaat = await in_thread(
                labelen.voeg_toe,
                tekst,
                intent,
                data=instellingen.data,
                domain=instellingen.project / "domain.yml",
            )
            if resultaat.ok:
                waar = "genegeerd" if intent == NEGEREN else f"opgeslagen in {resultaat.bestand}"
                meld(request, f"“{tekst}” → {intent}: {waar}.", *resultaat.meldingen)
            else:
                meld(request, f"“{tekst}” is niet opgeslagen:", *resultaat.meldingen)
        return redirect("/inbox", status=303)

    @app.get("/dashboard")
    async def dashboard_pagina(request: Request) -> HTTPResponse:
        per = request.args.get("per", "dag")
        per = per if per in PER else "dag"
        tot = _datum(request.args.get("tot"), date.today())
        van = _datum(request.args.get("van"), tot - timedelta(days=STANDAARD_PERIODE[per] - 1))
        if van > tot:
            van, tot = tot, van
        cijfers = await in_thread(dashboard.cijfers, opslag, van=van, tot=tot, per=per)
        grafieken = await in_thread(_grafieken, opslag, van, tot, per)
        verkopen = await in_thread(dashboard.verkopen, opslag, van=van, tot=tot, limiet=25)
        return pagina(
            request,
            "dashboard.html",
            cijfers=cijfers,
            grafieken=grafieken,
            verkopen=verkopen,
            per=per,
            van=van,
            tot=tot,
        )

    @app.get("/verkoop/<sender_id:path>")
    async def verkoop_pagina(request: Request, sender_id: str) -> HTTPResponse:
        sessie_arg = request.args.get("sessie")
        sessie = int(sessie_arg) if sessie_arg and sessie_arg.isdigit() else None
        stappen = await in_thread(dashboard.verkoop, opslag, sender_id, sessie)
        if not stappen:
            raise NotFound("Deze verkoop staat niet (meer) in de opslag.")
        return pagina(request, "verkoop.html", sender_id=sender_id, sessie=sessie, stappen=stappen)

    @app.get("/training")
    async def training_pagina(request: Request) -> HTTPResponse:
        return pagina(request, "training.html", voortgang=_status(training))

    @app.get("/training/status")
    async def training_status(request: Request) -> HTTPResponse:
        return json(_status(training))

    @app.post("/training/start")
    async def training_start(request: Request) -> HTTPResponse:
        gestart = training.start()
        if request.headers.get(beveiliging.CSRF_HEADER):  # fetch() from static/training.js
            return json({"gestart": gestart, **_status(training)})
        meld(request, "De training is gestart." if gestart else "Er loopt al een training.")
        return redirect("/training", status=303)

    @app.get("/situatie")
    async def situatie_pagina(request: Request) -> HTTPResponse:
        return pagina(
            request, "situatie.html", fasen=situatie.fasen(instellingen.project), waarden={}
        )

    @app.post("/situatie")
    async def situatie_nieuw(request: Request) -> HTTPResponse:
        nieuw = _nieuwe_situatie(request)
        resultaat = await in_thread(situatie.voeg_toe, nieuw, instellingen.project)
        if resultaat.ok:
            meld(request, *resultaat.meldingen)
            return redirect("/training", status=303)
        return pagina(
            request,
            "situatie.html",
            status=422,
            fasen=situatie.fasen(instellingen.project),
            waarden=request.form,
            fouten=resultaat.meldingen,
        )

    @app.exception(NotFound)
    async def niet_gevonden(request: Request, fout: Exception) -> HTTPResponse:
        reden = str(fout) or "Deze pagina bestaat niet."
        return pagina(request, "fout.html", status=404, reden=reden)

    @app.exception(Exception)
    async def fout(request: Request, fout: Exception) -> HTTPResponse:
        if isinstance(fout, SanicException) and fout.status_code < 500:
            return pagina(request, "fout.html", status=fout.status_code, reden=str(fout))
        log.exception("fout bij %s %s", request.method, request.path)
        return pagina(
            request,
            "fout.html",
            status=500,
            reden="Er ging iets mis aan de kant van de app. Het staat in het log; "
            "probeer het zo opnieuw.",
        )

    return app


TITELS = {
    "berichten": "Berichten en actieve verkopers",
    "fasemix": "Fasemix",
    "situaties": "Meest voorkomende situaties",
    "twijfel": "Fallback en “Bedoel je …?”",
    "oefenen": "Oefenen: gemiddelde score per verkoper",
}
TOESTANDEN = {
    "rust": "nog niet getraind sinds de start",
    "bezig": "bezig met trainen",
    "laden": "het nieuwe model wordt geladen",
    "klaar": "klaar: de coach gebruikt het nieuwe model",
    "mislukt": "mislukt",
}


def _grafieken(opslag: Opslag, van: date, tot: date, per: dashboard.Per) -> list[tuple[str, str]]:
    """(title, inline SVG) per chart; the XML prologue goes, the <svg> element stays."""
    svgs = dashboard.grafieken(opslag, van=van, tot=tot, per=per)
    return [(TITELS.get(soort, soort), svg[svg.index("<svg") :]) for soort, svg in svgs.items()]


def _status(training: Training) -> dict[str, Any]:
    voortgang = training.voortgang()
    return {
        "toestand": TOESTANDEN.get(voortgang.toestand, voortgang.toestand),
        "code": voortgang.toestand,
        "bezig": voortgang.toestand in ("bezig", "laden"),
        "melding": voortgang.melding,
        "seconden": voortgang.seconden,
        "regels": voortgang.regels,
    }


def _veilig_terug(terug: str | None) -> str:
    """Only a local path: a login must never send the trainer to another site."""
    if terug and terug.startswith("/") and not terug.startswith("//") and "\\" not in terug:
        return terug
    return "/inbox"


def _situaties(instellingen: Instellingen) -> list[str]:
    return sorted(fase_per_intent(instellingen.project / "domain.yml"))


def _regels(tekst: str | None) -> list[str]:
    return [r.strip() for r in (tekst or "").splitlines() if r.strip()]


def _nieuwe_situatie(request: Request) -> situatie.NieuweSituatie:
    veld = request.form.get
    varianten = [
        situatie.Variant(
            tip=(veld(f"tip{i}") or "").strip(),
            zeg=_regels(veld(f"zeg{i}")),
            niet=(veld(f"niet{i}") or "").strip(),
        )
        for i in (1, 2, 3)
        if (veld(f"tip{i}") or veld(f"zeg{i}") or "").strip()
    ]
    return situatie.NieuweSituatie(
        intent=(veld("intent") or "").strip(),
        fase=(veld("fase") or "").strip(),
        titel=(veld("titel") or "").strip(),
        voorbeelden=_regels(veld("voorbeelden")),
        varianten=varianten,
    )
