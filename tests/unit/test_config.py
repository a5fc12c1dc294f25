"""Settings, Bureau sessions, dates and countries: the small pieces with big consequences."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from bot import PROJECT_ROOT
from bot.config import Settings, describe_error
from bot.domain.answers import AnswerError, parse_phone, parse_typed
from bot.domain.countries import country_name, find_country
from bot.domain.dates import parse_date
from bot.domain.fund_form import FUND_FORM
from bot.domain.sessions import BureauSession, next_session, parse_sessions

QUESTIONS = FUND_FORM.questions

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_defaults_do_not_depend_on_the_working_directory(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = settings(bot_token=TOKEN)
    assert loaded.database_url == f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
    assert loaded.files_dir == PROJECT_ROOT / "data" / "files"
    assert loaded.default_language == "fr" and loaded.fund_max_share == Decimal("0.80")


def test_lists_come_from_plain_environment_strings(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "111, 222;333")
    monkeypatch.setenv("BUREAU_SESSIONS", "2027-11-20:2027-09-30,2027-04-28:2027-03-01")
    loaded = Settings(_env_file=None)
    assert loaded.admin_ids == (111, 222, 333)
    assert [s.held_on for s in loaded.bureau_sessions] == [date(2027, 4, 28), date(2027, 11, 20)]


def test_a_bad_token_is_described_without_being_shown() -> None:
    secret = "not a token at all"
    with pytest.raises(ValidationError) as error:
        settings(bot_token=secret)
    line = describe_error(error.value)
    assert "BOT_TOKEN" in line and secret not in line
    with pytest.raises(ValidationError) as error:
        settings()
    assert describe_error(error.value) == "BOT_TOKEN is missing"


def test_the_fund_and_city_shares_must_fit_in_the_whole() -> None:
    with pytest.raises(ValidationError):
        settings(bot_token=TOKEN, fund_max_share="0.9", city_min_share="0.2")


def test_the_next_session_is_the_first_whose_deadline_is_open() -> None:
    sessions = parse_sessions("2027-04-28:2027-03-01,2027-11-20:2027-09-30")
    assert next_session(sessions, date(2027, 3, 1)) == BureauSession(
        date(2027, 4, 28), date(2027, 3, 1)
    )
    assert next_session(sessions, date(2027, 3, 2)).held_on == date(2027, 11, 20)
    assert next_session(sessions, date(2028, 1, 1)) is None
    assert settings(bot_token=TOKEN).sessions(date(2026, 11, 26))[0].held_on.year == 2026


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("15/03/2027", "fr", date(2027, 3, 15)),
        ("15.03.2027", "fr", date(2027, 3, 15)),
        ("2027-03-15", "en", date(2027, 3, 15)),
        ("3/15/2027", "en", date(2027, 3, 15)),
        ("15/3/27", "en", date(2027, 3, 15)),
        ("١٥/٠٣/٢٠٢٧", "ar", date(2027, 3, 15)),
    ],
)
def test_dates_as_people_write_them(typed: str, locale: str, expected: date) -> None:
    assert parse_date(typed, locale) == expected


@pytest.mark.parametrize("typed", ["31/02/2027", "demain", "2027", "15/03", "99/99/9999"])
def test_impossible_dates_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_typed(QUESTIONS["start_date"], typed, "fr", {}, date(2026, 11, 26))
    assert refused.value.code == "date"


def test_dates_far_in_the_past_or_future_are_refused() -> None:
    with pytest.raises(AnswerError) as refused:
        parse_typed(QUESTIONS["start_date"], "01/01/2001", "fr", {}, date(2026, 11, 26))
    assert refused.value.code == "date_range"


def test_countries_in_any_language_become_codes_shown_per_locale() -> None:
    for typed in ("Sénégal", "senegal", "SENEGAL", "السنغال", "SN"):
        assert find_country(typed) == "SN"
    assert find_country("côte d ivoire") == "CI" and find_country("RDC") == "CD"
    assert find_country("Atlantide") is None
    assert country_name("LB", "ar") == "لبنان" and country_name("LB", "fr") == "Liban"


def test_phones_and_emails() -> None:
    assert parse_phone("00221 77 123 45 67") == "+221771234567"
    assert parse_phone("(+961) 1-123-456") == "+9611123456"
    for bad in ("123", "phone me", "+" + "1" * 16):
        with pytest.raises(AnswerError):
            parse_phone(bad)
    email = QUESTIONS["focal_email"]
    assert parse_typed(email, " awa@dakar.sn ", "fr", {}, date.today()).value == "awa@dakar.sn"
    for bad in ("awa@", "awa dakar.sn", "<b>@x.y</b>", "a@b"):
        with pytest.raises(AnswerError):
            parse_typed(email, bad, "fr", {}, date.today())


def test_women_cannot_outnumber_all_beneficiaries() -> None:
    question = QUESTIONS["beneficiaries_women"]
    with pytest.raises(AnswerError) as refused:
        parse_typed(question, "13 000", "fr", {"beneficiaries": 12000}, date.today())
    assert refused.value.details["maximum"] == 12000


def test_emergency_timers_take_decimals_and_a_list_of_people(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ESCALATION_MINUTES", "0.05")
    monkeypatch.setenv("ESCALATION_USER_IDS", "111;222")
    monkeypatch.setenv("SITREP_HOURS", "1.5")
    loaded = Settings(_env_file=None)
    assert loaded.escalation_minutes == Decimal("0.05") and loaded.escalation_rounds == 3
    assert loaded.escalation_user_ids == (111, 222) and loaded.sitrep_hours == Decimal("1.5")
    monkeypatch.delenv("ESCALATION_MINUTES")
    assert Settings(_env_file=None).escalation_minutes == Decimal("15")
    with pytest.raises(ValidationError):
        settings(bot_token=TOKEN, escalation_minutes="0")
