"""The questionnaire engine with several forms: versions, multi-select, the profile as a form."""

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import all_forms, flow
from bot.domain.forms import N_, Choice, Form, Kind, Question, Section
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import REVIEW, Cursor
from bot.domain.profile_form import PROFILE_FORM, missing_profile
from bot.domain.rules import FundingRules
from bot.screens.question import question_screen
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles, link_city
from bot.telegram.i18n import build_i18n
from storage.accounts import new_account
from storage.dossiers import create_dossier
from storage.models import Dossier
from testkit.harness import no_staff_chats

SERVICES = (
    Choice("water", N_("Water")),
    Choice("power", N_("Power")),
    Choice("health", N_("Health")),
)
MULTI_FORM = Form(
    key="test",
    version=1,
    title=N_("Registration"),
    sections=(
        Section(
            "s",
            N_("Registration"),
            (
                Question("services", Kind.MULTI, N_("Services?"), N_("Services"),
                         choices=SERVICES, min_items=2, max_items=2),
                Question("note", Kind.TEXT, N_("Note?"), N_("Note")),
            ),
        ),
    ),
)  # fmt: skip


def fund_v2() -> Form:
    """Version 2 of the Fund's form: "mayor" is gone, "website" is new in section A."""
    applicant, *rest = FUND_FORM.sections
    website = Question("website", Kind.TEXT, N_("Website?"), N_("Website"))
    questions = (*(q for q in applicant.questions if q.key != "mayor"), website)
    return replace(FUND_FORM, version=2, sections=(replace(applicant, questions=questions), *rest))


def test_a_multi_select_toggles_and_respects_its_limits() -> None:
    cursor = Cursor("services")
    move = flow.toggle(MULTI_FORM, {}, cursor, "health")
    move = flow.toggle(MULTI_FORM, move.answers, cursor, "water")
    assert move.answers == {"services": ["water", "health"]} and move.cursor == cursor
    with pytest.raises(flow.MoveRefused) as refused:
        flow.toggle(MULTI_FORM, move.answers, cursor, "power")
    assert refused.value.code == "multi_max"
    with pytest.raises(flow.MoveRefused):
        flow.toggle(MULTI_FORM, move.answers, cursor, "not-a-choice")
    fewer = flow.toggle(MULTI_FORM, move.answers, cursor, "water")
    assert fewer.answers == {"services": ["health"]}
    with pytest.raises(flow.MoveRefused) as refused:
        flow.finish_group(MULTI_FORM, fewer.answers, cursor)
    assert refused.value.code == "multi_min" and refused.value.details == {"minimum": 2}
    done = flow.finish_group(MULTI_FORM, move.answers, cursor)
    assert done.cursor == Cursor("note")
    with pytest.raises(flow.MoveRefused):
        flow.give_answer(MULTI_FORM, {}, cursor, "water")


def test_a_multi_select_screen_marks_the_chosen_ones() -> None:
    from bot.domain.records import Record

    record = Record(7, MULTI_FORM, {"services": ["power"]}, Cursor("services"))
    i18n = build_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        screen = question_screen(record, FundingRules())
    buttons = [b for row in screen.markup.inline_keyboard for b in row]
    texts = {b.callback_data: b.text for b in buttons}
    assert texts["q:7:services:t:power"].startswith("✅")
    assert texts["q:7:services:t:water"].startswith("▫️")
    assert "q:7:services:done:" in texts


def test_the_profile_is_a_form_on_the_same_engine() -> None:
    answers: dict = {}
    cursor = Cursor(PROFILE_FORM.first_key())
    typed = ["Dakar", "SN", "Awa Ndiaye", "Directrice", "+221771234567", "awa@dakar.sn"]
    for value in typed:
        assert missing_profile(answers)[0] == cursor.q
        move = flow.give_answer(PROFILE_FORM, answers, cursor, value)
        answers, cursor = move.answers, move.cursor
    assert cursor.q == REVIEW and missing_profile(answers) == []
    assert flow.back(PROFILE_FORM, answers, cursor).cursor.q == "email"


async def test_a_draft_saved_under_version_1_opens_under_version_2(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with sessions() as session:
        account = new_account(session, 42, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        row = await create_dossier(session, account, {"mayor": "B. Dias", "title": "Éclairage"})
        row.cursor = {"q": "mayor"}
        await session.commit()
        dossier_id = row.id
    assert row.form == "fund" and row.form_version == 1

    v2 = fund_v2()
    monkeypatch.setitem(all_forms.FORMS, "fund", v2)
    async with sessions() as session:
        account = await session.get(type(account), 42)
        dossiers = Dossiers(session, account)
        record = await dossiers.load(dossier_id)
        assert record is not None and record.form is v2
        # The position named a question that is gone: the record starts over, nothing is lost.
        assert record.cursor == Cursor(v2.first_key())
        applicant = record.checks(FundingRules())[0]
        assert "website" in {q.key for q in applicant.missing}
        assert "mayor" not in {q.key for q in applicant.missing}
        assert record.answers["title"] == "Éclairage"
        move = flow.give_answer(v2, record.answers, Cursor("website"), "https://dakar.sn")
        await dossiers.apply(record, move)
    async with sessions() as session:
        stored = await session.get(Dossier, dossier_id)
        assert stored.form_version == 2
        assert stored.answers["title"] == "Éclairage" and stored.answers["website"]
        assert stored.answers["mayor"] == "B. Dias"  # kept, though version 2 does not ask it


async def test_a_profile_answer_is_saved_with_its_position_and_links_the_city(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        account = new_account(session, 43, "Awa")
        await session.commit()
        profiles = Profiles(session, account, no_staff_chats())
        record = profiles.record()
        record = await profiles.apply(
            record, flow.give_answer(PROFILE_FORM, record.answers, record.cursor, "Dakar")
        )
        record = await profiles.apply(
            record, flow.give_answer(PROFILE_FORM, record.answers, record.cursor, "SN")
        )
        assert account.city_id is not None and account.profile_cursor["q"] == "full_name"
    async with sessions() as session:
        account = await session.get(type(account), 43)
        again = Profiles(session, account, no_staff_chats()).record()
        assert again.answers == {"city_name": "Dakar", "country": "SN"}
        assert again.cursor == Cursor("full_name")
