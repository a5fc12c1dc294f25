"""Emergencies from accounts the Secretariat has not verified (issue 14 §5): one open emergency at
a time. Four reports in a minute from one unverified account used to make four alerts, their
escalations and the Presidency's copies; now the first is an alert and the next ones are added to
it as situation reports (no alert, no escalation planned), as is a report of another unverified
official of the city within the hour. The sender is told, in their language. A verified official,
another city, or the city an hour later, get an alert of their own. SQLite and PostgreSQL."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.navigation import REVIEW, Cursor
from bot.services.people import link_city
from bot.telegram.callbacks import menu_data
from storage.dossiers import create_dossier
from storage.models import Account, Dossier, OutboxMessage, Timer
from testkit.backends import BACKENDS, postgres_url
from testkit.databases import fresh_engine
from testkit.harness import SECRETARIAT, InProcessBot, check_clean
from testkit.seeds import official
from testkit.standin import BotAPIStandIn

COMMISSION = -1009876543210


@pytest.fixture(params=BACKENDS)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    url = None
    if request.param == "postgres":
        await (await fresh_engine("postgres", tmp_path)).dispose()
        url = postgres_url()
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    api.add_group(COMMISSION, "Commission")
    under_test = InProcessBot(api, tmp_path, url, commission_chat_id=COMMISSION)
    await under_test.start()
    yield under_test
    await under_test.close()
    check_clean(api)


ANSWERS = {
    "event": "flood",
    "started": "2026-12-01",
    "place": "Quartiers Nord",
    "description": "La rivière a débordé cette nuit, trois écoles sont inondées.",
    "affected": 1200,
}


async def report(bot: InProcessBot, user_id: int, language: str = "fr") -> str:
    """A report with the five required answers, sent with "🚨 Send now" (the report's screens
    are tests/e2e/test_e2e_emergency.py's); what the sender is told."""
    async with bot.sessions() as session:
        account = await session.get(Account, user_id)
        draft = await create_dossier(session, account, dict(ANSWERS))
        draft.form, draft.cursor = EMERGENCY_FORM.key, Cursor(REVIEW).to_json()
        await session.commit()
    user = bot.user(user_id, language)
    anchor = {"message_id": 1, "chat": {"id": user_id, "type": "private"}, "date": 0, "text": "…"}
    reply = await user.press_data(anchor, menu_data(draft.id, "em_send"))
    return reply.texts[-1]


async def emergencies(bot: InProcessBot) -> list[Dossier]:
    async with bot.sessions() as session:
        rows = await session.scalars(
            select(Dossier).where(Dossier.form == "emergency").order_by(Dossier.id)
        )
        return [r for r in rows if r.status != "draft"]


async def test_an_unverified_account_has_one_open_emergency_at_a_time(bot: InProcessBot) -> None:
    api = bot.api
    await official(bot.sessions, 601, "fr", "Awa Rasoa")  # registered, not verified
    await official(bot.sessions, 602, "en", "John Rakoto")
    await bot.user(602, "en").send("/start")  # the city's other official, told of the report
    told = await report(bot, 601)
    reference = re.search(r"FU-\d{4}-0001", told).group()
    for number in (1, 2, 3):  # the same account, again and again
        told = await report(bot, 601)
        assert f"ajouté à {reference}" in told and f"n° {number}" in told, told
    told = await report(bot, 602, "en")  # the city's other unverified official
    assert f"added to {reference}" in told and "n° 4" in told, told

    (alert,) = await emergencies(bot)
    assert alert.reference == reference and alert.status == "reported"
    async with bot.sessions() as session:
        reports = list(await session.scalars(select(Dossier).where(Dossier.parent_id == alert.id)))
        timers = sorted(t.key for t in await session.scalars(select(Timer)) if ":" in t.key)
        accounts = {
            a.telegram_id: a.active_dossier_id for a in await session.scalars(select(Account))
        }
    assert [(r.form, r.status, r.reference) for r in reports] == [("sitrep", "sent", None)] * 4
    assert reports[0].answers["news"] == "Quartiers Nord — " + ANSWERS["description"]
    timers = [t for t in timers if t.startswith(("escalation", "sitrep"))]
    assert timers == [f"escalation:{alert.id}:1", f"sitrep:{alert.id}:1"]  # the first's only
    assert accounts[601] is None and accounts[602] is None
    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION):
        texts = [m.get("text", "") for m in api.messages(chat)]
        assert len([t for t in texts if t.startswith("🚨")]) == 1  # one alert card, edited
        merged = [t for t in texts if t.startswith("🔁")]
        assert len(merged) == 4 and "n° 4" in merged[-1] and "John Rakoto" in merged[-1]


async def test_verified_officials_other_cities_and_an_hour_later_get_their_own_alert(
    bot: InProcessBot,
) -> None:
    await official(bot.sessions, 611, "fr", "Awa Rasoa")
    await official(bot.sessions, 612, "fr", "Hery Verified")
    await official(bot.sessions, 613, "fr", "Lina Autre")
    async with bot.sessions() as session:
        await session.execute(update(Account).where(Account.telegram_id == 612).values(
            verification="verified"
        ))  # fmt: skip
        other = await session.get(Account, 613)
        other.city_name = "Mahajanga"
        await link_city(session, other)
        await session.commit()
    for person in (611, 612, 613):
        await bot.user(person).send("/start")
    await report(bot, 611)
    told = await report(bot, 612)  # verified: an alert of its own
    assert re.search(r"FU-\d{4}-0002", told), told
    told = await report(bot, 613)  # unverified, of another city
    assert re.search(r"FU-\d{4}-0003", told), told
    async with bot.sessions() as session:  # the city's reports are now two hours old
        for row in await session.scalars(select(Dossier).where(Dossier.form == "emergency")):
            if row.submitted_at is not None:
                row.submitted_at -= timedelta(hours=2)
        await session.commit()
    await official(bot.sessions, 614, "fr", "Zo Nouveau")
    await bot.user(614).send("/start")
    told = await report(bot, 614)  # unverified, but the city's report is not recent
    assert re.search(r"FU-\d{4}-0004", told), told
    assert len(await emergencies(bot)) == 4
    async with bot.sessions() as session:
        cards = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.card.is_not(None)))
        )
    assert len(cards) == 4 * 2  # an alert in each of the two chats per emergency
