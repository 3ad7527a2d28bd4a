"""End to end: the real Application against the real Rasa and action servers.

Only Telegram's transport is fake (tests/support/fake_telegram.py). The servers start
once per session (tests/conftest.py); each test uses fresh chat ids, so the
conversations in Rasa's tracker store do not interfere.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import yaml

from actions.adviesboek import laad_adviesboek
from actions.oefenboek import laad_oefenboek
from bot import texts
from bot.commands import COMMANDOS
from bot.logs import VERVANGING, setup_logging
from bot.rasa_client import RasaClient
from bot.settings import ROOT
from stack.launcher import Stack
from tests.support.fake_telegram import (
    BOT_NAAM,
    TEST_TOKEN,
    Opstelling,
    draaiende_bot,
    instellingen,
    knoppen,
    nieuwe_chat,
    zichtbaar,
)

# The first test also waits for the servers to start (up to 180 s).
pytestmark = pytest.mark.timeout(300)

BOEK = laad_adviesboek()
DOMEIN = yaml.safe_load((ROOT / "domain.yml").read_text())
STILTE_TEKST = yaml.safe_load((ROOT / "credentials.yml").read_text())[
    "rasa_ext.channel.CoachRestInput"
]["stilte_tekst"]


def response(naam: str) -> str:
    return DOMEIN["responses"][naam][0]["text"]


def fasetitel(tekst: str) -> str:
    """The phase in an advice header 'Bezwaar · Prijs (Laptops)'."""
    return tekst.split(" · ", 1)[0]


class TellendeTransport(httpx.AsyncHTTPTransport):
    """The real HTTP transport to Rasa, noting which conversations were sent."""

    def __init__(self) -> None:
        super().__init__()
        self.afzenders: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/webhooks/rest/webhook"):
            self.afzenders.append(json.loads(request.content)["sender"])
        return await super().handle_async_request(request)


@pytest.fixture
async def geteld(coach_stack: Stack) -> AsyncIterator[tuple[Opstelling, TellendeTransport]]:
    transport = TellendeTransport()
    rasa = RasaClient(coach_stack.rasa_url, coach_stack.auth_token, timeout=30, transport=transport)
    async with draaiende_bot(instellingen(), rasa) as opstelling:
        yield opstelling, transport


async def druk(coach: Opstelling, chat: int, bericht: dict[str, Any], titel: str) -> None:
    """Press the button with this title under a message the seller received."""
    data = dict(knoppen(bericht))[titel]
    voor = len(coach.telegram.berichten(chat))
    await coach.verwerk(coach.updates.knop(chat, bericht, data))
    assert len(coach.telegram.berichten(chat)) > voor
    gemarkeerd = coach.telegram.gelukt("editMessageReplyMarkup", chat)[-1].params
    assert gemarkeerd["message_id"] == bericht["message_id"]
    assert knoppen({"reply_markup": gemarkeerd["reply_markup"]}) == [
        (texts.GEKOZEN_PREFIX + titel, "x:gekozen")
    ]


async def typ(coach: Opstelling, chat: int, tekst: str) -> dict[str, Any]:
    await coach.verwerk(coach.updates.tekst(chat, tekst))
    return coach.telegram.berichten(chat)[-1]


# --- a whole sale ------------------------------------------------------------------------------


async def test_hele_verkoop_met_knoppen(coach: Opstelling) -> None:
    chat = nieuwe_chat()
    welkom = await typ(coach, chat, "/nieuw")
    assert welkom["text"] == BOEK.teksten["nieuwe_klant"]
    situaties = [BOEK.adviezen[i].situatie for i in BOEK.nieuwe_klant_knoppen]
    assert [titel for titel, _ in knoppen(welkom)] == situaties

    # Contact: a button press.
    await druk(coach, chat, welkom, BOEK.adviezen["contact_binnenkomst"].situatie)
    assert fasetitel(coach.telegram.teksten(chat)[-1]) == "Contact"

    # Behoefte and bezwaar: typed, the way a seller types on the floor.
    assert fasetitel((await typ(coach, chat, "klant zoekt een laptop"))["text"]) == "Behoefte"
    bezwaar = await typ(coach, chat, "ze zegt dat de laptop te duur is")
    assert fasetitel(bezwaar["text"]) == "Bezwaar"

    # Afsluiting through the menus: /tips, a phase, a situation.
    menu = await typ(coach, chat, "/tips")
    await druk(coach, chat, menu, BOEK.fasen["afsluiting"].titel)
    situatiemenu = coach.telegram.berichten(chat)[-1]
    assert situatiemenu["text"] == BOEK.teksten["situatie_menu"]
    eerste = knoppen(situatiemenu)[0][0]
    await druk(coach, chat, situatiemenu, eerste)
    assert fasetitel(coach.telegram.teksten(chat)[-1]) == "Afsluiting"

    assert fasetitel((await typ(coach, chat, "ze heeft hem gekocht"))["text"]) == "Nazorg"
    overzicht = (await typ(coach, chat, "/fase"))["text"]
    verloop = ["contact", "behoefte", "bezwaar", "afsluiting", "nazorg"]
    assert overzicht == BOEK.teksten["fase_overzicht"].format(
        fase="Nazorg", verloop=" → ".join(BOEK.fasen[f].titel for f in verloop)
    )

    # /nieuw resets the sale in Rasa.
    await typ(coach, chat, "/nieuw")
    assert (await typ(coach, chat, "/fase"))["text"] == BOEK.teksten["fase_overzicht_leeg"]


# --- commands ---------------------------------------------------------------------------------


async def test_commandomenu_uit_de_tabel(coach: Opstelling) -> None:
    gezet = coach.telegram.gelukt("setMyCommands")[-1].params["commands"]
    assert gezet == [{"command": c.naam, "description": c.beschrijving} for c in COMMANDOS]


async def test_elk_commando(coach: Opstelling) -> None:
    chat = nieuwe_chat()
    assert (await typ(coach, chat, "/start"))["text"] == response("utter_greet")
    assert (await typ(coach, chat, "/help"))["text"] == response("utter_help")
    assert (await typ(coach, chat, "/fase"))["text"] == BOEK.teksten["fase_overzicht_leeg"]
    tips = await typ(coach, chat, "/tips")
    assert tips["text"] == BOEK.teksten["fase_menu"]
    assert [titel for titel, _ in knoppen(tips)] == [f.titel for f in BOEK.fasen.values()]
    nieuw = await typ(coach, chat, "/nieuw")
    assert nieuw["text"] == BOEK.teksten["nieuwe_klant"] and knoppen(nieuw)
    # A command pasted as plain text, and one addressed to the bot by name.
    await coach.verwerk(coach.updates.zonder_entiteiten(chat, "/help"))
    assert coach.telegram.teksten(chat)[-1] == response("utter_help")
    assert (await typ(coach, chat, f"/start@{BOT_NAAM}"))["text"] == response("utter_greet")


# --- bad input --------------------------------------------------------------------------------

BESTAND = {"file_id": "f1", "file_unique_id": "u1"}
NIET_TEKST = {
    "photo": [{**BESTAND, "width": 90, "height": 90}],
    "sticker": {**BESTAND, "width": 512, "height": 512, "is_animated": False,
                "is_video": False, "type": "regular"},
    "voice": {**BESTAND, "duration": 3},
    "audio": {**BESTAND, "duration": 30},
    "video": {**BESTAND, "width": 10, "height": 10, "duration": 3},
    "document": {**BESTAND, "file_name": "offerte.pdf"},
    "location": {"latitude": 52.09, "longitude": 5.12},
    "contact": {"phone_number": "0612345678", "first_name": "Klant"},
}  # fmt: skip


@pytest.mark.vijandig
async def test_slechte_invoer_kort_antwoord_en_niets_naar_rasa(
    geteld: tuple[Opstelling, TellendeTransport],
) -> None:
    coach, transport = geteld
    chat = nieuwe_chat()
    for veld, waarde in NIET_TEKST.items():
        await coach.verwerk(coach.updates.soort(chat, veld, waarde))
    await coach.verwerk(coach.updates.zonder_entiteiten(chat, ""))
    await coach.verwerk(coach.updates.tekst(chat, "   \n\t "))
    await coach.verwerk(coach.updates.tekst(chat, "te lang " * 600))
    await coach.verwerk(coach.updates.bewerkt(chat, "klant vindt het toch te duur"))
    await coach.verwerk(coach.updates.tekst(chat, "/verkoopmaar"))
    assert coach.telegram.teksten(chat) == [texts.ALLEEN_TEKST] * len(NIET_TEKST) + [
        texts.LEEG,
        texts.LEEG,
        texts.TE_LANG,
        texts.BEWERKT,
        texts.ONBEKEND_COMMANDO,
    ]
    assert transport.afzenders == []

    # ... and the bot is still there for the next real message.
    await coach.verwerk(coach.updates.tekst(chat, "/start"))
    assert coach.telegram.teksten(chat)[-1] == response("utter_greet")
    assert transport.afzenders == [str(chat)]


@pytest.mark.vijandig
async def test_groepschat_alleen_privé(geteld: tuple[Opstelling, TellendeTransport]) -> None:
    coach, transport = geteld
    groep, verkoper = -1001234, nieuwe_chat()
    vermelding = f"@{BOT_NAAM} klant vindt het te duur"
    lengte = len(BOT_NAAM) + 1
    antwoord_op_bot = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": groep, "type": "group", "title": "Winkelteam"},
        "from": {"id": coach.app.bot.id, "is_bot": True, "first_name": "Coach"},
        "text": "eerder bericht",
    }

    def entiteit(soort: str, lengte: int) -> dict[str, Any]:
        return {"entities": [{"type": soort, "offset": 0, "length": lengte}]}

    for update in [
        coach.updates.in_groep(groep, "klant vindt het te duur", verkoper),  # not for us
        coach.updates.in_groep(groep, vermelding, verkoper, **entiteit("mention", lengte)),
        coach.updates.in_groep(
            groep, f"/start@{BOT_NAAM}", verkoper, **entiteit("bot_command", lengte + 6)
        ),
        coach.updates.in_groep(groep, "en nu?", verkoper, reply_to_message=antwoord_op_bot),
        coach.updates.in_groep(  # a command for another bot in the group
            groep, "/start@anderebot", verkoper, **entiteit("bot_command", 16)
        ),
    ]:
        await coach.verwerk(update)
    privé = texts.ALLEEN_PRIVE.format(gebruikersnaam=BOT_NAAM)
    assert coach.telegram.teksten(groep) == [privé] * 3
    assert transport.afzenders == []


# --- allowed users ------------------------------------------------------------------------------


@pytest.mark.vijandig
async def test_alleen_toegestane_verkopers(coach_stack: Stack) -> None:
    toegestaan, vreemde = nieuwe_chat(), nieuwe_chat()
    transport = TellendeTransport()
    rasa = RasaClient(coach_stack.rasa_url, coach_stack.auth_token, timeout=30, transport=transport)
    settings = instellingen(allowed_user_ids=frozenset({toegestaan}))
    async with draaiende_bot(settings, rasa) as coach:
        await coach.verwerk(coach.updates.tekst(vreemde, "/start"))
        await coach.verwerk(coach.updates.tekst(vreemde, "klant vindt het te duur"))
        await coach.verwerk(coach.updates.soort(vreemde, "location", NIET_TEKST["location"]))
        nep_bericht = {
            "message_id": 5,
            "date": 0,
            "chat": {"id": vreemde, "type": "private"},
            "text": "oud menu",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "/greet"}]]},
        }
        await coach.verwerk(coach.updates.knop(vreemde, nep_bericht, "/greet"))
        assert coach.telegram.teksten(vreemde) == [texts.GEWEIGERD.format(gebruiker_id=vreemde)]
        assert len(coach.telegram.gelukt("answerCallbackQuery")) == 1  # no spinning button

        await coach.verwerk(coach.updates.tekst(toegestaan, "/start"))
        assert coach.telegram.teksten(toegestaan) == [response("utter_greet")]
    assert transport.afzenders == [str(toegestaan)]


# --- action server down ----------------------------------------------------------------------


@pytest.mark.vijandig
async def test_actieserver_uit(coach: Opstelling, coach_stack: Stack) -> None:
    chat = nieuwe_chat()
    await asyncio.to_thread(coach_stack.stop_actieserver)
    try:
        # Rasa's own responses still work; custom actions give the channel's fallback line.
        assert (await typ(coach, chat, "/start"))["text"] == response("utter_greet")
        assert (await typ(coach, chat, "/tips"))["text"] == STILTE_TEKST
        assert (await typ(coach, chat, "ze zegt dat de laptop te duur is"))["text"] == STILTE_TEKST
    finally:
        await asyncio.to_thread(coach_stack.start_actieserver)
    assert (await typ(coach, chat, "/tips"))["text"] == BOEK.teksten["fase_menu"]


# --- no token in the logs, with the whole bot at DEBUG ----------------------------------------


@pytest.mark.vijandig
async def test_token_nergens_in_de_logs(coach_stack: Stack) -> None:
    stroom = io.StringIO()
    root = logging.getLogger()
    oud = (list(root.handlers), root.level)
    handler = setup_logging("DEBUG", stream=stroom)
    try:
        rasa = RasaClient(coach_stack.rasa_url, coach_stack.auth_token, timeout=30)
        async with draaiende_bot(instellingen(), rasa) as coach:
            chat = nieuwe_chat()
            coach.telegram.storing("sendMessage", "netwerk_met_url", aantal=6)
            await coach.verwerk(coach.updates.tekst(chat, "/start"))  # lost after all retries
            await coach.verwerk(coach.updates.tekst(chat, "/start"))
            # The lost answer comes first (Rasa stored that turn), then the new one.
            groet = response("utter_greet")
            assert coach.telegram.teksten(chat) == [texts.EERDER_ANTWOORD, groet, groet]
    finally:
        root.removeHandler(handler)
        root.handlers[:] = oud[0]
        root.setLevel(oud[1])
    uitvoer = stroom.getvalue()
    assert "Telegram-fout" in uitvoer and VERVANGING in uitvoer
    assert TEST_TOKEN not in uitvoer
    assert TEST_TOKEN.split(":")[1] not in uitvoer


# --- 20 sellers at once -----------------------------------------------------------------------


async def test_twintig_verkopers_tegelijk_elk_op_volgorde(coach: Opstelling) -> None:
    chats = [nieuwe_chat() for _ in range(20)]
    stappen = ["/nieuw", "ze zegt dat de laptop te duur is", "/fase"]
    # Interleaved, as they would arrive: step 1 of everyone, then step 2, ...
    for stap in stappen:
        for chat in chats:
            await coach.app.update_queue.put(coach.updates.tekst(chat, stap))
    await asyncio.wait_for(coach.app.update_queue.join(), timeout=240)

    verwacht_fase = BOEK.teksten["fase_overzicht"].format(fase="Bezwaar", verloop="Bezwaar")
    for chat in chats:
        nieuw, advies, fase = coach.telegram.teksten(chat)
        assert nieuw == BOEK.teksten["nieuwe_klant"]
        assert fasetitel(advies) == "Bezwaar"
        assert fase == verwacht_fase  # only right if the advice was handled before /fase


# --- practice mode -----------------------------------------------------------------------------


async def test_oefenen_in_telegram(coach: Opstelling) -> None:
    """/oefenen, a scenario button, every step typed, the scorecard; then /stop in a new one."""
    oefenboek = laad_oefenboek()
    chat = nieuwe_chat()
    keuze = await typ(coach, chat, "/oefenen")
    assert keuze["text"] == oefenboek.teksten["kies_scenario"]
    scenario = oefenboek.scenarios["kinderschoenen"]
    await druk(coach, chat, keuze, scenario.knop)
    klant = coach.telegram.berichten(chat)[-1]
    assert zichtbaar(scenario.situatie) in klant["text"]
    assert zichtbaar(scenario.stappen[0].klant) in klant["text"]
    assert [t for t, _ in knoppen(klant)] == [oefenboek.teksten["stop_knop"]]

    # The model answers of the scenario: every step is judged good.
    for i, stap in enumerate(scenario.stappen):
        voor = len(coach.telegram.berichten(chat))
        await typ(coach, chat, stap.beter)
        coach_deel, klant_deel = coach.telegram.teksten(chat)[voor:]
        assert coach_deel.startswith("✅ "), coach_deel
        if i + 1 < len(scenario.stappen):
            assert zichtbaar(scenario.stappen[i + 1].klant) in klant_deel
    assert "Score: 10/10" in klant_deel
    assert oefenboek.teksten["eerste_keer"] in klant_deel

    # A second session, stopped with the Stop button.
    await typ(coach, chat, "ik wil oefenen")
    await typ(coach, chat, "laptop")
    stop = coach.telegram.berichten(chat)[-1]
    await druk(coach, chat, stop, oefenboek.teksten["stop_knop"])
    assert coach.telegram.teksten(chat)[-1] == oefenboek.teksten["gestopt"].format(
        gedaan=0, totaal=len(oefenboek.scenarios["laptop"].stappen)
    )
    assert (await typ(coach, chat, "/stop"))["text"] == oefenboek.teksten["geen_sessie"]
    advies = await typ(coach, chat, "klant zegt dat het te duur is")
    assert fasetitel(advies["text"]) == "Bezwaar"


# --- forged buttons against the real coach (issue 11) -----------------------------------------


@pytest.mark.vijandig
async def test_vijandig_vervalste_knop_wist_de_verkoop_niet(
    geteld: tuple[Opstelling, TellendeTransport],
) -> None:
    coach, transport = geteld
    chat = nieuwe_chat()
    welkom = await typ(coach, chat, "/nieuw")
    assert (
        fasetitel((await typ(coach, chat, "ze zegt dat de laptop te duur is"))["text"]) == "Bezwaar"
    )
    verzonden = len(transport.afzenders)
    for data in ["/nieuwe_klant", "/restart", '/oefenen_start{"oefen_scenario":"bestaatniet"}']:
        await coach.verwerk(coach.updates.knop(chat, welkom, data))
    assert len(transport.afzenders) == verzonden, "niets naar Rasa"
    meldingen = coach.telegram.gelukt("answerCallbackQuery")[-3:]
    assert [m.params.get("text") for m in meldingen] == [texts.KNOP_VERLOPEN] * 3
    overzicht = (await typ(coach, chat, "/fase"))["text"]
    assert overzicht == BOEK.teksten["fase_overzicht"].format(fase="Bezwaar", verloop="Bezwaar")
