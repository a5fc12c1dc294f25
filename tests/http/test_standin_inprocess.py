"""The in-process session runs the stand-in's own checks and raises aiogram's own exceptions."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import ClientResponseError

from testkit.harness import QuickCloseSession
from testkit.standin import BotAPIStandIn
from testkit.standin.inprocess import InProcessSession

USER = 4242


@pytest.fixture
async def api():
    stand_in = BotAPIStandIn()  # no HTTP server: nothing listens
    stand_in.take_update(
        {
            "message": {
                "message_id": 1,
                "date": 1,
                "text": "hello",
                "chat": {"id": USER, "type": "private", "first_name": "Awa"},
                "from": {"id": USER, "is_bot": False, "first_name": "Awa"},
            }
        }
    )
    return stand_in


@pytest.fixture
def bot(api: BotAPIStandIn) -> Bot:
    default = DefaultBotProperties(parse_mode="HTML")
    return Bot(api.token, session=InProcessSession(api), default=default)


async def test_the_bot_api_checks_apply(api: BotAPIStandIn, bot: Bot) -> None:
    sent = await bot.send_message(USER, "<b>Tom</b> &amp; Jerry")
    assert sent.text == "Tom & Jerry" and sent.entities[0].type == "bold"
    with pytest.raises(TelegramBadRequest, match='character "&" must be escaped'):
        await bot.send_message(USER, "AT&T")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="unsupported parse_mode"):
        await bot.send_message(USER, "*x*", parse_mode="MarkdownV2")
    too_long = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=too_long)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(USER + 1, "a stranger never wrote to the bot")
    api.block(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(USER, "hi")
    assert [c.status for c in api.calls_of("sendMessage")] == [200, 400, 400, 400, 400, 400, 403]


async def test_unknown_parameters_are_refused(api: BotAPIStandIn) -> None:
    async def read():
        return {"chat_id": str(USER), "text": "hi", "parse_mod": "HTML"}, {}

    answer = await api.answer_api(api.token, "sendMessage", read)
    assert answer.status == 400 and "parse_mod" in answer.body["description"]


async def test_injected_faults_raise_what_http_would(api: BotAPIStandIn, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER, "hi")
    assert info.value.retry_after == 7
    api.fail_next("sendMessage", 502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(USER, "hi")
    api.drop_connection_next("sendMessage")
    with pytest.raises(TelegramNetworkError, match="Server disconnected"):
        await bot.send_message(USER, "hi")
    api.slow_next("sendMessage", 2)
    with pytest.raises(TelegramNetworkError, match="Request timeout error"):
        await bot.send_message(USER, "hi", request_timeout=1)
    assert (await bot.send_message(USER, "hi")).text == "hi"
    # The timed-out request was cancelled before being answered, as over HTTP: not recorded.
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 502, 0, 200]


async def test_files_are_uploaded_and_downloaded(api: BotAPIStandIn, bot: Bot) -> None:
    payload = b"%PDF-1.4 fake " * 10_000  # several download chunks
    sent = await bot.send_document(USER, BufferedInputFile(payload, "facture.pdf"))
    assert sent.document.file_name == "facture.pdf" and sent.document.file_size == len(payload)
    file = await bot.get_file(sent.document.file_id)
    assert (await bot.download_file(file.file_path, chunk_size=4096)).read() == payload
    stored = api.add_file(b"from the user", "lettre.pdf", "application/pdf")
    file = await bot.get_file(stored["file_id"])
    assert (await bot.download_file(file.file_path)).read() == b"from the user"
    with pytest.raises(ClientResponseError) as info:
        await bot.download_file("documents/missing.pdf")
    assert info.value.status == 404
    huge = api.add_file(b"tiny", "big.zip", file_size=20 * 1024 * 1024 + 1)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(huge["file_id"])


async def test_the_same_parameters_reach_the_stand_in_as_over_http() -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Oui", callback_data="m:1:ok:")]]
    )
    recorded = []
    for over_http in (True, False):
        async with BotAPIStandIn() as api:
            api.add_group(-100, "Groupe")
            if over_http:
                session = QuickCloseSession(api=TelegramAPIServer.from_base(api.url))
            else:
                session = InProcessSession(api)
            bot = Bot(api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
            await bot.send_message(-100, "<i>x</i>", reply_markup=markup)
            await session.close()
            (call,) = api.calls_of("sendMessage")
            recorded.append((call.params, call.result["text"]))
    assert recorded[0] == recorded[1]
