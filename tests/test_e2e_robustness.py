"""What goes wrong in real life: restarts, old buttons, bad input, duplicates, intruders."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Attachment, Dossier
from tests.driver import Applicant, find, position, screen
from tests.factories import complete_answers
from tests.harness import RunningBot


async def answers_of(running: RunningBot, dossier_id: int) -> dict:
    async with running.sessions() as session:
        return (await session.get(Dossier, dossier_id)).answers


async def open_draft(user, dossier_id: int) -> dict:
    listing = await user.send("/dossiers")
    return screen(await user.press_data(listing[-1], f"m:{dossier_id}:open:"))


async def test_a_restart_in_the_middle_loses_nothing(running: RunningBot) -> None:
    applicant = Applicant(running.user(600), "fr")
    await applicant.register()
    for _ in range(3):
        await applicant.answer_current()
    at_before = position(applicant.last)
    await running.restart()
    reply = await applicant.user.send("Pierre Diallo" if at_before == "mayor" else "x" * 5)
    assert reply, "the bot answers after the restart"
    async with running.sessions() as session:
        dossier = await session.scalar(select(Dossier))
    assert dossier.answers["city"] == "Dakar"
    resumed = await open_draft(applicant.user, dossier.id)
    assert position(resumed) == dossier.cursor["q"]


async def test_an_old_button_says_so_and_shows_where_the_person_is(running: RunningBot) -> None:
    dossier_id = await running.seed(601, complete_answers(), "title")
    user = running.user(601)
    first = await open_draft(user, dossier_id)
    await user.send("Nouveau titre du projet")
    stale = await user.press_data(first, find(first, "q", "keep"))
    assert running.api.callback_answer(stale.callback_query_id)["text"].startswith("Ce bouton")
    assert position(screen(stale)) == "sector"
    assert (await answers_of(running, dossier_id))["title"] == "Nouveau titre du projet"
    await running.restart()
    after_restart = await user.press_data(first, "q:999999:nope:back:")
    assert position(screen(after_restart)) == "sector"
    forged = await user.press_data(first, "garbage-data")
    assert forged and position(screen(forged)) == "sector"


async def test_nobody_else_can_touch_a_city_dossier(running: RunningBot) -> None:
    dossier_id = await running.seed(602, complete_answers(), "title")
    intruder = running.user(603, language_code="en")
    await intruder.send("/start")
    before = await answers_of(running, dossier_id)
    for data in (
        f"m:{dossier_id}:open:",
        f"m:{dossier_id}:delete_ok:",
        f"q:{dossier_id}:title:keep:",
        f"m:{dossier_id}:submit_ok:",
    ):
        reply = await intruder.press_data(
            {"message_id": 1, "chat": {"id": 603, "type": "private"}, "date": 0, "text": "old"},
            data,
        )
        assert (
            "not available" in running.api.callback_answer(reply.callback_query_id)["text"]
            or "no longer valid" in running.api.callback_answer(reply.callback_query_id)["text"]
        )
    assert await answers_of(running, dossier_id) == before
    async with running.sessions() as session:
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
    running: RunningBot, typed: str
) -> None:
    answers = complete_answers()
    del answers["fund_amount"]
    dossier_id = await running.seed(604, answers, "fund_amount")
    user = running.user(604)
    await open_draft(user, dossier_id)
    reply = await user.send(typed)
    assert "⚠️" in reply[0]["text"] and position(screen(reply)) == "fund_amount"
    assert "fund_amount" not in await answers_of(running, dossier_id)


async def test_an_amount_over_80_percent_is_explained_with_the_figures(running: RunningBot) -> None:
    answers = complete_answers()
    del answers["fund_amount"], answers["city_amount"]
    dossier_id = await running.seed(605, answers, "fund_amount")
    user = running.user(605, language_code="en")
    await open_draft(user, dossier_id)
    reply = await user.send("1 100 000")
    text = reply[0]["text"]
    assert "80 % de 1 250 000 € font 1 000 000 €" in text.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert "88" in text


async def test_ambiguous_amounts_are_echoed(running: RunningBot) -> None:
    answers = complete_answers()
    del answers["city_amount"]
    dossier_id = await running.seed(606, answers, "city_amount", language="en")
    user = running.user(606, language_code="en")
    await open_draft(user, dossier_id)
    reply = await user.send("250,000")
    assert "Understood: €250,000" in reply[0]["text"]


async def test_long_text_html_and_emoji_are_handled(running: RunningBot) -> None:
    dossier_id = await running.seed(607, {}, "title")
    user = running.user(607)
    await open_draft(user, dossier_id)
    reply = await user.send("x" * 10_000)
    assert "10 000" in reply[0]["text"].replace("\u202f", " ") and "200" in reply[0]["text"]
    reply = await user.send("<script>alert(1)</script> & Éclairage 💡")
    assert position(screen(reply)) == "sector"
    assert (await answers_of(running, dossier_id))["title"].startswith("<script>")


async def test_files_of_the_wrong_type_or_too_large_are_refused(running: RunningBot) -> None:
    dossier_id = await running.seed(608, complete_answers(), "att_resolution")
    user = running.user(608)
    await open_draft(user, dossier_id)
    reply = await user.send_document(b"MZ\x90", "virus.exe", "application/x-msdownload")
    assert "⚠️" in reply[0]["text"]
    reply = await user.send_document(
        b"%PDF", "big.pdf", "application/pdf", file_size=25 * 1024 * 1024
    )
    assert "20" in reply[0]["text"] and "⚠️" in reply[0]["text"]
    reply = await user.send_photo(b"\xff\xd8\xff photo")
    assert "photo_" in reply[0]["text"]
    async with running.sessions() as session:
        (stored,) = list(await session.scalars(select(Attachment)))
    assert stored.mime_type == "image/jpeg" and len(stored.sha256) == 64


async def test_an_update_delivered_twice_has_its_effect_once(running: RunningBot) -> None:
    dossier_id = await running.seed(609, complete_answers(budget_lines=[]), "budget_lines")
    user = running.user(609)
    await open_draft(user, dossier_id)
    add = await user.press_data(user.chat_messages()[-1], f"q:{dossier_id}:budget_lines:add:")
    await user.send("Lampadaires")
    await user.press_data(user.chat_messages()[-1], f"q:{dossier_id}:budget_lines.category:c:works")
    update = {
        "update_id": 99999,
        "message": {
            "message_id": 4000,
            "date": 1,
            "text": "1000",
            "chat": {"id": 609, "type": "private", "first_name": "Awa"},
            "from": {"id": 609, "is_bot": False, "first_name": "Awa", "language_code": "fr"},
        },
    }
    running.api.push_raw_update(update)
    running.api.push_raw_update(update)
    await running.api.wait_confirmed(99999)
    await asyncio.sleep(0.5)
    assert add
    assert len((await answers_of(running, dossier_id))["budget_lines"]) == 1


async def test_two_quick_messages_are_handled_in_order(running: RunningBot) -> None:
    dossier_id = await running.seed(610, {}, "mayor")
    user = running.user(610)
    await open_draft(user, dossier_id)
    ids = [
        running.api.push_update({"message": user._message(text=text)})
        for text in ("Barthélémy Dias", "Awa Ndiaye")
    ]
    for update_id in ids:
        await running.api.wait_confirmed(update_id)
    for _ in range(100):
        answers = await answers_of(running, dossier_id)
        if "focal_name" in answers:
            break
        await asyncio.sleep(0.05)
    assert answers["mayor"] == "Barthélémy Dias" and answers["focal_name"] == "Awa Ndiaye"


async def test_removed_files_and_deleted_drafts_leave_nothing_on_disk(running: RunningBot) -> None:
    dossier_id = await running.seed(613, complete_answers(), "att_resolution")
    user = running.user(613)
    await open_draft(user, dossier_id)
    reply = await user.send_document(b"%PDF-1 resolution", "deliberation.pdf", "application/pdf")
    await user.send_document(b"%PDF-1 second", "annexe.pdf", "application/pdf")
    async with running.sessions() as session:
        first, second = list(await session.scalars(select(Attachment).order_by(Attachment.id)))
    menu = screen(await user.press_data(screen(reply), find(screen(reply), "q", "rmfiles")))
    await user.press_data(menu, find(menu, "q", "rmf", str(first.id)))
    assert not Path(first.path).exists() and Path(second.path).exists()
    confirm = screen(await user.press_data(menu, f"m:{dossier_id}:delete:"))
    await user.press_data(confirm, find(confirm, "m", "delete_ok"))
    assert not Path(second.path).exists()


async def test_cancel_keeps_the_draft_and_deleting_needs_confirmation(running: RunningBot) -> None:
    dossier_id = await running.seed(611, {"title": "Mon projet"}, "sector")
    user = running.user(611)
    await open_draft(user, dossier_id)
    reply = await user.send("/cancel")
    assert "/dossiers" in reply[0]["text"]
    menu = screen(await user.press_data(reply[0] | {"text": "x"}, f"m:{dossier_id}:sections:"))
    confirm = screen(await user.press_data(menu, find(menu, "m", "delete")))
    assert (await answers_of(running, dossier_id))["title"] == "Mon projet"
    await user.press_data(confirm, find(confirm, "m", "delete_ok"))
    async with running.sessions() as session:
        assert await session.get(Dossier, dossier_id) is None


async def test_the_chosen_language_is_kept(running: RunningBot) -> None:
    user = running.user(612, language_code="fr")
    reply = await user.send("/language")
    reply = await user.press(reply[0], "العربية")
    assert "تم" in reply[0]["text"] or "اللغة" in reply[0]["text"]
    await running.restart()
    reply = await user.send("/help")
    assert "/new" in reply[0]["text"] and "ملف" in reply[0]["text"]
