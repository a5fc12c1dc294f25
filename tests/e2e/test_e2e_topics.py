"""The Secretariat's chat as a forum: each dossier gets its own topic (named by reference and
city) holding its card, its status changes and its messages; staff answer the city by simply
writing in that topic. If the topic cannot be created, everything stays in the main chat."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import DossierMessage
from testkit.driver import open_draft
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import complete_dossier
from testkit.standin import BotAPIStandIn

ARABIC = re.compile(r"[\u0600-\u06ff]")
FORUM_GROUP = {**SECRETARIAT_GROUP, "is_forum": True}
STAFF = 900


@pytest.fixture
async def forum(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, SECRETARIAT_GROUP["title"], forum=True)
    bot = InProcessBot(api, tmp_path)
    await bot.start()
    await bot.add_staff(STAFF, "secretariat", "en", "John Smith")
    yield bot
    await bot.close()
    assert not api.unanswered_callback_queries()


async def submit(app: InProcessBot, user_id: int, language: str = "fr") -> int:
    dossier_id = await complete_dossier(app, user_id, language)
    city = app.user(user_id, language_code=language)
    await open_draft(city, dossier_id)
    done = await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:submit_ok:")
    assert "FC-2026-" in done.texts[-1]
    await app.drain_outbox()
    return dossier_id


def cards(api: BotAPIStandIn) -> list[dict]:
    return [m for m in api.messages(SECRETARIAT) if m.get("text", "").startswith(("📥", "🔁"))]


async def test_a_dossier_lives_in_its_own_topic(forum: InProcessBot) -> None:
    api = forum.api
    dossier_id = await submit(forum, 700, "ar")
    (topic,) = api.topics(SECRETARIAT)
    assert topic["name"] == "FC-2026-0001 · Dakar"
    thread = topic["message_thread_id"]
    assert (await forum.dossier(dossier_id)).topic_id == thread
    (card,) = cards(api)
    assert card["message_thread_id"] == thread and card["is_topic_message"]
    # The topic was created during the submission, before the card was sent into it.
    methods = [c.method for c in api.calls]
    sent_card = next(
        i
        for i, c in enumerate(api.calls)
        if c.method == "sendMessage"
        and c.params["chat_id"] == SECRETARIAT
        and c.result["message_id"] == card["message_id"]
    )
    assert methods.index("getChat") < methods.index("createForumTopic") < sent_card

    staff = forum.user(STAFF, language_code="en", first_name="John", group=FORUM_GROUP)
    done = await staff.press(card, "🔎 Commencer l’examen")
    assert done.sent[-1]["message_thread_id"] == thread  # the short answer in the topic too
    await forum.drain_outbox()
    (card,) = cards(api)
    assert "Statut : En cours d’examen" in card["text"] and card["message_thread_id"] == thread

    city = forum.user(700, language_code="ar")
    await city.press_data(city.chat_messages()[-1], f"m:{dossier_id}:write:")
    await city.send("هل تحتاجون إلى وثيقة أخرى؟")
    await forum.drain_outbox()
    asked = api.last_message(SECRETARIAT)
    assert "هل تحتاجون إلى وثيقة أخرى؟" in asked["text"]
    assert asked["message_thread_id"] == thread

    told_from = len(api.messages(700))
    reply = await staff.send("Non, le dossier est complet.", thread_id=thread)
    assert reply.texts == ["✔ Message envoyé."] and reply[0]["message_thread_id"] == thread
    await forum.drain_outbox()
    (told,) = api.messages(700)[told_from:]
    assert "Non, le dossier est complet." in told["text"] and ARABIC.search(told["text"])

    # Someone without the right, and staff in the main chat, are not taken for answers.
    before = len(api.messages(SECRETARIAT))
    stranger = forum.user(950, group=FORUM_GROUP)
    assert await stranger.send("Bonjour à tous", thread_id=thread, expect=0) == []
    assert await staff.send("Réunion à 15 h", expect=0) == []
    await forum.drain_outbox()
    assert len(api.messages(SECRETARIAT)) == before and len(api.messages(700)) == told_from + 1
    assert forum.bot is not None
    other = await forum.bot.create_forum_topic(SECRETARIAT, "Réunions")  # no dossier's topic
    assert await staff.send("Ordre du jour ?", thread_id=other.message_thread_id, expect=0) == []

    # A note asked for in the topic takes the next message: a note, not a message to the city.
    asked = await staff.press(cards(api)[0], "✏️ Demander des modifications")
    assert asked.texts[-1].startswith("Que faut-il changer dans FC-2026-0001 ?")
    assert asked[-1]["message_thread_id"] == thread
    shown = await staff.send("Joignez le devis signé.", thread_id=thread)
    assert shown[-1]["message_thread_id"] == thread  # the preview, in the topic
    await staff.press(shown[-1], "📤 Envoyer")
    await forum.drain_outbox()
    assert "Statut : Modifications demandées" in cards(api)[0]["text"]
    async with forum.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DossierMessage)) == 2
    assert not api.errors, [(c.method, c.description) for c in api.errors]


async def test_without_the_right_to_create_topics_the_main_chat(forum: InProcessBot) -> None:
    api = forum.api
    api.fail_next("createForumTopic", 400, description="Bad Request: not enough rights")
    first = await submit(forum, 700)
    (card,) = cards(api)
    assert "message_thread_id" not in card and api.topics(SECRETARIAT) == []
    assert (await forum.dossier(first)).topic_id is None

    second = await submit(forum, 701)  # the next dossier gets its topic: nothing is kept broken
    (topic,) = api.topics(SECRETARIAT)
    assert topic["name"] == "FC-2026-0002 · Dakar"
    assert cards(api)[-1]["message_thread_id"] == topic["message_thread_id"]
    assert (await forum.dossier(second)).topic_id == topic["message_thread_id"]
    assert len(api.calls_of("getChat")) == 1  # asked once for the process
    assert [(c.method, c.status) for c in api.errors] == [("createForumTopic", 400)]
