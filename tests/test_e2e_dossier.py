"""A whole dossier, from /start to the Secretariat's card.

Over real HTTP long polling, once per language (fr, en, ar): the deployment's path end to end.
In-process, the journey without a partner (no letter asked, the card leaves through the outbox).
"""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Attachment, Dossier, StatusChange
from tests.driver import Applicant, find
from tests.harness import SECRETARIAT, BotUnderTest, InProcessBot, RunningBot
from tests.standin import BotAPIStandIn

SUBMITTED = {
    "fr": "📤 Dossier soumis. Sa référence est",
    "en": "📤 Dossier submitted. Its reference is",
    "ar": "📤 تم تقديم الملف. مرجعه",
}


def dossier_cards(api: BotAPIStandIn) -> list[dict]:
    """The Secretariat's chat also gets a card for the registration: the dossier's is apart."""
    return [m for m in api.messages(SECRETARIAT) if "FC-" in m.get("text", "")]


async def wait_for_card(api: BotAPIStandIn) -> dict:
    for _ in range(100):
        if dossier_cards(api):
            return dossier_cards(api)[-1]
        await asyncio.sleep(0.05)
    raise AssertionError("no card reached the Secretariat's chat")


async def submit(applicant: Applicant) -> str:
    """Fill from /start to the review, submit, confirm; returns the confirmation's text."""
    await applicant.register()
    visited = await applicant.fill()
    assert visited[0] == "city"
    assert ("att_letters" in visited) == applicant.with_partner
    review = applicant.last
    assert "✅" in review["text"] and "❌" not in review["text"]
    await applicant.press("m", "submit")
    reply = await applicant.user.press_data(applicant.last, find(applicant.last, "m", "submit_ok"))
    return reply[-1]["text"]


async def check_submitted(bot: BotUnderTest, text: str, card: dict, slots: set[str]) -> None:
    assert "FC-" in card["text"] and "Éclairage solaire de la Médina" in card["text"]
    assert "Nouveau dossier" in card["text"]  # the Secretariat reads French, whoever sends
    async with bot.sessions() as session:
        dossier = await session.scalar(select(Dossier))
        assert dossier.status == "submitted" and dossier.reference in text
        assert dossier.reference in card["text"]
        files = list(await session.scalars(select(Attachment)))
        assert {f.slot.split(":")[0] for f in files} == slots
        assert all(Path(f.path).read_bytes().startswith(b"%PDF") for f in files)
        change = await session.scalar(select(StatusChange))
        assert (change.from_status, change.to_status) == ("draft", "submitted")


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
async def test_a_full_dossier_reaches_the_secretariat(running: RunningBot, language: str) -> None:
    applicant = Applicant(running.user(500, language_code=language), language, partners=1)
    text = await submit(applicant)
    assert SUBMITTED[language] in text and "FC-" in text
    card = await wait_for_card(running.api)
    await check_submitted(running, text, card, {"att_resolution", "att_technical", "att_letters"})


async def test_a_dossier_without_partner_needs_no_letter(app: InProcessBot) -> None:
    applicant = Applicant(app.user(501), "fr")
    text = await submit(applicant)
    assert SUBMITTED["fr"] in text
    await app.drain_outbox()
    (card,) = dossier_cards(app.api)
    await check_submitted(app, text, card, {"att_resolution", "att_technical"})
