"""Putting a dossier on a Bureau session (issue 16 §5, §10): on a fresh install the sessions of
`BUREAU_SESSIONS` are offered as buttons (stored when picked); a deferred dossier is offered,
and may be put on, only sessions later than the one that deferred it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain.sessions import BureauSession
from storage.models import BureauSession as SessionRow
from storage.models import Dossier
from testkit.harness import SECRETARIAT, InProcessBot, check_clean
from testkit.seeds import SECRETARIAT as FRENCH_STAFF
from testkit.seeds import submitted
from testkit.standin import BotAPIStandIn

STAFF = {"fr": FRENCH_STAFF, "en": 631, "ar": 632}
DONE = {"fr": "✔ FC-2026-0042 : Inscrit", "en": "✔ FC-2026-0042: Scheduled", "ar": "✔ FC-2026-0042"}
TODAY = datetime.now(UTC).date()
SOON, LATER = TODAY + timedelta(days=40), TODAY + timedelta(days=220)


@pytest.fixture
async def configured(tmp_path):  # type: ignore[no-untyped-def]
    """A fresh install whose `BUREAU_SESSIONS` names two coming sessions, none stored yet."""
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    sessions = (BureauSession(SOON, SOON - timedelta(days=20)), BureauSession(LATER, LATER))
    bot = InProcessBot(api, tmp_path, None, bureau_sessions=sessions)
    await bot.start()
    yield bot
    await bot.close()
    check_clean(bot.api)


async def staff_in(app: InProcessBot, language: str, status: str, session_day=None):  # type: ignore[no-untyped-def]
    dossier_id, _reference = await submitted(app)
    if language != "fr":
        await app.add_staff(STAFF[language], "secretariat", language, f"Staff {language}")
    async with app.sessions() as session:
        dossier = await session.get(Dossier, dossier_id)
        dossier.status = status
        if session_day is not None:
            for day in (session_day, LATER):
                session.add(SessionRow(held_on=day, deadline=day, place="Paris"))
            await session.flush()
            first = await session.scalar(
                select(SessionRow).where(SessionRow.held_on == session_day)
            )
            dossier.session_id = first.id
        await session.commit()
    return dossier_id, app.user(STAFF[language], language)


async def schedule_buttons(staff):  # type: ignore[no-untyped-def]
    shown = (await staff.send("/dossier FC-2026-0042"))[-1]
    (schedule,) = [b for b in staff.buttons(shown) if b.startswith("📅")]
    return (await staff.press(shown, schedule))[-1]


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
async def test_a_fresh_install_offers_the_configured_sessions(
    configured: InProcessBot, language: str
) -> None:
    dossier_id, staff = await staff_in(configured, language, "eligible")
    offered = await schedule_buttons(staff)
    assert len(staff.buttons(offered)) == 2, offered["text"]
    assert "/sessions add" not in offered["text"]
    done = await staff.press(offered, staff.buttons(offered)[1])
    assert done.texts[-1].startswith(DONE[language])
    async with configured.sessions() as session:
        stored = (await session.scalars(select(SessionRow))).all()
        dossier = await session.get(Dossier, dossier_id)
    assert [s.held_on for s in stored] == [LATER] and dossier.session_id == stored[0].id
    assert dossier.status == "scheduled"


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
async def test_a_deferred_dossier_goes_only_to_a_later_session(
    app: InProcessBot, language: str
) -> None:
    dossier_id, staff = await staff_in(app, language, "deferred", session_day=SOON)
    offered = await schedule_buttons(staff)
    (only,) = staff.buttons(offered)
    assert str(LATER.year) in only
    async with app.sessions() as session:
        first = await session.scalar(select(SessionRow).where(SessionRow.held_on == SOON))
    forged = await staff.press_data(offered, f"s:sched:{dossier_id}:{first.id}")
    assert "FC-2026-0042" in forged.texts[-1]
    dossier = await app.dossier(dossier_id)
    assert dossier.status == "deferred" and dossier.session_id == first.id
    done = await staff.press(offered, only)
    assert done.texts[-1].startswith(DONE[language])
    assert (await app.dossier(dossier_id)).session_id != first.id
