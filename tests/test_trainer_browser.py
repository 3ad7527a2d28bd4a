"""The trainers' web app in a real headless browser (Debian's chromium, Selenium).

A real app instance (`python -m trainer`) reads the tracker store of the real
Rasa + action servers (tests/conftest.py), filled by real conversations through
Rasa's REST channel. Labelling writes into a COPY of data/ in a temp folder,
never into the project's data/nlu.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_rasa_server import nieuwe_verkoper, praat  # tests/ is on sys.path under pytest
from test_trainer_training import KLEIN, coach_terug  # noqa: F401  (a fixture)

from actions.adviesboek import ADVIES_MAP
from stack import launcher as stackmodule
from stack.paths import ROOT
from tests.conftest import RASA_TEST_TOKEN
from tests.support import trainer_opslag
from tests.support.browser import headless_chromium
from tests.support.trainer_opslag import Gesprekken
from trainer import labelen

WACHTWOORD = "trainer-test-wachtwoord"
VIJANDIG = "<script>alert(1)</script>"
# Script in seller text; the ones the coach is unsure about land in the inbox.
VIJANDIGE_BERICHTEN = (
    VIJANDIG,
    trainer_opslag.VIJANDIG,
    "hmm tja <script>alert(1)</script> weet niet",
    "klant twijfelt <script>alert(1)</script>",
    '<img src=x onerror="alert(1)"> weet ik veel',
)
VERKOPER = "trainer-verkoop-1"
VERKOOP = ("er loopt net iemand binnen", "klant zoekt een laptop", "klant zegt dat het te duur is")
ONDUIDELIJK = ("qwx zzv brrp", "hmm tja weet niet", "de klant doet raar met de doos")
OPSTART = 90.0  # seconds for `python -m trainer` (imports Sanic, SQLAlchemy, matplotlib)
# Seconds: the first label waits until Rasa has read every NLU file once (trainer/controle.py,
# 30 s on a quiet 2-core machine, minutes when a training runs beside it); later ones < 1 s.
LABEL_TIMEOUT = 600


@dataclass
class App:
    url: str
    data: Path  # the copy of data/ the app labels into
    proces: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="module")
def gesprekken(coach_stack: stackmodule.Stack) -> None:
    """Real conversations: one sale of three steps, a hostile message and unclear ones."""
    gesprekken = Gesprekken(coach_stack.rasa_url)
    for tekst in VERKOOP:
        assert gesprekken.praat(VERKOPER, tekst), tekst
    for i, tekst in enumerate(VIJANDIGE_BERICHTEN):
        assert gesprekken.praat(f"trainer-vijandig-{i}", tekst)
    for i, tekst in enumerate(ONDUIDELIJK):
        assert gesprekken.praat(f"trainer-twijfel-{i}", tekst)


def _nlu_hash(map_: Path) -> str:
    h = hashlib.sha256()
    for pad in sorted(map_.rglob("*.yml")):
        h.update(str(pad.relative_to(map_)).encode() + pad.read_bytes())
    return h.hexdigest()


@contextmanager
def _trainersapp(project: Path, endpoints: Path, omgeving: dict[str, str]) -> Iterator[App]:
    """`python -m trainer` on a free port over `project`/data and the store of `endpoints`."""
    port = stackmodule.free_port()
    log = project / "trainer.log"
    cmd = [sys.executable, "-m", "trainer", "--port", str(port)]
    cmd += ["--endpoints", str(endpoints), "--data", str(project / "data")]
    omgeving = {**os.environ, "TRAINER_WACHTWOORD": WACHTWOORD, **omgeving}
    with log.open("wb") as uit:
        proces = subprocess.Popen(cmd, cwd=ROOT, env=omgeving, stdout=uit, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    einde = time.monotonic() + OPSTART
    while True:
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proces.poll() is not None or time.monotonic() > einde:
            proces.kill()
            pytest.fail(f"de trainersapp start niet: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    try:
        yield App(url, project / "data", proces, log)
    finally:
        proces.terminate()
        try:
            proces.wait(15)
        except subprocess.TimeoutExpired:
            proces.kill()


@pytest.fixture(scope="module")
def app(
    coach_stack: stackmodule.Stack, gesprekken: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[App]:
    project = tmp_path_factory.mktemp("trainer-project")
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ADVIES_MAP, project / ADVIES_MAP.relative_to(ROOT))
    for naam in ("domain.yml", "config.yml"):
        shutil.copy2(ROOT / naam, project / naam)
    omgeving = {
        "TRAINER_BEWAARDAGEN": "30",
        "RASA_URL": coach_stack.rasa_url,
        "RASA_TOKEN": RASA_TEST_TOKEN,
    }
    echte_nlu = _nlu_hash(ROOT / "data" / "nlu")
    with _trainersapp(project, coach_stack.logmap / "endpoints.yml", omgeving) as app_:
        yield app_
    # The tests labelled into the copy only.
    assert _nlu_hash(ROOT / "data" / "nlu") == echte_nlu


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    chrome = headless_chromium()
    chrome.set_page_load_timeout(LABEL_TIMEOUT)  # a label waits for the checks
    try:
        yield chrome
    finally:
        chrome.quit()


def _login(browser: WebDriver, app: App, wachtwoord: str = WACHTWOORD) -> None:
    browser.get(f"{app.url}/login")
    veld = browser.find_element(By.ID, "wachtwoord")
    veld.clear()
    veld.send_keys(wachtwoord)
    browser.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
    WebDriverWait(browser, 30).until(
        lambda b: (
            not b.current_url.split("?")[0].endswith("/login") or b.find_elements(By.ID, "fout")
        )
    )


def _klik_en_wacht(browser: WebDriver, knop: WebElement, kenmerk: str = ".melding") -> str:
    """Click a submit button and wait for the next page's `kenmerk`; its text."""
    oud = browser.find_element(By.TAG_NAME, "html")
    knop.click()
    wacht = WebDriverWait(browser, LABEL_TIMEOUT)
    wacht.until(staleness_of(oud))
    wacht.until(lambda b: b.find_elements(By.CSS_SELECTOR, kenmerk))
    return " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, kenmerk))


def _geen_alert(browser: WebDriver) -> bool:
    try:
        browser.switch_to.alert  # noqa: B018 - raises when there is none
    except NoAlertPresentException:
        return True
    return False


@pytest.fixture
def ingelogd(browser: WebDriver, app: App) -> WebDriver:
    _login(browser, app)
    assert browser.current_url.endswith("/inbox"), browser.current_url
    return browser


def test_vijandig_zonder_login_geen_inbox_en_fout_wachtwoord_geweigerd(
    browser: WebDriver, app: App
) -> None:
    browser.delete_all_cookies()
    browser.get(f"{app.url}/inbox")
    assert "/login" in browser.current_url
    assert not browser.find_elements(By.CSS_SELECTOR, "li.item")
    _login(browser, app, "fout-wachtwoord-123")
    assert "/login" in browser.current_url
    assert "klopt niet" in browser.find_element(By.ID, "fout").text
    # Without the session cookie a page is still closed; the JSON endpoint too.
    assert httpx.get(f"{app.url}/training/status", follow_redirects=False).status_code == 302
    _login(browser, app)
    assert browser.current_url.endswith("/inbox")
    koekje = browser.get_cookie("trainer_sessie")
    assert koekje is not None and koekje["httpOnly"] and koekje["sameSite"] == "Strict"


def _inbox_teksten(browser: WebDriver) -> list[str]:
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.item .tekst")]


def test_vijandig_scripttekst_van_verkoper_staat_als_tekst_in_de_inbox(
    ingelogd: WebDriver, app: App
) -> None:
    getoond = [t for t in _inbox_teksten(ingelogd) if t in VIJANDIGE_BERICHTEN]
    assert getoond, _inbox_teksten(ingelogd)
    assert _geen_alert(ingelogd)
    for tekst in getoond:  # escaped in the HTML, and shown as the literal text
        assert html.escape(tekst, quote=False) in ingelogd.page_source
    # The only scripts on the page are the app's own files; no injected element exists.
    scripts = ingelogd.find_elements(By.TAG_NAME, "script")
    assert all((s.get_attribute("src") or "").startswith(f"{app.url}/static/") for s in scripts)
    assert not ingelogd.find_elements(By.CSS_SELECTOR, "main img")


def _gewoon_item(browser: WebDriver) -> WebElement:
    """The first inbox item that is not one of the hostile messages."""
    items = browser.find_elements(By.CSS_SELECTOR, "li.item")
    return next(
        i
        for i in items
        if i.find_element(By.CSS_SELECTOR, ".tekst").text not in VIJANDIGE_BERICHTEN
    )


@pytest.mark.timeout(LABEL_TIMEOUT * 2)
def test_een_klik_labelt_in_het_nlu_bestand_en_de_controle_slaagt(
    ingelogd: WebDriver, app: App
) -> None:
    item = _gewoon_item(ingelogd)
    tekst = item.find_element(By.CSS_SELECTOR, ".tekst").text
    for soort in ("button.top3", "button.buiten", "button.negeren", "select[name=keuze]"):
        assert item.find_elements(By.CSS_SELECTOR, soort), soort
    knop = item.find_element(By.CSS_SELECTOR, "button.top3")
    intent = knop.get_attribute("value")
    melding = _klik_en_wacht(ingelogd, knop)
    assert f"toegevoegd aan {intent}" in melding, melding
    pad = labelen.map_voor(intent, app.data) / "inbox.yml"
    inhoud = pad.read_text(encoding="utf-8")
    assert inhoud.startswith(labelen.KOP) and f"- {tekst}\n" in inhoud
    assert f"intent: {intent}" in inhoud
    # The checks of make validate (rasa data validate + tools.validate) on the copy.
    assert labelen.controleer(app.data, app.data.parent / "domain.yml") == []
    assert tekst not in _inbox_teksten(ingelogd)  # labelled: it left the inbox


def test_negeren_met_een_klik(ingelogd: WebDriver, app: App) -> None:
    item = ingelogd.find_elements(By.CSS_SELECTOR, "li.item")[-1]
    tekst = item.find_element(By.CSS_SELECTOR, ".tekst").text
    voor = _nlu_hash(app.data / "nlu")
    assert "genegeerd" in _klik_en_wacht(
        ingelogd, item.find_element(By.CSS_SELECTOR, "button.negeren")
    )
    assert tekst in labelen.genegeerd(app.data)
    assert tekst not in _inbox_teksten(ingelogd)
    assert _nlu_hash(app.data / "nlu") == voor  # ignoring writes no training data


def test_vijandig_post_zonder_csrf_token_wordt_geweigerd(ingelogd: WebDriver, app: App) -> None:
    koekje = ingelogd.get_cookie("trainer_sessie")
    assert koekje is not None
    voor = _nlu_hash(app.data / "nlu")
    cookies = {"trainer_sessie": koekje["value"]}
    formulier = {"tekst": "klant wil korting", "intent": "bezwaar_korting"}
    for extra in ({}, {"csrf": "vervalst"}):
        antwoord = httpx.post(
            f"{app.url}/inbox/label", data={**formulier, **extra}, cookies=cookies, timeout=30
        )
        assert antwoord.status_code == 403
        assert "CSRF" in antwoord.text
    for pad in ("/training/start", "/uitloggen"):
        assert httpx.post(f"{app.url}{pad}", cookies=cookies, timeout=30).status_code == 403
    assert _nlu_hash(app.data / "nlu") == voor


def test_vijandig_formulier_van_een_andere_site_krijgt_geen_sessie(
    ingelogd: WebDriver, app: App
) -> None:
    # A page elsewhere posts a (token-less) form to the app: SameSite=Strict keeps the cookie home.
    voor = _nlu_hash(app.data / "nlu")
    ingelogd.get(
        "data:text/html,<form id=f method=post action='"
        + app.url
        + "/inbox/label'><input name=tekst value=x><input name=intent value=bezwaar_prijs>"
        "</form><script>document.getElementById('f').submit()</script>"
    )
    geweigerd = WebDriverWait(ingelogd, 30).until(lambda b: b.find_elements(By.ID, "geweigerd"))
    assert "niet (meer) ingelogd" in geweigerd[0].text
    assert _nlu_hash(app.data / "nlu") == voor


def test_dashboard_toont_grafieken_en_leidt_naar_een_verkoop(ingelogd: WebDriver, app: App) -> None:
    ingelogd.get(f"{app.url}/dashboard?per=dag")
    grafieken = ingelogd.find_elements(By.CSS_SELECTOR, ".grafiek svg")
    assert len(grafieken) >= 4
    assert all(g.size["height"] > 50 for g in grafieken)
    ingelogd.get(f"{app.url}/dashboard?per=week")
    assert ingelogd.find_elements(By.CSS_SELECTOR, ".grafiek svg")
    ingelogd.find_element(By.CSS_SELECTOR, f"a.verkoop[data-verkoper='{VERKOPER}']").click()
    stappen = ingelogd.find_elements(By.CSS_SELECTOR, "#tijdlijn li.stap")
    getypt = [s.find_element(By.CSS_SELECTOR, ".getypt").text for s in stappen]
    for tekst in VERKOOP:
        assert any(tekst in g for g in getypt), getypt
    fasen = [s.find_element(By.CSS_SELECTOR, ".fase").text for s in stappen]
    assert "bezwaar" in fasen, fasen
    assert all(s.find_elements(By.CSS_SELECTOR, ".advies") for s in stappen)


def test_vijandig_tijdlijn_toont_scripttekst_als_tekst(ingelogd: WebDriver, app: App) -> None:
    ingelogd.get(f"{app.url}/verkoop/trainer-vijandig-0")
    assert VIJANDIG in ingelogd.find_element(By.CSS_SELECTOR, "#tijdlijn .getypt").text
    assert _geen_alert(ingelogd)


def test_training_pagina_peilt_de_status(ingelogd: WebDriver, app: App) -> None:
    ingelogd.get(f"{app.url}/training")
    assert ingelogd.find_element(By.ID, "toestand").text
    koekje = ingelogd.get_cookie("trainer_sessie")
    assert koekje is not None
    status = httpx.get(
        f"{app.url}/training/status", cookies={"trainer_sessie": koekje["value"]}, timeout=10
    ).json()
    assert {"toestand", "regels", "bezig"} <= set(status)


# make validate's 25 examples per situation, in the four forms of docs/fasegids.md.
GARANTIE_VOORBEELDEN = [
    zin.format(product=product)
    for zin in (
        "klant vindt de garantie op de {product} te kort",
        "ze zegt dat twee jaar garantie op een {product} weinig is",
        "hoe reageer ik als de garantie van de {product} te kort is",
        "hij twijfelt aan de {product} omdat de garantie maar kort is",
        "ik weet niet wat ik moet zeggen over de korte garantie op de {product}",
    )
    for product in ("laptop", "wasmachine", "fiets", "bank", "koelkast")
]


@pytest.mark.timeout(LABEL_TIMEOUT * 2)
def test_nieuwe_situatie_via_het_formulier(ingelogd: WebDriver, app: App) -> None:
    project = app.data.parent
    ingelogd.get(f"{app.url}/situatie")
    formulier = ingelogd.find_element(By.ID, "situatie")
    Select(formulier.find_element(By.NAME, "fase")).select_by_value("bezwaar")
    velden = {
        "intent": "bezwaar_garantie_te_kort",
        "titel": "Garantie te kort",
        "voorbeelden": "\n".join(GARANTIE_VOORBEELDEN),
        "tip1": "Erken de zorg en noem wat de winkel na de garantie nog doet.",
        "zeg1": "Dat snap ik. Mag ik vertellen wat wij doen als er na twee jaar iets is?",
        "tip2": "Vraag waar de klant bang voor is, en antwoord op precies dat.",
        "zeg2": "Waar bent u vooral bang voor, dat hij snel stukgaat?",
    }
    for naam, waarde in velden.items():
        formulier.find_element(By.NAME, naam).send_keys(waarde)
    melding = _klik_en_wacht(
        ingelogd, formulier.find_element(By.CSS_SELECTOR, "button[type=submit]")
    )
    assert "Situatie bezwaar_garantie_te_kort toegevoegd" in melding, ingelogd.page_source[-3000:]
    assert "actions/inhoud/advies/bezwaar.yml" in melding  # the trainer is told where it went
    assert "bezwaar_garantie_te_kort" in (project / "domain.yml").read_text(encoding="utf-8")
    regels = (project / "data" / "rules" / "bezwaar.yml").read_text(encoding="utf-8")
    assert "advies bij bezwaar_garantie_te_kort" in regels
    advies = (project / "actions" / "inhoud" / "advies" / "bezwaar.yml").read_text("utf-8")
    assert "situatie: Garantie te kort" in advies
    nlu = (project / "data" / "nlu" / "bezwaar" / "inbox.yml").read_text(encoding="utf-8")
    assert "- klant vindt de garantie op de laptop te kort\n" in nlu
    assert labelen.controleer(app.data, project / "domain.yml") == []


def test_vijandig_nieuwe_situatie_met_fouten_schrijft_niets(ingelogd: WebDriver, app: App) -> None:
    project = app.data.parent
    voor = _nlu_hash(project)
    ingelogd.get(f"{app.url}/situatie")
    formulier = ingelogd.find_element(By.ID, "situatie")
    formulier.find_element(By.NAME, "intent").send_keys("Bezwaar Prijs!")
    formulier.find_element(By.NAME, "titel").send_keys("x")
    formulier.find_element(By.NAME, "voorbeelden").send_keys(VIJANDIG)
    knop = formulier.find_element(By.CSS_SELECTOR, "button[type=submit]")
    fouten = _klik_en_wacht(ingelogd, knop, ".fout")
    assert "De naam moet beginnen met" in fouten and "varianten" in fouten, fouten
    assert _geen_alert(ingelogd)
    assert _nlu_hash(project) == voor


def test_bewaartermijn_ruimt_op_bij_de_start(app: App) -> None:
    assert "bewaartermijn 30 dagen: 0 oude events verwijderd" in app.log.read_text(errors="replace")


def _token(browser: WebDriver) -> str:
    return browser.find_element(By.NAME, "csrf").get_attribute("value") or ""


def test_vijandig_kapotte_invoer_geeft_een_nederlands_antwoord(
    ingelogd: WebDriver, app: App
) -> None:
    koekje = ingelogd.get_cookie("trainer_sessie")
    assert koekje is not None
    cookies = {"trainer_sessie": koekje["value"]}
    voor = _nlu_hash(app.data.parent)
    slecht = [
        ({"tekst": "x" * 600, "intent": "bezwaar_prijs"}, "1 tot 500 tekens"),
        ({"tekst": "", "intent": "bezwaar_prijs"}, "1 tot 500 tekens"),
        ({"tekst": "klant wil korting", "intent": "bestaat_niet"}, "kies een situatie"),
        ({"tekst": "klant wil korting", "intent": "../../etc/passwd"}, "kies een situatie"),
    ]
    with httpx.Client(base_url=app.url, cookies=cookies, timeout=30) as client:
        for formulier, verwacht in slecht:
            client.post("/inbox/label", data={**formulier, "csrf": _token(ingelogd)})
            pagina = client.get("/inbox")
            assert pagina.status_code == 200 and verwacht in pagina.text, verwacht
        assert client.get("/verkoop/bestaat-niet").status_code == 404
        assert "niet (meer) in de opslag" in client.get("/verkoop/bestaat-niet").text
        for vraag in ("?per=jaar", "?van=gisteren&tot=<b>", "?van=2026-02-30", "?sessie=-1"):
            assert client.get(f"/dashboard{vraag}").status_code == 200, vraag
        assert client.get(f"/verkoop/{VERKOPER}?sessie=999").status_code == 404
    assert _nlu_hash(app.data.parent) == voor


def test_vijandig_login_stuurt_nooit_naar_een_andere_site(browser: WebDriver, app: App) -> None:
    browser.delete_all_cookies()
    for terug in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        browser.get(f"{app.url}/login?terug={terug}")
        veld = browser.find_element(By.ID, "wachtwoord")
        veld.send_keys(WACHTWOORD)
        browser.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        WebDriverWait(browser, 30).until(lambda b: "/login" not in b.current_url)
        assert browser.current_url == f"{app.url}/inbox", terug
        browser.delete_all_cookies()


BUITEN = "qwx vlorp zint plof"  # unclear to the coach, and not about a sale


@pytest.mark.timeout(LABEL_TIMEOUT * 2)
def test_buiten_domein_met_een_klik(
    coach_stack: stackmodule.Stack, ingelogd: WebDriver, app: App
) -> None:
    gesprekken = Gesprekken(coach_stack.rasa_url)
    gesprekken.praat("trainer-buiten-1", BUITEN)
    assert gesprekken.onzeker(BUITEN), "de coach twijfelde niet: het bericht komt niet in de inbox"
    ingelogd.get(f"{app.url}/inbox")
    item = next(
        i
        for i in ingelogd.find_elements(By.CSS_SELECTOR, "li.item")
        if i.find_element(By.CSS_SELECTOR, ".tekst").text == BUITEN
    )
    melding = _klik_en_wacht(ingelogd, item.find_element(By.CSS_SELECTOR, "button.buiten"))
    assert f"toegevoegd aan {labelen.BUITEN_DOMEIN}" in melding, melding
    pad = app.data / "nlu" / "buiten_domein" / "inbox.yml"
    inhoud = pad.read_text(encoding="utf-8")
    assert f"intent: {labelen.BUITEN_DOMEIN}" in inhoud and f"- {BUITEN}\n" in inhoud
    assert labelen.controleer(app.data, app.data.parent / "domain.yml") == []
    assert BUITEN not in _inbox_teksten(ingelogd)


# A tiny real project (test_trainer_training.KLEIN) and a store with one old and one new sale.
NIEUW, OUD = "trainer-bewaard-nieuw", "trainer-bewaard-oud"


def _sla_op(db: Path, verkoper: str, tijd: float, tekst: str) -> None:
    """One sale written by Rasa's own SQL tracker store, `tijd` seconds since the epoch."""
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ext.opslag import StrikteSQLTrackerStore

    intent = {"name": "groet", "confidence": 0.97}
    events = [
        UserUttered(tekst, intent, parse_data={"intent": intent, "text": tekst}, timestamp=tijd),
        BotUttered("klein model zegt hoi", timestamp=tijd + 1),
    ]
    opslag = StrikteSQLTrackerStore(dialect="sqlite", db=str(db))
    asyncio.run(opslag.save(DialogueStateTracker.from_events(verkoper, events)))


@pytest.fixture(scope="module")
def klein_winkel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project, with a store that holds a sale of 40 days ago and one of yesterday."""
    project = tmp_path_factory.mktemp("trainer-klein")
    for naam, tekst in KLEIN.items():
        (project / naam).parent.mkdir(parents=True, exist_ok=True)
        (project / naam).write_text(tekst, encoding="utf-8")
    nu = time.time()
    _sla_op(project / "tracker.db", OUD, nu - 40 * 86400, "oude verkoop van lang geleden")
    _sla_op(project / "tracker.db", NIEUW, nu - 86400, "nieuwe verkoop van gisteren")
    (project / "endpoints.yml").write_text(
        "tracker_store:\n  type: rasa_ext.opslag.StrikteSQLTrackerStore\n"
        "  dialect: sqlite\n  db: tracker.db\n",
        encoding="utf-8",
    )
    return project


def _verkopers(db: Path) -> set[str]:
    with sqlite3.connect(db) as verbinding:
        return {r[0] for r in verbinding.execute("select distinct sender_id from events")}


def test_bewaartermijn_oude_verkoop_weg_nieuwe_blijft(
    browser: WebDriver, klein_winkel: Path
) -> None:
    assert _verkopers(klein_winkel / "tracker.db") == {OUD, NIEUW}
    # TRAINER_BEWAARDAGEN=30: the start runs the retention job the app then runs daily.
    omgeving = {"TRAINER_BEWAARDAGEN": "30"}
    with _trainersapp(klein_winkel, klein_winkel / "endpoints.yml", omgeving) as app_:
        _login(browser, app_)
        browser.get(f"{app_.url}/verkoop/{OUD}")
        assert "niet (meer) in de opslag" in browser.page_source
        browser.get(f"{app_.url}/verkoop/{NIEUW}")
        getypt = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#tijdlijn .getypt")]
        assert len(getypt) == 1 and "nieuwe verkoop van gisteren" in getypt[0], getypt
        browser.get(f"{app_.url}/dashboard?per=dag")
        links = browser.find_elements(By.CSS_SELECTOR, "a.verkoop")
        assert [a.get_attribute("data-verkoper") for a in links] == [NIEUW]
    assert _verkopers(klein_winkel / "tracker.db") == {NIEUW}
    assert "bewaartermijn 30 dagen: 2 oude events verwijderd" in app_.log.read_text(
        errors="replace"
    )


@pytest.mark.timeout(LABEL_TIMEOUT * 2)
def test_trainknop_toont_de_voortgang_en_laadt_het_model(
    browser: WebDriver,
    coach_terug: stackmodule.Stack,  # noqa: F811  (the fixture imported above)
    klein_winkel: Path,
) -> None:
    omgeving = {"RASA_URL": coach_terug.rasa_url, "RASA_TOKEN": RASA_TEST_TOKEN}
    with _trainersapp(klein_winkel, klein_winkel / "endpoints.yml", omgeving) as app_:
        _login(browser, app_)
        browser.get(f"{app_.url}/training")
        browser.find_element(By.ID, "train-knop").click()
        gezien: list[tuple[str, str]] = []  # (state, progress log) as the page showed them
        einde = time.monotonic() + LABEL_TIMEOUT
        while time.monotonic() < einde:
            toestand = browser.find_element(By.ID, "toestand").text
            gezien.append((toestand, browser.find_element(By.ID, "log").text))
            if toestand.startswith(("klaar", "mislukt")):
                break
            time.sleep(0.5)
    toestanden = [t for t, _ in gezien]
    assert "bezig met trainen" in toestanden, toestanden
    assert any(t == "bezig met trainen" and log for t, log in gezien), "geen voortgang getoond"
    assert toestanden[-1].startswith("klaar"), gezien[-1]
    assert (klein_winkel / "models" / "coach.tar.gz").is_file()
    antwoord = praat(coach_terug.rasa_url, nieuwe_verkoper(), "hallo")
    assert [b.get("text") for b in antwoord] == ["klein model zegt hoi"]
