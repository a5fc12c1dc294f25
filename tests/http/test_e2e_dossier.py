"""A whole dossier, from /start to the Secretariat's card.

Over real HTTP long polling, once per language (fr, en, ar): the deployment's path end to end.
In-process, the journey without a partner (no letter asked, the card leaves through the outbox).
"""

from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Attachment, Dossier, StatusChange
from testkit.driver import Applicant, submit, wait_for_card
from testkit.harness import SECRETARIAT, BotUnderTest, InProcessBot, RunningBot

SUBMITTED = {
    "fr": "📤 Dossier soumis. Sa référence est",
    "en": "📤 Dossier submitted. Its reference is",
    "ar": "📤 تم تقديم الملف. مرجعه",
}


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
    (card,) = [m for m in app.api.messages(SECRETARIAT) if m["text"].startswith("📥")]
    await check_submitted(app, text, card, {"att_resolution", "att_technical"})
