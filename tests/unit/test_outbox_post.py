"""The one way into the outbox (`storage.outbox.post`): every kind of card edited in place by the
same mechanism, and the worker woken once after the commit that wrote messages, by the
session's commit hook, never by hand."""

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.notice import CardMode, Notice, card_of
from storage import outbox
from storage.models import OutboxMessage

CHAT, OTHER, PERSON = -100500, -100600, 700
CARD = card_of("dossier", 7)


async def rows(session: AsyncSession) -> list[OutboxMessage]:
    return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_card_is_sent_once_then_edited_in_place_in_its_chat(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await outbox.post(session, [Notice(CHAT, "v1", card=CARD, topic=True)], topic_id=33)
        await outbox.post(session, [Notice(CHAT, "v2", {"inline_keyboard": []}, card=CARD)])
        await outbox.post(session, [Notice(OTHER, "elsewhere", card=CARD)])  # its own card
        await session.commit()
        first, edit, other = await rows(session)
    assert (first.kind, first.card, first.payload) == ("text", CARD, {"message_thread_id": 33})
    assert (edit.kind, edit.edits, edit.text, edit.card) == ("edit_text", first.id, "v2", None)
    assert other.kind == "text" and other.chat_id == OTHER and other.card == CARD


async def test_edit_only_replace_new_and_an_answer_to_the_card(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        assert (
            await outbox.post(session, [Notice(CHAT, "x", card=CARD, mode=CardMode.EDIT_ONLY)])
            == []
        )
        (card,) = await outbox.post(session, [Notice(CHAT, "card", card=CARD, urgent=True)])
        (answer,) = await outbox.post(session, [Notice(CHAT, "news", answers_card=CARD)])
        await session.flush()
        assert answer.payload == {"reply_to": card.id} and card.priority == outbox.URGENT
        retired, renewed = await outbox.post(
            session, [Notice(CHAT, "again", card=CARD, mode=CardMode.REPLACE)]
        )
        assert (retired.kind, retired.edits, retired.reply_markup) == ("edit_markup", card.id, None)
        assert renewed.kind == "text" and renewed.card == CARD
        (kept,) = await outbox.post(session, [Notice(CHAT, "third", card=CARD, mode=CardMode.NEW)])
        buttons_only = Notice(CHAT, card=CARD, mode=CardMode.EDIT_ONLY)
        (edit,) = await outbox.post(session, [buttons_only])
        await session.flush()
        assert (edit.kind, edit.edits) == ("edit_markup", kept.id)  # the latest card
        await session.commit()
        assert len(await rows(session)) == 6


async def test_a_document_and_a_location_name_what_they_are_about(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with sessions() as session:
        made = await outbox.post(
            session,
            [
                Notice(CHAT, "📄 caption", path=str(tmp_path / "a.pdf"), file_name="a.pdf"),
                Notice(CHAT, location=(1.5, 2.5), urgent=True),
                Notice(PERSON, "to a person"),
            ],
            dossier_id=7,
        )
        assert [m.kind for m in made] == ["document", "location", "text"]
        assert all(m.dossier_id == 7 for m in made)


async def test_the_worker_is_woken_once_after_a_commit_that_wrote_messages(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    woken: list[str] = []
    async with sessions() as session:
        outbox.wake_after_commit(session, lambda: woken.append("woken"))
        await outbox.post(session, [Notice(PERSON, "one"), Notice(PERSON, "two")])
        assert woken == []  # not before the commit: the worker would not see the rows
        await session.commit()
        assert woken == ["woken"]
        await session.commit()  # nothing written since
        assert woken == ["woken"]
        await outbox.post(session, [Notice(PERSON, "three")])
        await session.rollback()  # rolled back: nothing to deliver
        await session.commit()
        assert woken == ["woken"]
        (message,) = [m for m in await rows(session) if m.text == "one"]
        message.failed_at = message.created_at
        await session.commit()
        assert await outbox.retry(session, message.id)  # back in the queue
        await session.commit()
        assert woken == ["woken", "woken"]


def test_post_is_the_only_way_into_the_outbox() -> None:
    """No use case, job or handler writes outbox rows but through `post` (which fits them to
    Telegram's limits and keeps every card one mechanism)."""
    root = Path(__file__).parent.parent
    sources = [*(root / "bot").rglob("*.py"), *(root / "handlers").glob("*.py")]
    offenders = [p.name for p in sources if re.search(r"\benqueue\w*\(", p.read_text())]
    assert offenders == []
