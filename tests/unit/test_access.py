"""The rule of who reaches what of a city (bot/domain/access.py), and the city question typed
anew (bot/domain/city_picker.py), as pure functions."""

from dataclasses import dataclass

import pytest

from bot.domain import access
from bot.domain.cities import MemberCity
from bot.domain.city_picker import pick, type_city
from bot.domain.navigation import REVIEW, Cursor
from bot.domain.profile_form import PROFILE_FORM

DAKAR, TOAMASINA = 1, 2


@dataclass(frozen=True)
class Member:
    telegram_id: int
    city_id: int | None
    verification: str


@pytest.mark.parametrize(
    ("verification", "own", "others"),
    [("verified", True, True), ("pending", True, False), ("refused", False, False),
     ("anything else", False, False)],
)  # fmt: skip
def test_what_each_state_reaches_of_its_city(verification: str, own: bool, others: bool) -> None:
    member = Member(7, DAKAR, verification)
    assert access.reaches(member, DAKAR, 7) is own
    assert access.reaches(member, DAKAR, 8) is others
    assert not access.reaches(member, TOAMASINA, 7)  # never another city's, not even their own
    assert access.reach(Member(7, None, "verified")) is None


def test_the_audience_of_a_record() -> None:
    officials = [
        Member(1, DAKAR, "verified"),
        Member(2, DAKAR, "pending"),  # the author, not verified yet
        Member(3, DAKAR, "pending"),  # typed "Dakar" too
        Member(4, DAKAR, "refused"),
        Member(5, TOAMASINA, "verified"),
    ]
    assert [m.telegram_id for m in access.audience(officials, DAKAR, 2)] == [1, 2]
    assert [m.telegram_id for m in access.audience(officials, DAKAR, 4)] == [1]  # refused: no


def test_who_waits_for_verification_before_submitting() -> None:
    assert not access.submission_waits(Member(1, DAKAR, "pending"), False)  # the first official
    assert access.submission_waits(Member(1, DAKAR, "pending"), True)
    assert not access.submission_waits(Member(1, DAKAR, "verified"), True)


def test_a_change_of_city() -> None:
    assert access.city_changed(DAKAR, TOAMASINA) and access.city_changed(DAKAR, None)
    assert not access.city_changed(None, DAKAR) and not access.city_changed(DAKAR, DAKAR)


def test_a_city_typed_anew_asks_the_country_again() -> None:
    known = {"city_name": "Dakar", "country": "SN", "full_name": "Awa Ndiaye"}
    from_profile = Cursor("city_name", jump=True)
    move = type_city(PROFILE_FORM, known, from_profile, "Toamasina")
    assert move.answers["country"] is None and move.cursor == Cursor("country", jump=True)
    same = type_city(PROFILE_FORM, known, from_profile, "DAKAR")  # the same city, other case
    assert same.answers["country"] == "SN" and same.cursor.q == REVIEW
    first = type_city(PROFILE_FORM, {}, Cursor("city_name"), "Toamasina")  # first registration
    assert "country" not in first.answers and first.cursor.q == "country"
    picked = pick(PROFILE_FORM, known, from_profile, MemberCity(TOAMASINA, "Toamasina", "MG"))
    assert picked.answers["country"] == "MG" and picked.cursor.q == REVIEW
