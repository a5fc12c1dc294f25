"""Reminders of unsubmitted drafts and the staff's daily digest, through the real app on a clock
the test moves (`scheduler.run_once(now)`; no sleeping): each reminder once, in each official's
language, with what is missing; none after submission; a restart neither skips nor repeats; after
an outage the overdue reminder is sent once; the digest at DIGEST_HOUR, once a day, only dossiers
waiting longer than DIGEST_WAIT_DAYS, in each staff member's language. And the rules and the
settings, as pure functions."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.domain.reminders import digest_key, next_digest, reminder_key, why_not_remind
from storage import timers
from storage.accounts import new_account
from storage.dossiers import change_status
from storage.models import Account, Dossier
from testkit.factories import complete_answers
from testkit.harness import SECRETARIAT, InProcessBot
from testkit.standin import BotAPIStandIn

AWA, KARIM = 1001, 1002  # two officials of Dakar: French, Arabic
STAFF_FR, STAFF_AR, ADMIN_EN = 2001, 2002, 2003  # secretariat (fr), secretariat (ar), ADMIN_IDS
DEADLINE = datetime(2027, 3, 1, tzinfo=UTC).date()
CREATED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2027, 1, 30, 8, 0, tzinfo=UTC)
TOKEN = "123456:" + "A" * 35


def at(day: str, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    api.add_private(ADMIN_EN, "Jane")
    bot = InProcessBot(
        api,
        tmp_path,
        None,
        bureau_sessions="2027-04-28:2027-03-01,2027-11-20:2027-09-30",
        admin_ids=(ADMIN_EN,),
    )
    await bot.start()
    yield bot
    await bot.close()
    assert not api.errors, [(c.method, c.description) for c in api.errors]


async def draft(bot: InProcessBot) -> int:
    """Awa's draft (no sector, no attachments yet), and Karim, another official of her city
    whom the Secretariat verified (so the city's drafts are his to hear of too)."""
    answers = complete_answers()
    del answers["sector"]
    dossier_id = await bot.seed(AWA, answers, at="sector", language="fr")
    async with bot.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        row.created_at = CREATED
        karim = new_account(session, KARIM, "Karim")
        karim.language, karim.city_id = "ar", row.city_id
        karim.verification = "verified"
        await session.commit()
    bot.api.add_private(AWA, "Awa")
    bot.api.add_private(KARIM, "Karim")
    return dossier_id


async def round_at(bot: InProcessBot, now: datetime) -> int:
    """One scheduler round at `now`, as the app's worker would do it, and its messages delivered.
    The app's own loop stays at the harness's quiet moment (`bot.now`), so it never races this."""
    assert bot.app is not None and bot.app.scheduler is not None
    done = await bot.app.scheduler.run_once(now)
    await bot.drain_outbox()
    return done


def texts(bot: InProcessBot, chat_id: int) -> list[str]:
    return [m["text"] for m in bot.api.messages(chat_id)]


async def test_reminders_30_and_7_days_before_each_once_in_each_language(
    bot: InProcessBot,
) -> None:
    dossier_id = await draft(bot)
    await round_at(bot, at("2027-01-30", 7, 59))
    assert texts(bot, AWA) == [] and texts(bot, KARIM) == []

    await round_at(bot, at("2027-01-30"))
    await round_at(bot, at("2027-01-30", 9))  # again: nothing more
    [french] = bot.api.messages(AWA)
    [arabic] = bot.api.messages(KARIM)
    assert (
        "Rappel : « Solar street lighting in Medina » n’a pas encore été soumis." in french["text"]
    )
    assert "1 mars 2027" in french["text"] and "28 avril 2027" in french["text"]
    assert "Il reste 30 jours." in french["text"]
    assert "Il manque encore :" in french["text"] and "Secteur" in french["text"]
    assert "Délibération du conseil" in french["text"]
    assert "تذكير" in arabic["text"] and "القطاع" in arabic["text"]
    for message in (french, arabic):
        [[button]] = message["reply_markup"]["inline_keyboard"]
        assert button["callback_data"] == f"m:{dossier_id}:resume:"

    await bot.restart()  # a new scheduler on the same database neither repeats nor skips
    await round_at(bot, at("2027-02-10"))
    assert len(texts(bot, AWA)) == 1
    await round_at(bot, at("2027-02-22"))
    await round_at(bot, at("2027-02-22", 12))
    assert len(texts(bot, AWA)) == len(texts(bot, KARIM)) == 2
    assert "Il reste 7 jours." in texts(bot, AWA)[-1]
    assert "بقيت 7 أيام." in texts(bot, KARIM)[-1]
    async with bot.sessions() as session:
        row = await timers.get(session, reminder_key(dossier_id, DEADLINE, 7))
        assert row is not None and row.done_at is not None and row.outcome == "sent 2"

    # The official continues from the reminder's button.
    awa = bot.user(AWA, "fr")
    await awa.press_data(bot.api.messages(AWA)[-1], f"m:{dossier_id}:resume:")
    assert "Secteur ?" in awa.chat_messages()[-1]["text"]


async def test_reminders_go_to_verified_officials_and_the_author_while_unverified(
    bot: InProcessBot,
) -> None:
    """Moussa typed "Dakar" too (pending, not the author): never told of Awa's draft. Refused,
    Awa herself is no longer told of it; Karim, verified, is."""
    await draft(bot)
    async with bot.sessions() as session:
        moussa = new_account(session, 1003, "Moussa")
        moussa.language, moussa.city_id = "fr", (await session.get(Account, AWA)).city_id
        await session.commit()
    bot.api.add_private(1003, "Moussa")
    await round_at(bot, at("2027-01-30"))
    assert (len(texts(bot, AWA)), len(texts(bot, KARIM)), texts(bot, 1003)) == (1, 1, [])
    async with bot.sessions() as session:
        (await session.get(Account, AWA)).verification = "refused"
        await session.commit()
    await round_at(bot, at("2027-02-22"))
    assert (len(texts(bot, AWA)), len(texts(bot, KARIM)), texts(bot, 1003)) == (1, 2, [])


async def test_no_reminder_once_the_draft_is_submitted(bot: InProcessBot) -> None:
    dossier_id = await draft(bot)
    await round_at(bot, at("2027-01-20"))  # planned, not yet due
    async with bot.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        await change_status(session, row, "submitted", AWA, None, at("2027-01-25"))
        row.status, row.reference, row.submitted_at = "submitted", "FC-2027-0001", at("2027-01-25")
        await session.commit()
    await round_at(bot, at("2027-01-30"))
    await round_at(bot, at("2027-02-22"))
    assert texts(bot, AWA) == [] and texts(bot, KARIM) == []
    async with bot.sessions() as session:
        row = await timers.get(session, reminder_key(dossier_id, DEADLINE, 30))
        assert row is not None and row.outcome == "dropped: not a draft"


async def test_after_an_outage_the_overdue_reminder_is_sent_once(bot: InProcessBot) -> None:
    await draft(bot)
    await round_at(bot, at("2027-01-20"))
    await bot.restart()  # down from 20 January to 25 February: both moments passed
    await round_at(bot, at("2027-02-25", 10))
    await round_at(bot, at("2027-02-25", 11))
    [french] = texts(bot, AWA)
    assert "Il reste 4 jours." in french  # the closest reminder only, with the days truly left
    assert len(texts(bot, KARIM)) == 1


async def test_a_reminder_whose_deadline_passed_is_dropped(bot: InProcessBot) -> None:
    dossier_id = await draft(bot)
    await round_at(bot, at("2027-01-20"))
    await bot.restart()  # down until after the deadline
    await round_at(bot, at("2027-03-02"))
    assert texts(bot, AWA) == []
    async with bot.sessions() as session:
        for days in (30, 7):
            row = await timers.get(session, reminder_key(dossier_id, DEADLINE, days))
            assert row is not None and row.outcome == "dropped: deadline passed"
        # The next deadline's reminders are planned.
        row = await timers.get(
            session, reminder_key(dossier_id, DEADLINE.replace(month=9, day=30), 30)
        )
        assert row is not None and row.done_at is None


async def staff(bot: InProcessBot) -> None:
    for user_id, role, language, name in (
        (STAFF_FR, "secretariat", "fr", "Claire"),
        (STAFF_AR, "secretariat", "ar", "Samir"),
        (ADMIN_EN, "applicant", "en", "Jane"),  # an admin by ADMIN_IDS
    ):
        await bot.add_staff(user_id, role, language, name)
        bot.api.add_private(user_id, name)


async def submitted(bot: InProcessBot, user_id: int, reference: str, on: datetime, status: str):
    dossier_id = await bot.seed(user_id, complete_answers(), at="title")
    async with bot.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        await change_status(session, row, status, user_id, None, on)
        row.status, row.reference, row.submitted_at = status, reference, on
        await session.commit()
    return dossier_id


async def test_the_digest_at_its_hour_once_a_day_in_each_staff_language(
    bot: InProcessBot,
) -> None:
    await staff(bot)
    old = await submitted(bot, 3001, "FC-2027-0001", at("2027-01-01", 10), "submitted")
    await submitted(bot, 3002, "FC-2027-0002", at("2027-01-06", 8, 30), "in_review")
    await round_at(bot, at("2027-01-13", 7, 59))
    assert texts(bot, STAFF_FR) == []

    await round_at(bot, at("2027-01-13", 8))
    await bot.restart()
    await round_at(bot, at("2027-01-13", 18))
    [french] = bot.api.messages(STAFF_FR)
    [arabic] = texts(bot, STAFF_AR)
    [english] = texts(bot, ADMIN_EN)
    assert "Récapitulatif du jour : 1 dossier en attente du Secrétariat" in french["text"]
    assert "FC-2027-0001" in french["text"] and "Dakar" in french["text"]
    assert "Soumis · 11 jours" in french["text"]
    assert "FC-2027-0002" not in french["text"]
    assert "Daily digest: 1 dossier waiting on the Secretariat" in english
    assert "الملخص اليومي" in arabic and "FC-2027-0001" in arabic
    [[button]] = french["reply_markup"]["inline_keyboard"]
    assert button["callback_data"] == f"s:open:{old}:"

    await round_at(bot, at("2027-01-14", 9))  # late but once for the day: both now listed
    assert len(texts(bot, STAFF_FR)) == 2
    assert "FC-2027-0002" in texts(bot, STAFF_FR)[-1]
    async with bot.sessions() as session:
        assert (await timers.get(session, digest_key(at("2027-01-14").date()))).outcome == "sent 3"
        assert await session.get(Account, STAFF_FR) is not None


async def test_no_digest_when_nothing_waits_long_enough(bot: InProcessBot) -> None:
    await staff(bot)
    await submitted(bot, 3001, "FC-2027-0001", at("2027-01-10"), "submitted")
    await round_at(bot, at("2027-01-13", 8) + timedelta(minutes=1))
    assert texts(bot, STAFF_FR) == []
    async with bot.sessions() as session:
        row = await timers.get(session, digest_key(at("2027-01-13").date()))
        assert row is not None and row.outcome == "nothing waiting"


def test_reminder_rules() -> None:
    deadline = date(2027, 3, 1)
    created = datetime(2026, 11, 1, tzinfo=UTC)

    def why(now: datetime, days: int = 30, **changes: object) -> str | None:
        given = {
            "is_draft": True,
            "created_at": created,
            "deadline": deadline,
            "days": days,
            "next_deadline": deadline,
            "now": now,
            "all_days": (30, 7),
            "hour": 8,
        }
        return why_not_remind(**{**given, **changes})  # type: ignore[arg-type]

    assert why(NOW) is None
    assert why(NOW, is_draft=False) == "not a draft"
    assert why(datetime(2027, 3, 2, tzinfo=UTC)) == "deadline passed"
    assert why(datetime(2027, 3, 1, 23, tzinfo=UTC), days=7) is None  # the last day
    assert why(NOW, next_deadline=date(2027, 9, 30)) == "not the next deadline"
    assert why(NOW, created_at=NOW + timedelta(days=1)) == "draft created after it"
    late = datetime(2027, 2, 25, tzinfo=UTC)
    assert why(late) == "superseded"
    assert why(late, days=7) is None
    # Created between the two moments: the 30-day one was never its, the 7-day one is.
    assert why(late, created_at=datetime(2027, 2, 10, tzinfo=UTC)) == "draft created after it"
    assert next_digest(datetime(2027, 1, 1, 7, tzinfo=UTC), 8) == datetime(
        2027, 1, 1, 8, tzinfo=UTC
    )
    assert next_digest(datetime(2027, 1, 1, 9, tzinfo=UTC), 8) == datetime(
        2027, 1, 2, 8, tzinfo=UTC
    )


def test_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings(_env_file=None, bot_token=TOKEN)
    assert (defaults.reminder_days, defaults.digest_hour, defaults.digest_wait_days) == (
        (30, 7),
        8,
        7,
    )
    monkeypatch.setenv("REMINDER_DAYS", "7, 30,14")
    monkeypatch.setenv("DIGEST_HOUR", "6")
    monkeypatch.setenv("DIGEST_WAIT_DAYS", "3")
    loaded = Settings(_env_file=None, bot_token=TOKEN)
    assert (loaded.reminder_days, loaded.digest_hour, loaded.digest_wait_days) == (
        (30, 14, 7),
        6,
        3,
    )
    monkeypatch.setenv("REMINDER_DAYS", "")
    assert Settings(_env_file=None, bot_token=TOKEN).reminder_days == ()
    for name, value in (("DIGEST_HOUR", "24"), ("REMINDER_DAYS", "-1"), ("REMINDER_DAYS", "x")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match=name.lower()):
            Settings(_env_file=None, bot_token=TOKEN)
        monkeypatch.delenv(name)
