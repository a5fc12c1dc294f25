"""The "📄 PDF" button end to end: who gets the dossier as a document, in whose language, and the
PDF that goes with the Secretariat's card on submission (CARD_PDF), through the outbox."""

from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from storage import outbox
from storage.models import OutboxMessage
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import CITY, OTHER_CITY, REFUSED, complete_dossier, submitted
from testkit.standin import BotAPIStandIn

COMMISSION_MEMBER = 604


def pdf_text(api: BotAPIStandIn, message: dict) -> str:
    content = api.files.get(message["document"]["file_id"]).content
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def documents(messages: list[dict]) -> list[dict]:
    return [m for m in messages if "document" in m]


async def test_who_gets_the_pdf(app: InProcessBot) -> None:
    api = app.api
    dossier_id, reference = await submitted(app)
    shown = await app.user(CITY).send(f"/dossier {reference}")
    assert "📄 PDF" in app.user(CITY).buttons(shown[-1])

    # The city's official: their own city's dossier, in their language (French).
    city = app.user(CITY)
    got = await city.press_data(shown[-1], f"m:{dossier_id}:pdf:")
    (document,) = documents(got)
    assert document["document"]["file_name"] == "FC-2026-0042.pdf"
    assert document["caption"].startswith("📄 FC-2026-0042 · ")
    text = pdf_text(api, document)
    assert "Dossier du Fonds de coopération" in text and "Soumis" in text

    # Staff, in English, from the whole dossier's screen.
    await app.add_staff(905, "secretariat", "en", "John Smith")
    staff = app.user(905, language_code="en")
    whole = await staff.send(f"/dossier {reference}")
    assert "📄 PDF" in staff.buttons(whole[-1])
    got = await staff.press(whole[-1], "📄 PDF")
    (document,) = documents(got)
    assert "Cooperation Fund dossier" in pdf_text(api, document)

    # Another city's official forging either button, and staff without the review's right.
    other = app.user(OTHER_CITY)
    forged = await other.press_data(shown[-1], f"m:{dossier_id}:pdf:", expect=0)
    assert not documents(forged)
    answer = api.callback_answer(forged.callback_query_id)
    assert answer["text"] == "Ce dossier ne vous est pas accessible." and answer["show_alert"]
    for who in (OTHER_CITY, CITY, COMMISSION_MEMBER):
        forged = await app.user(who).press_data(shown[-1], f"s:pdf:{dossier_id}:", expect=0)
        assert not documents(forged)
        assert api.callback_answer(forged.callback_query_id)["text"] == REFUSED
    sent = [c for c in api.calls if c.method == "sendDocument"]
    assert len(sent) == 2


@pytest.fixture
async def forum_with_pdf(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, SECRETARIAT_GROUP["title"], forum=True)
    bot = InProcessBot(api, tmp_path, card_pdf=True)
    await bot.start()
    yield bot
    await bot.close()
    assert not api.errors, [(c.method, c.description) for c in api.errors]


async def test_the_pdf_goes_with_the_card_into_the_dossiers_topic(
    forum_with_pdf: InProcessBot,
) -> None:
    app, api = forum_with_pdf, forum_with_pdf.api
    dossier_id = await complete_dossier(app, 700, "ar")
    city = app.user(700, language_code="ar")
    await city.send("/dossiers")
    await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:open:")
    done = await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:submit_ok:")
    assert "FC-2026-0001" in done.texts[-1]

    async with app.sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "document"))
        path = Path(row.payload["path"])
    assert path.is_file() and path.is_relative_to(app.settings.files_dir)
    await app.restart()  # the row and its file are all the outbox needs
    await app.drain_outbox()

    (topic,) = api.topics(SECRETARIAT)
    card, document = [m for m in api.messages(SECRETARIAT) if m.get("is_topic_message")][:2]
    assert card["text"].startswith("📥") and "document" in document
    assert document["message_thread_id"] == card["message_thread_id"] == topic["message_thread_id"]
    assert document["document"]["file_name"] == "FC-2026-0001.pdf"
    text = pdf_text(api, document)  # in the Secretariat's language, whoever submitted it
    assert "Dossier du Fonds de coopération" in text and "FC-2026-0001" in text
    assert "Soumis" in text  # the history holds the submission itself
    assert api.files.get(document["document"]["file_id"]).content == path.read_bytes()
    async with app.sessions() as session:
        assert not [m for m in await outbox.pending(session)]
