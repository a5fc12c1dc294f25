"""Tests of the strict Bot API stand-in, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from testkit.harness import QuickCloseSession
from testkit.standin import BotAPIStandIn, TelegramUser
from testkit.standin.formatting import message_text

USER = 4242


def inline(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t, callback_data=d) for t, d in row] for row in rows
        ]
    )


@pytest_asyncio.fixture
async def api():
    async with BotAPIStandIn() as stand_in:
        yield stand_in


@pytest_asyncio.fixture
async def bot(api):
    session = QuickCloseSession(api=TelegramAPIServer.from_base(api.url))
    bot = Bot(api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


@pytest.fixture
def user(api):
    return TelegramUser(api, USER, first_name="Awa", username="awa", quiet=0.15, timeout=5)


async def introduce(api: BotAPIStandIn, user_id: int = USER) -> None:
    """A private chat exists once the user wrote to the bot."""
    update = _text_update("hello", user_id)
    update["message"]["message_id"] = api.next_message_id(user_id)
    api.push_update(update)


async def raw_call(api: BotAPIStandIn, method: str, *, token: str | None = None, **kwargs):
    url = f"{api.url}/bot{token or api.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.request(kwargs.pop("http", "POST"), url, **kwargs) as resp,
    ):
        return resp.status, await resp.json()


# ---------------------------------------------------------------------- envelope


@pytest.mark.asyncio
async def test_get_me_and_envelope(api, bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "aimf_test_bot")
    assert await raw_call(api, "getme", http="GET") == (200, {"ok": True, "result": api.bot_user})
    status, body = await raw_call(api, "getMe", token="1:wrong")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await raw_call(api, "sendMesage", data={"chat_id": "1", "text": "x"})
    assert (status, body["description"]) == (404, "Not Found: method not found")


@pytest.mark.asyncio
async def test_strict_parameters_in_every_encoding(api):
    await introduce(api)
    status, body = await raw_call(api, "sendMessage", json={"chat_id": USER, "txt": "typo"})
    assert (status, body["description"]) == (400, 'Bad Request: unknown parameter "txt"')
    status, body = await raw_call(api, "sendMessage", http="GET", params={"chat_id": str(USER)})
    assert body["description"] == "Bad Request: message text is empty"
    status, body = await raw_call(api, "getChat", data={})
    assert body["description"] == 'Bad Request: parameter "chat_id" is required'
    status, body = await raw_call(
        api, "sendMessage", data={"chat_id": str(USER), "text": "x", "disable_notification": "yes"}
    )
    assert status == 400 and "Boolean" in body["description"]
    status, body = await raw_call(
        api,
        "sendMessage",
        data={
            "chat_id": str(USER),
            "text": "x",
            "reply_markup": json.dumps({"inline_keyboard": [[{"txt": "a"}]]}),
        },
    )
    assert status == 400 and "reply_markup.inline_keyboard[0][0]" in body["description"]
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("text", "multipart ok")
    form.add_field("disable_notification", "true")
    status, body = await raw_call(api, "SENDMESSAGE", data=form)
    assert status == 200 and body["result"]["text"] == "multipart ok"
    assert api.calls[-1].method == "sendMessage"
    assert api.calls[-1].params == {
        "chat_id": USER,
        "text": "multipart ok",
        "disable_notification": True,
    }


# ---------------------------------------------------------------------- sendMessage rules


@pytest.mark.asyncio
async def test_send_message_stores_visible_text(api, bot):
    await introduce(api)
    sent = await bot.send_message(
        USER, "<b>Prix</b> &lt; 5 &amp; co", reply_markup=inline([("OK", "ok")])
    )
    assert sent.text == "Prix < 5 & co"
    assert sent.entities[0].type == "bold"
    stored = api.last_message(USER)
    assert stored["text"] == "Prix < 5 & co"
    assert stored["reply_markup"] == {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    assert stored["from"]["id"] == 123456 and stored["chat"]["id"] == USER
    second = await bot.send_message(
        USER, "again", reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="A")]])
    )
    assert second.message_id == sent.message_id + 1 and second.reply_markup is None
    assert [m["text"] for m in api.messages(USER)] == ["Prix < 5 & co", "again"]
    assert api.current_reply_keyboard(USER)["keyboard"] == [[{"text": "A"}]]
    await bot.send_message(USER, "bye", reply_markup=ReplyKeyboardRemove())
    assert api.current_reply_keyboard(USER) is None
    assert api.errors == []


@pytest.mark.asyncio
async def test_html_errors(api, bot):
    await introduce(api)
    cases = {
        "1 < 2": "can't parse entities: Unsupported start tag",
        "<p>para</p>": 'Unsupported start tag "p" at byte offset 0',
        "<i>x</a>": 'Unmatched end tag at byte offset 4, expected "</i>", found "</a>"',
        "<b>never closed": 'Can\'t find end tag corresponding to start tag "b"',
        "Tom &amp; Jerry &nbsp;": 'unsupported HTML entity "&nbsp;"',
        "AT&T": 'character "&" must be escaped',
        "a -> b": 'character ">" must be escaped',
        "<b><code>x</code></b>": 'tag "code" can\'t be nested inside tag "b"',
        '<span class="x">s</span>': 'Tag "span" must have class "tg-spoiler"',
    }
    for text, error in cases.items():
        with pytest.raises(TelegramBadRequest, match="can't parse entities") as info:
            await bot.send_message(USER, text)
        assert error in info.value.message, (text, info.value.message)
    with pytest.raises(TelegramBadRequest, match="unsupported parse_mode"):
        await bot.send_message(USER, "x", parse_mode="HTM")
    ok = await bot.send_message(
        USER,
        '<pre><code class="language-python">x = 1</code></pre> '
        '<a href="https://e.org/?a=1&amp;b=2">e</a> '
        "<tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote> &#128512; &quot;",
    )
    assert ok.text == 'x = 1 e s q 😀 "'
    assert [(e.type, e.language or e.url) for e in ok.entities][:2] == [
        ("pre", "python"),
        ("text_link", "https://e.org/?a=1&b=2"),
    ]
    for mode in ("MarkdownV2", "Markdown"):  # the bot only ever sends HTML
        with pytest.raises(TelegramBadRequest, match="unsupported parse_mode"):
            await bot.send_message(USER, "*bold*", parse_mode=mode)


@pytest.mark.asyncio
async def test_lengths_after_entity_parsing(api, bot):
    await introduce(api)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "a" * 4097)
    text = "&lt;" * 1000 + "b" * 3096  # 7096 raw characters, 4096 visible
    sent = await bot.send_message(USER, text)
    assert len(sent.text) == 4096
    await bot.send_message(USER, "😀" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "a")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER, "<b> </b>\n")
    with pytest.raises(TelegramBadRequest, match="text is too long"):
        await bot.send_message(USER, "<b></b>" * 5000)  # 35000 raw bytes
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(USER, BufferedInputFile(b"x", "x.txt"), caption="c" * 1025)
    assert message_text("  <i>hi</i>  ", "html", None) == (
        "hi",
        [{"type": "italic", "offset": 0, "length": 2}],
    )


@pytest.mark.asyncio
async def test_keyboard_rules(api, bot):
    await introduce(api)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=inline([("b", "d" * 65)]))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):  # 43 chars, 65 bytes
        await bot.send_message(USER, "x", reply_markup=inline([("b", "é" * 22 + "x" * 21)]))
    await bot.send_message(USER, "x", reply_markup=inline([("b", "é" * 32)]))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="row 0"):
        await bot.send_message(USER, "x", reply_markup=inline([(str(i), str(i)) for i in range(9)]))
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        rows = [[(f"{r}.{c}", f"{r}.{c}") for c in range(8)] for r in range(13)]
        await bot.send_message(USER, "x", reply_markup=inline(*rows))
    both = InlineKeyboardButton(text="b", callback_data="d", url="https://example.org")
    with pytest.raises(TelegramBadRequest, match="exactly one"):
        await bot.send_message(
            USER, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[both]])
        )
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(
            USER,
            "x",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="b")]]),
        )
    wide = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=str(i)) for i in range(13)]])
    with pytest.raises(TelegramBadRequest, match="reply keyboard row 0"):
        await bot.send_message(USER, "x", reply_markup=wide)


# ---------------------------------------------------------------------- chats, edits


@pytest.mark.asyncio
async def test_chats_blocking_and_groups(api, bot):
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "hello?")
    api.add_group(-100123, "Team")
    msg = await bot.send_message(-100123, "hi team")
    assert msg.chat.type == "group" and msg.chat.title == "Team"
    chat = await bot.get_chat(-100123)
    assert chat.title == "Team"
    await introduce(api)
    api.block(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "still there?")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(USER, "typing")


@pytest.mark.asyncio
async def test_edits_and_deletes(api, bot):
    await introduce(api)
    msg = await bot.send_message(USER, "v1", reply_markup=inline([("A", "a")]))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="v1", chat_id=USER, message_id=msg.message_id, reply_markup=inline([("A", "a")])
        )
    edited = await bot.edit_message_text(text="<i>v2</i>", chat_id=USER, message_id=msg.message_id)
    assert edited.text == "v2" and edited.reply_markup is None  # no reply_markup = keyboard removed
    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=msg.message_id, reply_markup=inline([("B", "b")])
    )
    assert api.messages(USER)[0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "B"
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=USER, message_id=999)
    assert await bot.delete_message(USER, msg.message_id)
    assert api.messages(USER) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, msg.message_id)


# ---------------------------------------------------------------------- callbacks, commands


@pytest.mark.asyncio
async def test_answer_callback_query_once(api, bot):
    await introduce(api)
    msg = await bot.send_message(USER, "choose", reply_markup=inline([("A", "a")]))
    api.push_update(
        {
            "callback_query": {
                "id": "cb1",
                "from": {"id": USER, "is_bot": False, "first_name": "Awa"},
                "message": api.get_message(USER, msg.message_id),
                "chat_instance": "1",
                "data": "a",
            }
        }
    )
    assert api.unanswered_callback_queries() == ["cb1"]
    with pytest.raises(TelegramBadRequest, match="0-200"):
        await bot.answer_callback_query("cb1", text="t" * 201)
    assert await bot.answer_callback_query("cb1", text="done")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("cb1")
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("nope")
    assert api.unanswered_callback_queries() == []
    assert api.callback_answer("cb1")["text"] == "done"


@pytest.mark.asyncio
async def test_commands(api, bot):
    for bad in ("Start", "with-dash", "x" * 33, ""):
        with pytest.raises(TelegramBadRequest):
            await bot.set_my_commands([BotCommand(command=bad, description="d")])
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand(command="ok", description="d" * 257)])
    with pytest.raises(TelegramBadRequest, match="too many commands"):
        await bot.set_my_commands(
            [BotCommand(command=f"c{i}", description="d") for i in range(101)]
        )
    with pytest.raises(TelegramBadRequest, match="language_code"):
        await bot.set_my_commands([BotCommand(command="ok", description="d")], language_code="FRA")
    await bot.set_my_commands(
        [BotCommand(command="start", description="Démarrer")], language_code="fr"
    )
    await introduce(api)
    scope = BotCommandScopeChat(chat_id=USER)
    await bot.set_my_commands([BotCommand(command="admin", description="Admin")], scope=scope)
    assert [c.command for c in await bot.get_my_commands(language_code="fr")] == ["start"]
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
    assert await bot.get_my_commands() == []
    assert api.commands({"type": "chat", "chat_id": USER}) == [
        {"command": "admin", "description": "Admin"}
    ]
    await bot.delete_my_commands(scope=scope)
    assert await bot.get_my_commands(scope=scope) == []
    await bot.set_my_description("Je suis un bot", language_code="fr")
    await bot.set_my_short_description("Bot")
    assert api.profile_text("description", "fr") == "Je suis un bot"
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.set_my_short_description("s" * 121)


# ---------------------------------------------------------------------- updates


@pytest.mark.asyncio
async def test_get_updates_offset_and_long_polling(api, bot):
    ids = [api.push_update(_text_update(t)) for t in "abc"]
    assert ids == [1000, 1001, 1002]
    first = await bot.get_updates()
    assert [u.update_id for u in first] == ids
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [1000]  # not confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=1001)] == [1001, 1002]
    assert api.confirmed_update_id == 1000 and api.update_status(1000) == "confirmed"
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [1002]
    assert api.pending_update_count == 1
    assert await bot.get_updates(offset=1003) == []
    started = time.monotonic()
    assert await bot.get_updates(offset=1003, timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2
    poll = asyncio.create_task(bot.get_updates(offset=1003, timeout=5))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    api.push_update(_text_update("late"))
    got = await poll
    assert [u.message.text for u in got] == ["late"] and time.monotonic() - started < 0.5
    await api.wait_confirmed(1002, timeout=1)
    with pytest.raises(TimeoutError):
        await api.wait_confirmed(1003, timeout=0.1)
    older = asyncio.create_task(bot.get_updates(offset=1004, timeout=5))
    await asyncio.sleep(0.1)
    assert await bot.get_updates(offset=1004) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await older
    await bot.set_webhook("https://example.org/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(allowed_updates=["callback_query"]) == []
    filtered = api.push_update(_text_update("not wanted"))
    assert api.update_status(filtered) == "filtered" and await bot.get_updates() == []


def _text_update(text: str, user_id: int = USER) -> dict:
    return {
        "message": {
            "message_id": 1,
            "from": {"id": user_id, "is_bot": False, "first_name": "Awa"},
            "chat": {"id": user_id, "type": "private", "first_name": "Awa"},
            "date": int(time.time()),
            "text": text,
        }
    }


@pytest.mark.asyncio
async def test_push_update_is_validated(api):
    with pytest.raises(ValueError, match="exactly one payload"):
        api.push_update({"message": _text_update("x")["message"], "edited_message": {}})
    bad = _text_update("x")
    del bad["message"]["chat"]
    with pytest.raises(ValueError, match='field "chat" of Message is required'):
        api.push_update(bad)


# ---------------------------------------------------------------------- faults, files


@pytest.mark.asyncio
async def test_fault_injection(api, bot):
    await introduce(api)
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER, "hi")
    assert info.value.retry_after == 7
    assert api.errors[-1].description == "Too Many Requests: retry after 7"
    status, body = await _fail_raw(api, 429, retry_after=3)
    assert (status, body["parameters"]) == (429, {"retry_after": 3})
    api.fail_next("sendmessage", 502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(USER, "hi")
    api.drop_connection_next("sendMessage")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(USER, "hi")
    assert (await bot.send_message(USER, "hi")).text == "hi"
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 502, 0, 200]


async def _fail_raw(api, status, **kwargs):
    api.fail_next("getMe", status, **kwargs)
    return await raw_call(api, "getMe")


@pytest.mark.asyncio
async def test_file_roundtrip(api, bot):
    await introduce(api)
    payload = b"%PDF-1.4 fake " * 100
    sent = await bot.send_document(
        USER, BufferedInputFile(payload, "facture.pdf"), caption="<b>Facture</b>"
    )
    assert sent.document.file_name == "facture.pdf" and sent.document.mime_type == "application/pdf"
    assert sent.caption == "Facture"
    file = await bot.get_file(sent.document.file_id)
    assert file.file_size == len(payload)
    assert (await bot.download_file(file.file_path)).read() == payload
    again = await bot.send_document(USER, sent.document.file_id)
    assert again.document.file_id == sent.document.file_id
    photo = await bot.send_photo(
        USER, BufferedInputFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 8 + b"\0\0\0\x10\0\0\0\x08", "p.png")
    )
    assert (photo.photo[-1].width, photo.photo[-1].height) == (16, 8)
    huge = api.add_file(b"tiny", "big.zip", file_size=20 * 1024 * 1024 + 1)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(huge["file_id"])
    with pytest.raises(TelegramBadRequest, match="wrong file_id"):
        await bot.get_file("nope")
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(USER, "unknown-file-id")


# ---------------------------------------------------------------------- TelegramUser + Dispatcher


def echo_dispatcher(bot: Bot, seen: list[int]) -> Dispatcher:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        seen.append(message.message_id)
        await message.answer(
            f"Bonjour <b>{message.from_user.first_name}</b>",
            reply_markup=inline([("Continuer ➡️", "next"), ("Stop", "stop")]),
        )

    @dp.message(Command("silent"))
    async def silent(message: Message) -> None:
        seen.append(message.message_id)

    @dp.callback_query(F.data == "next")
    async def next_step(query: CallbackQuery) -> None:
        await query.answer()
        await query.message.edit_text("Étape 2", reply_markup=inline([("Stop", "stop")]))
        await query.message.answer(
            "Envoyez votre contact",
            reply_markup=ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text="📱 Partager", request_contact=True)]],
                resize_keyboard=True,
            ),
        )

    @dp.callback_query()
    async def unknown(query: CallbackQuery) -> None:
        await query.answer("Action expirée", show_alert=True)

    @dp.message(F.contact)
    async def contact(message: Message) -> None:
        await message.answer(
            f"Merci {message.contact.phone_number}", reply_markup=ReplyKeyboardRemove()
        )

    @dp.message(F.document)
    async def document(message: Message) -> None:
        file = await bot.get_file(message.document.file_id)
        data = (await bot.download_file(file.file_path)).read()
        await message.answer_document(BufferedInputFile(data.upper(), "upper.txt"), caption="ok")

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.reply(message.html_text)

    return dp


@pytest.mark.asyncio
async def test_user_flow_with_dispatcher(api, bot, user):
    seen: list[int] = []
    dp = echo_dispatcher(bot, seen)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        reply = await user.send("/start")
        assert reply.texts == ["Bonjour Awa"]
        assert user.buttons(reply[0]) == ["Continuer ➡️", "Stop"]
        step = await user.press(reply[0], "Continuer", expect=2)
        assert [m["text"] for m in step] == ["Étape 2", "Envoyez votre contact"]
        assert step.edited[0]["message_id"] == reply[0]["message_id"]
        assert user.reply_keyboard(step.sent[0]) == ["📱 Partager"] == user.reply_keyboard()
        assert api.callback_answer(step.callback_query_id) is not None
        forged = await user.press_data(reply[0], "forged:123", expect=0)
        assert api.callback_answer(forged.callback_query_id)["show_alert"] is True
        thanks = await user.share_contact("+22370000000")
        assert thanks.texts == ["Merci +22370000000"] and user.reply_keyboard() == []
        echoed = await user.send("a < b & <c>")
        assert echoed.texts == ["a < b & <c>"]
        assert echoed[0]["reply_to_message"]["text"] == "a < b & <c>"
        assert (await user.send("/silent", expect=0)) == []
        doc = await user.send_document(b"abc", "a.txt", "text/plain")
        assert doc[0]["document"]["file_name"] == "upper.txt"
        with pytest.raises(AssertionError, match="no button matching 'Nope'"):
            await user.press(reply[0], "Nope")
        start_update = next(
            u
            for c in api.calls_of("getUpdates")
            for u in c.result
            if u.get("message", {}).get("text") == "/start"
        )
        update_id = api.push_raw_update(start_update)  # the same update_id delivered twice
        await api.wait_confirmed(update_id, timeout=3)
        await asyncio.sleep(0.2)
        assert seen.count(seen[0]) == 2
        assert api.unanswered_callback_queries() == []
        assert api.errors == []
        assert [m["text"] for m in user.chat_messages() if "text" in m][:2] == [
            "Étape 2",
            "Envoyez votre contact",
        ]
    finally:
        await dp.stop_polling()
        await polling


@pytest.mark.asyncio
async def test_user_reports_unanswered_callback_and_timeouts(api, bot, user):
    dp = Dispatcher()

    @dp.message()
    async def hello(message: Message) -> None:
        await message.answer("menu", reply_markup=inline([("A", "a")]))

    @dp.callback_query()
    async def forgetful(query: CallbackQuery) -> None:  # forgets query.answer()
        await query.message.answer("clicked")

    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        menu = await user.send("hi")
        with pytest.raises(AssertionError, match="did not answer callback query"):
            await user.press(menu[0], "A", timeout=1)  # waited for up to the timeout
        assert len(api.unanswered_callback_queries()) == 1
        with pytest.raises(AssertionError, match="expected 2 new or edited"):
            await user.send("hi", expect=2, timeout=0.6)
    finally:
        await dp.stop_polling()
        await polling
