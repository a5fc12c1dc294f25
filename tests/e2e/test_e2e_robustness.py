"""What goes wrong in real life: restarts, old buttons, bad input, duplicates, intruders.

Fed in-process to the bot (testkit.harness.InProcessBot)."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.telegram.callbacks import step_data
from storage.models import Account, Attachment, Dossier
from testkit.databases import without_busy_handler
from testkit.driver import Applicant, find, open_draft, position, screen
from testkit.factories import complete_answers
from testkit.harness import InProcessBot


async def test_a_restart_in_the_middle_loses_nothing(app: InProcessBot) -> None:
    applicant = Applicant(app.user(600), "fr")
    await applicant.register()
    for _ in range(3):
        await applicant.answer_current()
    at_before = position(applicant.last)
    await app.restart()
    await applicant.answer_current()  # the same screen, answered after the restart
    at_after = position(applicant.last)
    assert at_after not in (None, at_before), "the answer after the restart is taken"
    async with app.sessions() as session:
        dossier = await session.scalar(select(Dossier))
    assert dossier.answers["city"] == "Dakar" and at_before in dossier.answers
    assert dossier.cursor["q"] == at_after
    resumed = await open_draft(applicant.user, dossier.id)
    assert position(resumed) == at_after


async def test_an_old_button_says_so_and_shows_where_the_person_is(app: InProcessBot) -> None:
    dossier_id = await app.seed(601, complete_answers(), "title")
    user = app.user(601)
    first = await open_draft(user, dossier_id)
    await user.send("Nouveau titre du projet")
    stale = await user.press_data(first, find(first, "q", "keep"))
    answer = app.api.callback_answer(stale.callback_query_id)["text"]
    assert answer == "Ce bouton n’est plus valide. Voici où vous en êtes."
    assert position(screen(stale)) == "sector"
    assert (await app.answers_of(dossier_id))["title"] == "Nouveau titre du projet"
    await app.restart()
    after_restart = await user.press_data(first, "q:999999:nope:back:")
    assert position(screen(after_restart)) == "sector"
    forged = await user.press_data(first, "garbage-data")
    assert position(screen(forged)) == "sector"


async def test_nobody_else_can_touch_a_city_dossier(app: InProcessBot) -> None:
    dossier_id = await app.seed(602, complete_answers(), "title")
    intruder = app.user(603, language_code="en")
    await intruder.send("/start")
    before = await app.answers_of(dossier_id)
    not_yours, stale = "This dossier is not available to you.", "This button is no longer valid."
    for data, answer in (
        (f"m:{dossier_id}:open:", not_yours),
        (f"m:{dossier_id}:delete_ok:", not_yours),
        (f"q:{dossier_id}:title:keep:", stale),  # the intruder has no such screen open
        (f"m:{dossier_id}:submit_ok:", not_yours),
    ):
        reply = await intruder.press_data(
            {"message_id": 1, "chat": {"id": 603, "type": "private"}, "date": 0, "text": "old"},
            data,
        )
        assert app.api.callback_answer(reply.callback_query_id)["text"] == answer, data
        shown = "\n".join(reply.texts)
        assert before["title"] not in shown and before["mayor"] not in shown, data
    assert await app.answers_of(dossier_id) == before
    async with app.sessions() as session:
        assert (await session.get(Dossier, dossier_id)).status == "draft"


@pytest.mark.parametrize(
    "typed",
    [
        "-5",
        "abc",
        "1e6",
        "NaN",
        "0",
        "<b>5</b>",
        "🙂🙂",
        "5 millions",
        "9" * 20,
        "x" * 10_000,
    ],
)
async def test_bad_amounts_are_refused_and_the_question_asked_again(
    app: InProcessBot, typed: str
) -> None:
    answers = complete_answers()
    del answers["fund_amount"]
    dossier_id = await app.seed(604, answers, "fund_amount")
    user = app.user(604)
    await open_draft(user, dossier_id)
    reply = await user.send(typed)
    assert "⚠️" in reply[0]["text"] and position(screen(reply)) == "fund_amount"
    assert "fund_amount" not in await app.answers_of(dossier_id)


async def test_an_amount_over_80_percent_is_explained_with_the_figures(app: InProcessBot) -> None:
    answers = complete_answers()
    del answers["fund_amount"], answers["city_amount"]
    dossier_id = await app.seed(605, answers, "fund_amount")
    user = app.user(605, language_code="en")
    await open_draft(user, dossier_id)
    reply = await user.send("1 100 000")
    text = reply[0]["text"]
    assert "80 % de 1 250 000 € font 1 000 000 €" in text.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert "88" in text


async def test_an_amount_that_reads_two_ways_is_asked_back_never_guessed(
    app: InProcessBot,
) -> None:
    """`250,000` is 250 000 in English and 250 in French: the city is asked which, nothing is
    saved before it picks, and a forged or stale pick changes nothing (issue 18). An amount whose
    other reading is no amount (`1,255 €`: three decimals) is read and echoed, as before."""
    answers = complete_answers()
    del answers["city_amount"]
    dossier_id = await app.seed(606, answers, "city_amount", language="en")
    user = app.user(606, language_code="en")
    await open_draft(user, dossier_id)
    which = await user.send("250,000")
    assert which.texts[0].startswith("250,000 — €250,000 or €250?"), which.texts
    assert user.buttons(which[-1]) == ["€250,000", "€250"]
    assert "city_amount" not in await app.answers_of(dossier_id)  # nothing guessed
    forged = await user.press_data(which[-1], step_data(dossier_id, "city_amount", "amt", "7"))
    assert "city_amount" not in await app.answers_of(dossier_id)
    assert app.api.callback_answer(forged.callback_query_id)["show_alert"]
    picked = await user.press(which[-1], "€250,000")
    assert (await app.answers_of(dossier_id))["city_amount"] == "250000"
    assert position(screen(picked)) not in (None, "city_amount")  # on to the next question
    stale = await user.press(which[-1], "€250")
    assert (await app.answers_of(dossier_id))["city_amount"] == "250000"
    assert app.api.callback_answer(stale.callback_query_id)["show_alert"]

    dossier_id = await app.seed(608, answers, "city_amount", language="en")
    user = app.user(608, language_code="en")
    await open_draft(user, dossier_id)
    reply = await user.send("1,255")
    assert "Understood: €1,255" in reply[0]["text"]
    assert (await app.answers_of(dossier_id))["city_amount"] == "1255"


async def test_long_text_html_and_emoji_are_handled(app: InProcessBot) -> None:
    dossier_id = await app.seed(607, {}, "title")
    user = app.user(607)
    await open_draft(user, dossier_id)
    reply = await user.send("x" * 10_000)
    assert "10 000" in reply[0]["text"].replace("\u202f", " ") and "200" in reply[0]["text"]
    reply = await user.send("<script>alert(1)</script> & Éclairage 💡")
    assert position(screen(reply)) == "sector"
    assert (await app.answers_of(dossier_id))["title"].startswith("<script>")


async def test_files_of_the_wrong_type_or_too_large_are_refused(app: InProcessBot) -> None:
    dossier_id = await app.seed(608, complete_answers(), "att_resolution")
    user = app.user(608)
    await open_draft(user, dossier_id)
    reply = await user.send_document(b"MZ\x90", "virus.exe", "application/x-msdownload")
    assert "⚠️" in reply[0]["text"]
    reply = await user.send_document(
        b"%PDF", "big.pdf", "application/pdf", file_size=25 * 1024 * 1024
    )
    assert "20" in reply[0]["text"] and "⚠️" in reply[0]["text"]
    reply = await user.send_photo(b"\xff\xd8\xff photo")
    assert "photo_" in reply[0]["text"]
    async with app.sessions() as session:
        (stored,) = list(await session.scalars(select(Attachment)))
    assert stored.mime_type == "image/jpeg" and len(stored.sha256) == 64


async def test_an_update_delivered_twice_has_its_effect_once(app: InProcessBot) -> None:
    # At "mayor", followed by another typed question ("focal_name"): without deduplication
    # the second copy of the answer would become the focal point's name.
    answers = complete_answers()
    del answers["mayor"], answers["focal_name"]
    dossier_id = await app.seed(609, answers, "mayor")
    user = app.user(609)
    await open_draft(user, dossier_id)
    update = app.api.take_update({"message": user._message(text="Barthélémy Dias")})
    await app.feed(update)
    calls = len(app.api.calls)
    await app.feed(update)  # Telegram redelivers an update whose confirmation was lost
    # Its effect is not applied again; its reply (maybe lost with the process) is: the screen of
    # where the person is now (issue 18).
    (again,) = [c for c in app.api.calls[calls:] if c.method == "sendMessage"]
    assert again.params["text"] == app.api.calls[calls - 1].params["text"]
    stored = await app.answers_of(dossier_id)
    assert stored["mayor"] == "Barthélémy Dias"
    assert "focal_name" not in stored
    assert (await app.dossier(dossier_id)).cursor["q"] == "focal_name"


async def test_two_quick_messages_are_handled_in_order(app_on_each_database: InProcessBot) -> None:
    app = app_on_each_database
    answers = complete_answers()
    del answers["mayor"], answers["focal_name"]
    dossier_id = await app.seed(610, answers, "mayor")
    user = app.user(610)
    await open_draft(user, dossier_id)
    start = len(app.api.calls)
    await asyncio.gather(user.send("Barthélémy Dias"), user.send("Awa Ndiaye"))
    stored = await app.answers_of(dossier_id)
    assert stored["mayor"] == "Barthélémy Dias" and stored["focal_name"] == "Awa Ndiaye"
    asked = [position(c.result) for c in app.api.calls[start:] if c.method == "sendMessage"]
    assert [at for at in asked if at] == ["focal_name", "focal_function"]


async def test_first_contacts_at_once_wait_for_no_one_in_sqlite(app: InProcessBot) -> None:
    """Twelve people whose first message (/new) arrives at the same moment are each asked the
    registration's first question. SQLite's busy handler is off (a writer reaching SQLite while
    another holds the lock would fail at once): each first contact's writes took their turn."""
    await app.engine.dispose()
    without_busy_handler(app.engine)
    users = [app.user(700 + n) for n in range(12)]
    replies = await asyncio.gather(*(user.send("/new", expect=2) for user in users))
    assert [position(screen(reply)) for reply in replies] == ["city_name"] * 12
    async with app.sessions() as session:
        assert len(list(await session.scalars(select(Account.telegram_id)))) == 12


async def test_removed_files_and_deleted_drafts_leave_nothing_on_disk(app: InProcessBot) -> None:
    dossier_id = await app.seed(613, complete_answers(), "att_resolution")
    user = app.user(613)
    await open_draft(user, dossier_id)
    reply = await user.send_document(b"%PDF-1 resolution", "deliberation.pdf", "application/pdf")
    await user.send_document(b"%PDF-1 second", "annexe.pdf", "application/pdf")
    async with app.sessions() as session:
        first, second = list(await session.scalars(select(Attachment).order_by(Attachment.id)))
    menu = screen(await user.press_data(screen(reply), find(screen(reply), "q", "rmfiles")))
    await user.press_data(menu, find(menu, "q", "rmf", str(first.id)))
    assert not Path(first.path).exists() and Path(second.path).exists()
    confirm = screen(await user.press_data(menu, f"m:{dossier_id}:delete:"))
    await user.press_data(confirm, find(confirm, "m", "delete_ok"))
    assert not Path(second.path).exists()


async def test_cancel_keeps_the_draft_and_deleting_needs_confirmation(app: InProcessBot) -> None:
    dossier_id = await app.seed(611, {"title": "Mon projet"}, "sector")
    user = app.user(611)
    await open_draft(user, dossier_id)
    reply = await user.send("/cancel")
    assert "/dossiers" in reply[0]["text"]
    menu = screen(await user.press_data(reply[0] | {"text": "x"}, f"m:{dossier_id}:sections:"))
    confirm = screen(await user.press_data(menu, find(menu, "m", "delete")))
    assert (await app.answers_of(dossier_id))["title"] == "Mon projet"
    await user.press_data(confirm, find(confirm, "m", "delete_ok"))
    async with app.sessions() as session:
        assert await session.get(Dossier, dossier_id) is None


async def test_the_chosen_language_is_kept(app: InProcessBot) -> None:
    user = app.user(612, language_code="fr")
    reply = await user.send("/language")
    reply = await user.press(reply[0], "العربية")
    assert "تم تغيير اللغة." in reply[0]["text"]
    async with app.sessions() as session:
        assert (await session.get(Account, 612)).language == "ar"
    await app.restart()
    reply = await user.send("/help")
    assert "/new" in reply[0]["text"] and "ملف" in reply[0]["text"]
