"""The Fund's form version 2 on the engine: a draft saved under version 1 opens on its first
indicator's missing numbers, which are asked and stored in place; a submitted dossier of version 1
keeps its text. And the report's screens: a budget line's question names the line, a typed value
reached is read as a number."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import flow
from bot.domain.answers import AnswerError, parse_typed
from bot.domain.navigation import Cursor
from bot.domain.records import Record
from bot.domain.report_form import plan_of, reached_key, report_form, spent_key
from bot.domain.results import indicators_of
from bot.domain.rules import FundingRules
from bot.screens.question import question_screen
from bot.services.dossiers import Dossiers
from bot.services.people import link_city
from bot.telegram.i18n import build_i18n
from storage.accounts import new_account
from storage.dossiers import create_dossier
from storage.models import Account, Dossier
from testkit.factories import complete_answers
from testkit.grant_facts import old_indicator

LEVELS = ("ultimate", "intermediate", "immediate", "output")


async def test_a_version_1_draft_asks_its_indicators_numbers_when_opened(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    answers = complete_answers(indicators=[old_indicator(level) for level in LEVELS])
    async with sessions() as session:
        account = new_account(session, 42, "Awa")
        account.city_name, account.country = "Dakar", "SN"
        await link_city(session, account)
        draft = await create_dossier(session, account, answers)
        draft.cursor = {"q": "budget_lines"}
        submitted = await create_dossier(session, account, answers)
        submitted.status, submitted.cursor = "submitted", {"q": "review"}
        await session.commit()
        draft_id, submitted_id = draft.id, submitted.id
    assert draft.form_version == 1
    i18n = build_i18n("fr")
    async with sessions() as session:
        dossiers = Dossiers(session, await session.get(Account, 42))
        record = await dossiers.load(draft_id)
        first = answers["indicators"][0]
        assert record.cursor == Cursor("indicators", "unit", first)
        with i18n.context(), i18n.use_locale("fr"):
            text = question_screen(record, FundingRules()).text
        assert "Indicateurs · à compléter : Résultat ultime — Streets are lit" in text
        assert "Unité de l’indicateur" in text
        for value in ("lampadaires", "0", "400"):
            record = await dossiers.apply(
                record, flow.give_answer(record.form, record.answers, record.cursor, value)
            )
        assert record.cursor == Cursor("indicators", "unit", answers["indicators"][1])
        # a submitted dossier keeps its place and its text
        kept = await dossiers.load(submitted_id)
        assert kept.cursor == Cursor("review")
    async with sessions() as session:
        stored = await session.get(Dossier, draft_id)
        entry = stored.answers["indicators"][0]
        assert stored.form_version == 2 and entry["id"] == first["id"]
        assert (entry["unit"], entry["baseline_value"], entry["target_value"]) == (
            "lampadaires", "0", "400",
        )  # fmt: skip
        assert entry["target"] == "about 400"  # the text of version 1, kept
        assert len(stored.answers["indicators"]) == 4
        assert (await session.get(Dossier, submitted_id)).answers == answers


def test_a_report_question_names_its_budget_line_and_reads_numbers() -> None:
    answers = complete_answers()
    plan = plan_of(answers, indicators_of(answers))
    form = report_form(plan)
    i18n = build_i18n("fr")
    record = Record(9, form, {"currency": "EUR"}, Cursor(spent_key("b1")))
    with i18n.context(), i18n.use_locale("fr"):
        text = question_screen(record, FundingRules()).text
    assert "Montant dépensé à ce jour sur cette ligne budgétaire ?" in text
    assert "📌 <i>Solar lamps</i>" in text
    reached = form.questions[reached_key(plan.indicators[0].id)]
    today = date(2027, 9, 1)
    assert parse_typed(reached, "1 250,5", "fr", {}, today).value == "1250.5"
    assert parse_typed(reached, "35 %", "fr", {}, today).value == "35"
    assert parse_typed(reached, "0", "fr", {}, today).value == "0"
    for bad in ("beaucoup", "-3"):
        try:
            parse_typed(reached, bad, "fr", {}, today)
        except AnswerError:
            continue
        raise AssertionError(bad)
    spent = form.questions[spent_key("b1")]
    assert parse_typed(spent, "0", "fr", {}, today, "EUR").value == "0"  # nothing spent yet
