"""Forum supergroups in the stand-in: getChat's is_forum, createForumTopic, message_thread_id on
sends (stored, echoed, refused for an unknown thread), users writing in a topic."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from testkit.standin import BotAPIStandIn
from testkit.standin.inprocess import InProcessSession, InProcessUser

FORUM = -1001000000001
GROUP = -1001000000002
USER = 4242


@pytest.fixture
def api() -> BotAPIStandIn:
    stand_in = BotAPIStandIn()
    stand_in.add_group(FORUM, "Forum", forum=True)
    stand_in.add_group(GROUP, "Plain")
    return stand_in


@pytest.fixture
def bot(api: BotAPIStandIn) -> Bot:
    default = DefaultBotProperties(parse_mode="HTML")
    return Bot(api.token, session=InProcessSession(api), default=default)


async def test_get_chat_tells_a_forum(api: BotAPIStandIn, bot: Bot) -> None:
    assert (await bot.get_chat(FORUM)).is_forum is True
    assert not (await bot.get_chat(GROUP)).is_forum
    with pytest.raises(ValueError, match="only supergroups"):
        api.add_group(-5, "small group", forum=True)


async def test_topics_and_messages_in_them(api: BotAPIStandIn, bot: Bot) -> None:
    topic = await bot.create_forum_topic(FORUM, "FC-2026-0001 · Dakar")
    assert topic.name == "FC-2026-0001 · Dakar" and topic.icon_color == 7322096
    second = await bot.create_forum_topic(FORUM, "x" * 128, icon_color=16478047)
    assert second.message_thread_id != topic.message_thread_id
    assert [t["name"] for t in api.topics(FORUM)] == ["FC-2026-0001 · Dakar", "x" * 128]

    sent = await bot.send_message(FORUM, "card", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    stored = api.get_message(FORUM, sent.message_id)
    assert stored["message_thread_id"] == topic.message_thread_id
    edited = await bot.edit_message_text("card v2", chat_id=FORUM, message_id=sent.message_id)
    assert edited.message_thread_id == topic.message_thread_id  # an edit stays in its topic
    document = BufferedInputFile(b"%PDF-1.4", "a.pdf")
    doc = await bot.send_document(FORUM, document, message_thread_id=second.message_thread_id)
    assert doc.message_thread_id == second.message_thread_id
    main = await bot.send_message(FORUM, "in the main chat")
    assert main.message_thread_id is None and not main.is_topic_message

    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(FORUM, "lost", message_thread_id=999)
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(GROUP, "lost", message_thread_id=topic.message_thread_id)


async def test_create_forum_topic_is_checked(api: BotAPIStandIn, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(GROUP, "FC-2026-0001 · Dakar")
    with pytest.raises(TelegramBadRequest, match="1-128 characters"):
        await bot.create_forum_topic(FORUM, "x" * 129)
    with pytest.raises(TelegramBadRequest, match='"name" is required'):
        await bot.create_forum_topic(FORUM, "")  # aiogram leaves an empty value out
    with pytest.raises(TelegramBadRequest, match="icon_color"):
        await bot.create_forum_topic(FORUM, "ok", icon_color=1)
    assert api.topics(FORUM) == []


async def test_users_write_in_a_topic(api: BotAPIStandIn, bot: Bot) -> None:
    topic = await bot.create_forum_topic(FORUM, "FC-2026-0001 · Dakar")
    seen: list[dict] = []

    async def feed(update: dict) -> None:
        seen.append(update)

    chat = {"id": FORUM, "type": "supergroup", "title": "Forum", "is_forum": True}
    user = InProcessUser(api, USER, feed=feed, group=chat)
    await user.send("hello", thread_id=topic.message_thread_id, expect=0)
    message = seen[-1]["message"]
    assert message["message_thread_id"] == topic.message_thread_id
    assert message["is_topic_message"] is True and message["chat"]["is_forum"] is True
    await user.send("main", expect=0)
    assert "message_thread_id" not in seen[-1]["message"]
    with pytest.raises(ValueError, match="no topic"):
        await user.send("lost", thread_id=999, expect=0)
