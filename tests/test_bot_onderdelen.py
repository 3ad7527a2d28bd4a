"""Unit tests of the bot's parts: settings, command table, keyboards, splitting, logging."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from telegram import Bot
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.chatstaat import KnopGeheugen
from bot.commands import COMMANDOS, commando_naam, payload_voor
from bot.keyboards import MAX_CALLBACK_BYTES, Keyboard, splits_tekst, utf16_lengte
from bot.logs import VERVANGING, setup_logging
from bot.opmaak import telegram_html, terminal_tekst
from bot.rasa_client import Knop, RasaFout, lees_antwoord
from bot.settings import ROOT, ConfigError, load_settings
from rasa_ext.payload import KnopRegels
from tests.support.fake_telegram import TEST_TOKEN

# --- settings -------------------------------------------------------------------------


def test_instellingen_standaard() -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": TEST_TOKEN}, dotenv_path=None)
    assert s.rasa_url == "http://localhost:5005"
    assert s.allowed_user_ids == frozenset() and s.webhook_url is None  # nobody: fails closed
    assert s.webhook_listen == "127.0.0.1"  # behind the reverse proxy
    assert s.telegram_api_url is None
    assert s.log_level == "INFO"


def test_token_ontbreekt_geeft_botfather_uitleg() -> None:
    with pytest.raises(ConfigError, match="BotFather"):
        load_settings({}, dotenv_path=None)
    assert load_settings({}, dotenv_path=None, token_nodig=False).telegram_token is None


def test_ongeldig_token_wordt_niet_herhaald() -> None:
    with pytest.raises(ConfigError) as fout:
        load_settings({"TELEGRAM_BOT_TOKEN": "mijn-geheime-waarde"}, dotenv_path=None)
    assert "mijn-geheime-waarde" not in str(fout.value)
    assert "\n" not in str(fout.value)


@pytest.mark.vijandig
@pytest.mark.parametrize(
    ("naam", "waarde", "melding"),
    [
        ("ALLOWED_USER_IDS", "12,abc", "ALLOWED_USER_IDS"),
        ("ALLOWED_USER_IDS", " , ", "ALLOWED_USER_IDS"),
        ("RASA_URL", "localhost:5005", "RASA_URL"),
        ("WEBHOOK_URL", "http://coach.example.org/tg", "https"),
        ("WEBHOOK_SECRET", "geen spaties!", "WEBHOOK_SECRET"),
        ("WEBHOOK_PORT", "poort", "WEBHOOK_PORT"),
        ("RASA_TIMEOUT", "0", "RASA_TIMEOUT"),
        ("LOG_LEVEL", "LUID", "LOG_LEVEL"),
    ],
)
def test_ongeldige_instelling_is_een_regel(naam: str, waarde: str, melding: str) -> None:
    with pytest.raises(ConfigError, match=melding) as fout:
        load_settings({"TELEGRAM_BOT_TOKEN": TEST_TOKEN, naam: waarde}, dotenv_path=None)
    assert "\n" not in str(fout.value)


def test_instellingen_gelezen() -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "ALLOWED_USER_IDS": "111, 222;333",
            "WEBHOOK_URL": "https://coach.example.org/telegram/",
            "RASA_URL": "http://rasa:5005/",
            "RASA_TOKEN": "t",
            "LOG_LEVEL": "debug",
        },
        dotenv_path=None,
    )
    assert s.allowed_user_ids == {111, 222, 333}
    assert s.webhook_path == "telegram"
    assert s.webhook_secret and re.fullmatch(r"[A-Za-z0-9_-]+", s.webhook_secret)
    assert s.rasa_url == "http://rasa:5005" and s.rasa_token == "t"
    assert s.log_level == "DEBUG"


def test_env_bestand_en_omgeving_wint(tmp_path: Path) -> None:
    env_bestand = tmp_path / ".env"
    env_bestand.write_text(f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}\nLOG_LEVEL=WARNING\n")
    s = load_settings({"LOG_LEVEL": "ERROR"}, dotenv_path=env_bestand)
    assert s.telegram_token == TEST_TOKEN and s.log_level == "ERROR"


def _python_m_bot(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_python_m_bot_zonder_token_een_regel() -> None:
    # An empty variable beats a developer's .env, so this never reaches Telegram.
    resultaat = _python_m_bot({"TELEGRAM_BOT_TOKEN": ""})
    assert resultaat.returncode == 2
    assert resultaat.stderr.strip().count("\n") == 0, resultaat.stderr
    assert "TELEGRAM_BOT_TOKEN" in resultaat.stderr and "Traceback" not in resultaat.stderr


def test_python_m_bot_ongeldige_instelling_een_regel() -> None:
    resultaat = _python_m_bot({"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "ALLOWED_USER_IDS": "x"})
    assert resultaat.returncode == 2
    assert resultaat.stderr.strip().count("\n") == 0, resultaat.stderr
    assert TEST_TOKEN not in resultaat.stderr


# --- command table ------------------------------------------------------------------------


def test_commandotabel_past_bij_telegram_en_domein() -> None:
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    assert [c.naam for c in COMMANDOS] == [
        "start",
        "help",
        "nieuw",
        "fase",
        "tips",
        "oefenen",
        "stop",
        "voortgang",
    ]
    hulp = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_help"][0]["text"]
    for c in COMMANDOS:
        assert c.naam in ("start", "help") or f"/{c.naam}" in hulp, f"/help noemt /{c.naam} niet"
        assert re.fullmatch(r"[a-z0-9_]{1,32}", c.naam)
        assert 3 <= len(c.beschrijving) <= 256
        assert c.payload[1:] in intents, c


@pytest.mark.parametrize(
    ("tekst", "payload"),
    [
        ("/start", "/greet"),
        ("/nieuw", "/nieuwe_klant"),
        ("/Fase@verkoopcoach_test_bot", "/fase_overzicht"),
        ("  /tips extra woorden", "/fase_menu"),
        ("/onbekend", None),
        ("klant vindt het te duur", None),
        ("/", None),
    ],
)
def test_payload_voor(tekst: str, payload: str | None) -> None:
    assert payload_voor(tekst) == payload


def test_commando_naam() -> None:
    assert commando_naam("/foo@bar x") == "foo"
    assert commando_naam("geen commando") is None
    assert commando_naam("") is None


# --- keyboards and splitting ---------------------------------------------------------------


def test_korte_payload_reist_mee_lange_krijgt_sleutel() -> None:
    kort = '/fase_menu{"gekozen_fase":"voorbereiding"}'
    lang = '/fase_menu{"gekozen_fase":"voorbereiding","product":"' + "é" * 40 + '"}'
    assert Keyboard.data_voor(kort) == kort
    sleutel = Keyboard.data_voor(lang)
    assert len(sleutel.encode()) <= MAX_CALLBACK_BYTES
    assert Keyboard.data_voor(lang) == sleutel  # deterministic
    zonder_slash = Keyboard.data_voor("ja")  # a plain-text payload is never taken as a command
    assert zonder_slash.startswith("k:")
    payloads = Keyboard.payloads(
        [Knop("K", kort), Knop("L", lang), Knop("J", "ja"), Knop("U", url="https://x.nl")]
    )
    assert payloads == {kort: kort, sleutel: lang, zonder_slash: "ja"}


def test_knopgeheugen_per_bericht_en_begrensd() -> None:
    geheugen = KnopGeheugen(maximum=3)
    for message_id in range(5):
        geheugen.onthoud(message_id, {"/greet": "/greet"})
    assert geheugen.payload(0, "/greet") is None  # the oldest keyboards are forgotten
    assert geheugen.payload(4, "/greet") == "/greet"
    assert geheugen.payload(4, "/restart") is None  # only what was sent in that message
    assert geheugen.payload(99, "/greet") is None


def test_keyboard_een_knop_per_rij() -> None:
    markup = Keyboard().markup([Knop("A", "/a"), Knop("B", "/b"), Knop("Site", url="https://x.nl")])
    assert markup is not None
    assert [[k.text for k in rij] for rij in markup.inline_keyboard] == [["A"], ["B"], ["Site"]]
    assert Keyboard().markup([]) is None


def test_splitsen_op_regeleinden() -> None:
    regels = [f"Regel {i}: " + "woord " * 30 for i in range(100)]
    tekst = "\n".join(regels)
    delen = splits_tekst(tekst)
    assert len(delen) > 1
    assert all(utf16_lengte(d) <= 4096 for d in delen)
    assert "\n".join(delen) == tekst  # nothing lost, every cut at a line break


def test_splitsen_van_een_lange_regel_en_emoji() -> None:
    tekst = "💡" * 3000  # 6000 UTF-16 units without a single space or newline
    delen = splits_tekst(tekst)
    assert all(utf16_lengte(d) <= 4096 for d in delen)
    assert "".join(delen) == tekst
    zonder_regels = " ".join(["verkopen"] * 1000)
    delen = splits_tekst(zonder_regels)
    assert all(utf16_lengte(d) <= 4096 for d in delen)
    assert " ".join(delen) == zonder_regels  # cut at spaces
    assert splits_tekst("kort") == ["kort"]


# --- Rasa answers --------------------------------------------------------------------------


def test_rasa_antwoord_lezen() -> None:
    data = [
        {"recipient_id": "1", "text": "Hoi"},
        {"recipient_id": "1", "text": "Kies", "buttons": [{"title": "A", "payload": "/a"}]},
        {"recipient_id": "1", "custom": {"x": 1}},
        {"recipient_id": "1", "image": "https://x.nl/a.png"},
        "rommel",
    ]
    berichten = lees_antwoord(data)
    assert [b.tekst for b in berichten] == ["Hoi", "Kies", "", "https://x.nl/a.png"]
    assert berichten[1].knoppen == (Knop("A", "/a"),)
    assert berichten[2].extra == {"x": 1} and berichten[0].extra is None
    assert lees_antwoord([]) == []
    with pytest.raises(RasaFout):
        lees_antwoord({"error": "x"})


# --- logging: never the token ------------------------------------------------------------


@pytest.fixture
def logregels() -> io.StringIO:
    stroom = io.StringIO()
    root = logging.getLogger()
    oud = (list(root.handlers), root.level)
    handler = setup_logging("DEBUG", ["extra-geheim"], stream=stroom)
    yield stroom
    root.removeHandler(handler)
    root.handlers[:] = oud[0]
    root.setLevel(oud[1])


def test_token_nooit_in_logregel(logregels: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.info("token in bericht %s", TEST_TOKEN)
    log.warning(f"token in f-string https://api.telegram.org/bot{TEST_TOKEN}/getMe")
    log.info("ander geheim: extra-geheim")
    try:
        raise RuntimeError(f"verbinding met /bot{TEST_TOKEN}/sendMessage mislukt")
    except RuntimeError:
        log.exception("fout met traceback")
    uitvoer = logregels.getvalue()
    assert TEST_TOKEN not in uitvoer and "extra-geheim" not in uitvoer
    assert TEST_TOKEN.split(":")[1] not in uitvoer
    assert uitvoer.count(VERVANGING) == 4  # message, f-string, secret, exception
    assert "RuntimeError" in uitvoer  # the traceback is still there, just redacted


def test_telegram_netwerkfout_zonder_traceback(logregels: io.StringIO) -> None:
    try:
        raise NetworkError(f"httpx.ConnectError via /bot{TEST_TOKEN}/getMe")
    except NetworkError:
        logging.getLogger("telegram.ext").exception("Network Retry Loop: Aborting.")
    try:
        raise ValueError("een echte bug")
    except ValueError:
        logging.getLogger("bot").exception("onverwacht")
    uitvoer = logregels.getvalue()
    assert "Aborting. (NetworkError: httpx.ConnectError" in uitvoer
    assert uitvoer.count("Traceback") == 1  # only the bug keeps its traceback
    assert TEST_TOKEN not in uitvoer


async def test_httpx_zwijgt_en_telegram_urls_zijn_geredigeerd(logregels: io.StringIO) -> None:
    """The real HTTPXRequest, with httpx's own transport mocked: the URL holds the token."""
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING

    def telegram(request: httpx.Request) -> httpx.Response:
        assert TEST_TOKEN in str(request.url)
        return httpx.Response(
            200,
            json={
                "ok": True,
                "result": {"id": 1, "is_bot": True, "first_name": "C", "username": "c_bot"},
            },
        )

    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(telegram)})
    async with Bot(TEST_TOKEN, request=request, get_updates_request=request) as bot:
        assert bot.username == "c_bot"
        # Even if someone turns httpx's request log back on, the filter redacts the URL.
        logging.getLogger("httpx").setLevel(logging.INFO)
        try:
            await bot.get_me()
        finally:
            logging.getLogger("httpx").setLevel(logging.WARNING)
    uitvoer = logregels.getvalue()
    assert "HTTP Request: POST" in uitvoer
    assert TEST_TOKEN not in uitvoer and VERVANGING in uitvoer
    assert json.dumps(TEST_TOKEN)[1:-1] not in uitvoer


# --- issue 11: closed by default ----------------------------------------------------------


@pytest.mark.vijandig
@pytest.mark.parametrize("geheim", ["x", "kort-geheim", "a" * 31])
def test_vijandig_webhookgeheim_te_kort(geheim: str) -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET moet 32 tot 256 tekens") as fout:
        load_settings(
            {
                "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
                "WEBHOOK_URL": "https://coach.example.org/hook",
                "WEBHOOK_SECRET": geheim,
            },
            dotenv_path=None,
        )
    assert geheim not in str(fout.value)


def test_webhookgeheim_van_32_tekens_en_standaard_lokaal() -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "WEBHOOK_URL": "https://coach.example.org/hook",
            "WEBHOOK_SECRET": "a" * 32,
        },
        dotenv_path=None,
    )
    assert s.webhook_secret == "a" * 32 and s.webhook_listen == "127.0.0.1"


@pytest.mark.vijandig
def test_vijandig_bot_id_van_11_cijfers(logregels: io.StringIO) -> None:
    token = "12345678901:" + TEST_TOKEN.split(":")[1]
    for lengte in (8, 10, 11, 16):
        waarde = "9" * lengte + ":" + TEST_TOKEN.split(":")[1]
        assert load_settings({"TELEGRAM_BOT_TOKEN": waarde}, dotenv_path=None).telegram_token
    logging.getLogger("bot.test").warning("url https://api.telegram.org/bot%s/getMe", token)
    uitvoer = logregels.getvalue()
    assert "bot[token verborgen]/getMe" in uitvoer  # not one digit of the bot id left
    assert "12345678901" not in uitvoer and token.split(":")[1] not in uitvoer


def test_allowed_user_ids_ster_laat_iedereen_toe() -> None:
    s = load_settings({"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "ALLOWED_USER_IDS": "*"}, dotenv_path=None)
    assert s.allowed_user_ids is None and s.telegram_bezwaar() is None
    zonder = load_settings({"TELEGRAM_BOT_TOKEN": TEST_TOKEN}, dotenv_path=None)
    assert zonder.telegram_bezwaar() is not None


@pytest.mark.vijandig
def test_vijandig_python_m_bot_zonder_allowlist_start_niet() -> None:
    resultaat = _python_m_bot({"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "ALLOWED_USER_IDS": ""})
    assert resultaat.returncode == 2
    assert resultaat.stderr.strip().count("\n") == 0, resultaat.stderr
    assert "ALLOWED_USER_IDS" in resultaat.stderr and "ALLOWED_USER_IDS=*" in resultaat.stderr
    assert "Traceback" not in resultaat.stderr and TEST_TOKEN not in resultaat.stderr


@pytest.mark.vijandig
def test_vijandig_python_m_bot_webhookgeheim_van_een_teken() -> None:
    resultaat = _python_m_bot(
        {
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "ALLOWED_USER_IDS": "1",
            "WEBHOOK_URL": "https://coach.example.org/hook",
            "WEBHOOK_SECRET": "x",
        }
    )
    assert resultaat.returncode == 2
    assert "WEBHOOK_SECRET" in resultaat.stderr and "Traceback" not in resultaat.stderr


def test_eigen_bot_api_url_gelezen() -> None:
    s = load_settings(
        {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_URL": "http://localhost:8081/"},
        dotenv_path=None,
    )
    assert s.telegram_api_url == "http://localhost:8081" and s.telegram_api_file_url is None
    with pytest.raises(ConfigError, match="TELEGRAM_API_URL"):
        load_settings(
            {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_URL": "localhost:8081"},
            dotenv_path=None,
        )


@pytest.mark.vijandig
def test_vijandig_terminal_geeft_geheimen_aan_het_logfilter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import terminal

    root = logging.getLogger()
    oud = (list(root.handlers), root.level)
    monkeypatch.setenv("RASA_TOKEN", "rasa-geheim-123")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)

    def stop(_prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", stop)
    try:
        assert terminal.main(["--rasa-url", "http://127.0.0.1:9"]) == 0
        logging.getLogger("bot.test").error("verbinding met ?token=rasa-geheim-123 mislukt")
    finally:
        root.handlers[:] = oud[0]
        root.setLevel(oud[1])
    fout = capsys.readouterr().err
    assert "mislukt" in fout and VERVANGING in fout and "rasa-geheim-123" not in fout


# --- button payloads: the allowlist from domain.yml -------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "/greet",
        "/nieuwe_klant",
        '/fase_menu{"gekozen_fase":"bezwaar"}',
        '/oefenen_start{"oefen_scenario":"laptop"}',
        "gewoon tekst",
    ],
)
def test_knopregels_laten_de_knoppen_van_de_coach_door(payload: str) -> None:
    assert KnopRegels.uit_domein().toegestaan(payload)


@pytest.mark.vijandig
@pytest.mark.parametrize(
    "payload",
    [
        "/restart",
        "/session_start",
        "/nlu_fallback",
        "/greet@0.99",
        "/bestaat_niet",
        '/greet{"fase":"bezwaar"}',
        '/greet{"gelabeld":"x"}',
        '/greet{"oefen_historie":"[]"}',
        '/greet{"product":"laptop"}',  # typed by sellers, never a button
        '/oefenen_start{"oefen_scenario":["a"]}',
        '/oefenen_start{"oefen_scenario":"' + "x" * 65 + '"}',
        "/greet{kapot",
        '/greet["x"]',
        "//greet",
    ],
)
def test_vijandig_knopregels_weigeren(payload: str) -> None:
    assert not KnopRegels.uit_domein().toegestaan(payload)


def test_knopregels_uit_het_domein() -> None:
    regels = KnopRegels.uit_domein()
    domein = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert regels.intents == set(domein["intents"])
    assert regels.entiteiten == {"gekozen_fase", "oefen_scenario"}
    assert all(c.payload[1:] in regels.intents for c in COMMANDOS)


# --- formatting in the terminal ---------------------------------------------------------------


def test_terminal_toont_regieaanwijzingen_als_onderstreping() -> None:
    assert (
        terminal_tekst("*kijkt op* Hallo, 5 * 3 * 2 is *veel*")
        == "_kijkt op_ Hallo, 5 * 3 * 2 is _veel_"
    )
    assert telegram_html("*zucht* <b>&") == "<i>zucht</i> &lt;b&gt;&amp;"
