"""The REST channel (rasa_ext/channel.py) on the real Rasa server: what the bot relies on.

Only marked, allowed button payloads become intents; messages are capped; a
message id is handled once. Each test is a hostile client of Rasa's REST API.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from conftest import RASA_TEST_TOKEN

from rasa_ext.channel import TE_LANG_TEKST
from rasa_ext.payload import MAX_TEKENS
from stack.launcher import Stack

pytestmark = [pytest.mark.vijandig, pytest.mark.timeout(300)]


def verkoper() -> str:
    return f"kanaal-{uuid.uuid4().hex[:8]}"


async def post(url: str, afzender: str, tekst: str, metadata: Any = None) -> list[dict]:
    body: dict[str, Any] = {"sender": afzender, "message": tekst}
    if metadata is not None:
        body["metadata"] = metadata
    async with httpx.AsyncClient(timeout=60) as http:
        antwoord = await http.post(f"{url}/webhooks/rest/webhook", json=body)
    antwoord.raise_for_status()
    return antwoord.json()


def tracker(url: str, afzender: str) -> dict:
    antwoord = httpx.get(
        f"{url}/conversations/{afzender}/tracker", params={"token": RASA_TEST_TOKEN}, timeout=30
    )
    antwoord.raise_for_status()
    return antwoord.json()


def gebruikers_events(url: str, afzender: str) -> list[dict]:
    return [e for e in tracker(url, afzender)["events"] if e["event"] == "user"]


def eigen_metadata(event: dict) -> dict:
    """The metadata the client sent, without what Rasa adds itself."""
    return {k: v for k, v in event["metadata"].items() if k not in ("assistant_id", "model_id")}


async def test_vijandig_getypt_restart_en_intent_blijven_tekst(coach_stack: Stack) -> None:
    url, wie = coach_stack.rasa_url, verkoper()
    await post(url, wie, "klant zegt dat het te duur is")
    vals = [
        ("/restart", None),
        (" /restart", {"bron": "tekst"}),  # Rasa strips the space: the "/" must go too
        ("/restart", {"bron": "knop"}),  # marked, but not on the allowlist
        ("/session_start", {"bron": "commando"}),
        ("//greet", None),
        ('/oefenen_start{"oefen_scenario":"laptop"}', None),
        ("/greet@0.99", {"bron": "knop"}),
        ('/fase_menu{"fase":"herstel"}', {"bron": "knop"}),
    ]
    for tekst, metadata in vals:
        antwoord = await post(url, wie, tekst, metadata)
        assert antwoord and all(b.get("text") for b in antwoord), tekst
    stand = tracker(url, wie)
    soorten = [e["event"] for e in stand["events"]]
    assert "restart" not in soorten and soorten.count("session_started") == 1
    # (The NLU may read the typed word "restart" as nieuwe_klant, as it reads "opnieuw": a
    # seller's right. A Rasa restart, which wipes every slot, never happens.)
    assert stand["slots"]["oefen_scenario"] is None
    for event in gebruikers_events(url, wie)[1:]:
        # Plain text through the NLU: a full ranking, not Rasa's one-intent shortcut.
        assert not event["text"].startswith("/"), event["text"]
        assert len(event["parse_data"]["intent_ranking"]) > 1, event["text"]
        assert all(e["entity"] != "oefen_scenario" for e in event["parse_data"]["entities"])


async def test_vijandig_gemarkeerde_knop_van_de_coach_werkt(coach_stack: Stack) -> None:
    url, wie = coach_stack.rasa_url, verkoper()
    knop = '/fase_menu{"gekozen_fase":"herstel"}'
    await post(url, wie, "/help", {"bron": "commando"})
    await post(url, wie, knop, {"bron": "knop"})
    await post(url, wie, knop, {"bron": "tekst"})  # the same text, typed
    commando, gedrukt, getypt = gebruikers_events(url, wie)
    for event, intent in ((commando, "help"), (gedrukt, "fase_menu")):
        assert event["parse_data"]["intent"] == {"name": intent, "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in gedrukt["parse_data"]["entities"]] == [
        ("gekozen_fase", "herstel")
    ]
    assert getypt["text"] == knop[1:]
    assert len(getypt["parse_data"]["intent_ranking"]) > 1
    assert all(e["entity"] != "gekozen_fase" for e in getypt["parse_data"]["entities"])


async def test_vijandig_te_lang_bericht_geweigerd(coach_stack: Stack) -> None:
    url, wie = coach_stack.rasa_url, verkoper()
    antwoord = await post(url, wie, "te duur " * 400)
    assert [b["text"] for b in antwoord] == [TE_LANG_TEKST]
    assert gebruikers_events(url, wie) == []  # never reached the NLU or the store
    assert await post(url, wie, "x" * MAX_TEKENS)  # the limit itself is read


async def test_vijandig_zelfde_bericht_id_een_beurt(coach_stack: Stack) -> None:
    url, wie = coach_stack.rasa_url, verkoper()
    metadata = {"bron": "tekst", "bericht_id": "m:77", "telegram": {"message_id": 77}}
    eerste, tweede = await asyncio.gather(
        post(url, wie, "klant zegt dat het te duur is", metadata),
        post(url, wie, "klant zegt dat het te duur is", metadata),
    )
    derde = await post(url, wie, "klant zegt dat het te duur is", metadata)
    assert eerste == tweede == derde and eerste[0]["text"].startswith("Bezwaar")
    events = gebruikers_events(url, wie)
    assert len(events) == 1 and eigen_metadata(events[0]) == metadata
    # Another id is another turn (and another advice variant).
    vierde = await post(
        url, wie, "klant zegt dat het te duur is", {**metadata, "bericht_id": "m:78"}
    )
    assert len(gebruikers_events(url, wie)) == 2 and vierde != eerste


async def test_vijandig_rommel_in_metadata_niet_opgeslagen(coach_stack: Stack) -> None:
    url, wie = coach_stack.rasa_url, verkoper()
    rommel = {
        "bron": "knop" * 100,
        "bericht_id": "m:1",
        "extra": "x" * 10_000,
        "telegram": {"message_id": 1, "token": "geheim"},
    }
    await post(url, wie, "/greet", rommel)
    await post(url, wie, "hallo", ["geen", "dict"])
    events = gebruikers_events(url, wie)
    assert eigen_metadata(events[0]) == {"bericht_id": "m:1", "telegram": {"message_id": 1}}
    assert events[0]["text"] == "greet"  # the overlong "bron" counts as no mark
    assert eigen_metadata(events[1]) == {}


async def test_vijandig_ook_gestreamd_geen_restart(coach_stack: Stack) -> None:
    """Rasa's `?stream=true` takes another path through the channel: the same rules hold."""
    url, wie = coach_stack.rasa_url, verkoper()
    await post(url, wie, "klant zegt dat het te duur is")
    async with httpx.AsyncClient(timeout=60) as http:
        for tekst in ["/restart", "x" * (MAX_TEKENS + 1)]:
            antwoord = await http.post(
                f"{url}/webhooks/rest/webhook",
                params={"stream": "true"},
                json={"sender": wie, "message": tekst, "metadata": {"bron": "knop"}},
            )
            assert antwoord.status_code == 200 and antwoord.text.strip()
    events = tracker(url, wie)["events"]
    assert "restart" not in [e["event"] for e in events]
    assert [e["text"] for e in events if e["event"] == "user"][1:] == ["restart"]
