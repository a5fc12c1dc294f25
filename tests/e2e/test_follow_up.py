"""Following up (issue 17 §4), through the real app on a clock the test moves: a convention not
accepted is chased 7 and 14 days after it was proposed, to each verified official in their
language, and no more once the city accepted it; a dossier left in "changes requested" after an
outage gets only the latest reminder; the staff's digest lists what waits on the cities; /stats'
paid against granted per Bureau session."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.grant_case import figures_by_session, results_reached
from bot.domain.report_form import men_key, reached_key, women_key
from bot.domain.results import IndicatorPlan
from bot.domain.tranches import default_tranches, parse_schedule
from storage import projects as queries
from storage import timers
from storage.accounts import new_account
from storage.dossiers import change_status
from storage.models import Account, Dossier, Project
from testkit.factories import complete_answers
from testkit.harness import SECRETARIAT, InProcessBot
from testkit.standin import BotAPIStandIn

AWA, KARIM, STAFF_FR = 1001, 1002, 2001  # officials of Dakar (French, Arabic), the Secretariat
PROPOSED = datetime(2027, 1, 1, 9, tzinfo=UTC)


def at(day: str, hour: int = 8) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    bot = InProcessBot(api, tmp_path, None)
    await bot.start()
    yield bot
    await bot.close()
    assert not api.errors, [(c.method, c.description) for c in api.errors]


async def dakar(bot: InProcessBot, status: str, reference: str) -> int:
    """A dossier of Dakar in `status`, its two officials verified (Awa in French, Karim in
    Arabic) and a French-speaking staff member."""
    dossier_id = await bot.seed(AWA, complete_answers(), at="review", language="fr")
    async with bot.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        row.status, row.reference = status, reference
        (await session.get(Account, AWA)).verification = "verified"
        karim = new_account(session, KARIM, "Karim")
        karim.language, karim.city_id, karim.verification = "ar", row.city_id, "verified"
        await session.commit()
    bot.api.add_private(AWA, "Awa")
    bot.api.add_private(KARIM, "Karim")
    await bot.add_staff(STAFF_FR, "secretariat", "fr", "Sophie")
    bot.api.add_private(STAFF_FR, "Sophie")
    return dossier_id


async def proposed(bot: InProcessBot) -> int:
    """FC-2027-0001's convention proposed on 1 January 2027."""
    dossier_id = await dakar(bot, "approved", "FC-2027-0001")
    async with bot.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        schedule = default_tranches(Decimal(500000), "EUR", parse_schedule("100:convention"))
        project, _made = await queries.create_project(
            session, row, currency="EUR", granted=Decimal(500000), start_on=date(2027, 3, 1),
            months=12, report_months=6, framework=[], tranches=schedule,
        )  # fmt: skip
        project.status, project.proposed_at, project.convention_version = (
            "convention_proposed",
            PROPOSED,
            1,
        )
        await session.commit()
    return dossier_id


async def round_at(bot: InProcessBot, now: datetime) -> None:
    assert bot.app is not None and bot.app.scheduler is not None
    await bot.app.scheduler.run_once(now)
    await bot.drain_outbox()


def texts(bot: InProcessBot, chat: int) -> list[str]:
    return [m["text"] for m in bot.api.messages(chat)]


async def outcome(bot: InProcessBot, key: str) -> str | None:
    async with bot.sessions() as session:
        row = await timers.get(session, key)
        return row.outcome if row is not None else None


async def test_a_convention_is_chased_in_each_language_until_accepted(bot: InProcessBot) -> None:
    project_id = await proposed(bot)
    await round_at(bot, at("2027-01-08", 7))
    assert texts(bot, AWA) == [] and texts(bot, KARIM) == []
    await round_at(bot, at("2027-01-08"))
    [french] = texts(bot, AWA)
    [arabic] = texts(bot, KARIM)
    assert "FC-2027-0001" in french and "n’est pas encore acceptée" in french
    assert "il y a 7 jours" in french
    assert "لم تُقبَل بعد" in arabic
    [[button]] = bot.api.messages(AWA)[0]["reply_markup"]["inline_keyboard"]
    assert button["callback_data"] == f"g:p:show:{project_id}:"

    async with bot.sessions() as session:  # the city accepted it meanwhile
        (await session.get(Project, project_id)).status = "under_way"
        await session.commit()
    await round_at(bot, at("2027-01-15"))
    assert len(texts(bot, AWA)) == 1
    key = f"chase:convention:{project_id}:2027-01-01:14"
    assert await outcome(bot, key) == "dropped: the city acted"


async def test_after_an_outage_only_the_latest_reminder_of_changes_is_sent(
    bot: InProcessBot,
) -> None:
    dossier_id = await dakar(bot, "in_review", "FC-2027-0002")
    async with bot.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        change = await change_status(session, row, "changes_requested", STAFF_FR, "Le devis")
        change.at = at("2027-02-01", 10)
        await session.commit()
    await round_at(bot, at("2027-02-20"))  # down from the 7th day to past the 14th
    [french] = texts(bot, AWA)
    assert "il y a 19 jours" in french and "FC-2027-0002" in french
    assert await outcome(bot, f"chase:changes:{dossier_id}:2027-02-01:7") == "dropped: superseded"
    assert await outcome(bot, f"chase:changes:{dossier_id}:2027-02-01:14") == "sent 2"
    await round_at(bot, at("2027-02-21"))
    assert len(texts(bot, AWA)) == 1


async def test_the_digest_lists_what_waits_on_the_cities(bot: InProcessBot) -> None:
    await proposed(bot)
    await round_at(bot, at("2027-01-05", 9))
    [digest] = texts(bot, STAFF_FR)
    assert "En attente de la ville : 1" in digest
    assert "FC-2027-0001 · Dakar · convention non acceptée · 4 jours" in digest


def test_paid_against_granted_per_bureau_session() -> None:
    april, november = date(2027, 4, 28), date(2027, 11, 20)
    rows = [
        (april, "EUR", Decimal(700000), Decimal(350000), Decimal(350000)),
        (april, "EUR", Decimal(300000), Decimal(0), Decimal(0)),
        (april, "XOF", Decimal(5000000), Decimal(5000000), Decimal(4990000)),
        (november, "EUR", Decimal(100000), Decimal(0), Decimal(0)),
    ]
    figures = figures_by_session(rows)
    assert [(f.held_on, f.currency, f.projects) for f in figures] == [
        (november, "EUR", 1),
        (april, "XOF", 1),
        (april, "EUR", 2),
    ]
    eur = figures[2]
    assert (eur.granted, eur.paid, eur.received) == (1000000, 350000, 350000)


async def test_a_report_is_chased_before_its_day_and_no_more_once_submitted(
    bot: InProcessBot,
) -> None:
    project_id = await proposed(bot)
    async with bot.sessions() as session:
        project = await session.get(Project, project_id)
        project.status = "under_way"
        parent = await session.get(Dossier, project_id)
        report, _made = await queries.open_report(
            session, parent, form="report", form_version=1, kind="progress", number=1,
            due_on=date(2027, 3, 15), plan={"currency": "EUR"}, answers={"currency": "EUR"},
            created_by=AWA,
        )  # fmt: skip
        await session.commit()
        record_id = report.dossier_id
    await round_at(bot, at("2027-03-01"))
    reminders = [t for t in texts(bot, AWA) if "Rapport d’étape 1" in t]
    assert reminders == [
        "⏰ Rappel : Rapport d’étape 1 de FC-2027-0001 est attendu le 15 mars 2027."
    ]
    assert any("التقرير المرحلي 1" in t for t in texts(bot, KARIM))
    async with bot.sessions() as session:
        (await session.get(Dossier, record_id)).status = "report_submitted"
        await session.commit()
    await round_at(bot, at("2027-03-15"))
    assert len([t for t in texts(bot, AWA) if "Rapport d’étape 1" in t]) == 1
    key = f"chase:report:{record_id}:2027-03-15:0"
    assert await outcome(bot, key) == "dropped: the city acted"


def test_results_reached_are_the_last_approved_reports_per_sector_and_country() -> None:
    people = IndicatorPlan("i1", "output", "", "Persons trained", "persons", Decimal(0),
                           Decimal(500), counts_people=True)  # fmt: skip
    wells = IndicatorPlan("i2", "output", "", "Wells", "wells", Decimal(0), Decimal(10))
    first = {reached_key("i1"): "100", women_key("i1"): 60, men_key("i1"): 40}
    later = {reached_key("i1"): "250", women_key("i1"): 150, men_key("i1"): 100}
    reports = [
        (1, date(2027, 9, 15), "water", "SN", (people, wells), first),
        (1, date(2028, 3, 15), "water", "SN", (people, wells), later),  # the last one counts
        (2, date(2027, 9, 15), "water", "SN", (people,), first),
        (3, date(2027, 9, 15), "health", "LB", (wells,), {reached_key("i2"): "4"}),
    ]
    [water] = results_reached(reports)
    assert (water.sector, water.country, water.people, water.women, water.men) == (
        "water",
        "SN",
        350,
        210,
        140,
    )
