"""Member cities, CSV rows, invites and roles as pure rules: folding names (Arabic too), matching a
typed name, checking rows, tokens and expiry."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.cities import MemberCity, matching, split_aliases
from bot.domain.city_picker import pick
from bot.domain.city_rows import CityRow, RowRefused, city_row, read_rows, typed_row
from bot.domain.countries import find_country, fold
from bot.domain.invites import Invite, expiry, invite_link, new_token, well_formed
from bot.domain.navigation import REVIEW, Cursor
from bot.domain.profile_form import PROFILE_FORM
from bot.domain.roles import Action, Role, may

BEIRUT = MemberCity(1, "Beyrouth", "LB", ("Beirut", "بيروت"))
TRIPOLI = MemberCity(2, "Tripoli", "LB", ("طرابلس", "Trablous"))
SAINT_LOUIS = MemberCity(3, "Saint-Louis", "SN")
NOUAKCHOTT = MemberCity(4, "Nouakchott", "MR", ("نواكشوط",))
UNLISTED = MemberCity(5, "Tripoli", "LY", listed=False)
CITIES = [BEIRUT, TRIPOLI, SAINT_LOUIS, NOUAKCHOTT, UNLISTED]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("طَرَابُلُس", "طرابلس"),  # tashkeel
        ("طرابـــلس", "طرابلس"),  # tatweel
        ("أغادير", "اغادير"),  # alef with hamza above
        ("إربد", "اربد"),  # alef with hamza below
        ("آسفي", "اسفي"),  # alef madda
        ("ٱلقاهرة", "القاهره"),  # alef wasla, ta marbuta
        ("المنى", "المني"),  # alef maqsura
        ("Saint-Louis", "saint louis"),
        ("SÉGOU", "segou"),
    ],
)
def test_names_are_folded_whatever_the_spelling(written: str, plain: str) -> None:
    assert fold(written) == fold(plain)


def test_countries_are_still_found_in_every_language() -> None:
    assert find_country("Sénégal") == find_country("السنغال") == find_country("sn") == "SN"
    assert find_country("لُبْنَان") == "LB"


def test_a_typed_name_matches_listed_cities_by_name_alias_or_start() -> None:
    assert matching("beyrouth", CITIES) == [BEIRUT]
    assert matching("BEIRUT", CITIES) == [BEIRUT]
    assert matching("بَيْرُوت", CITIES) == [BEIRUT]  # alias, with diacritics
    assert matching("طرابلس", CITIES) == [TRIPOLI]
    assert matching("Saint Louis", CITIES) == [SAINT_LOUIS]
    assert matching("louis", CITIES) == [SAINT_LOUIS]  # a word's start
    assert matching("Tripoli", CITIES) == [TRIPOLI]  # the unlisted Libyan one is not offered
    assert matching("Atlantide", CITIES) == []
    assert matching("  ", CITIES) == []


def test_exact_matches_come_first() -> None:
    trip = MemberCity(6, "Tripolis", "GR")
    assert matching("tripoli", [trip, TRIPOLI]) == [TRIPOLI, trip]


def test_aliases_are_split_on_semicolons_and_bars() -> None:
    assert split_aliases("Ndakaaru; داكار | Dakar-Plateau ;; ndakaaru") == (
        "Ndakaaru",
        "داكار",
        "Dakar-Plateau",
    )


def test_a_row_needs_a_name_and_a_known_country() -> None:
    assert city_row("  Dakar ", "sn", "Ndakaaru|Dakar") == CityRow("Dakar", "SN", ("Ndakaaru",))
    assert city_row("Beyrouth", "Liban").country == "LB"  # a name also does
    for cells, code in [
        (("", "SN"), "empty_name"),
        (("Dakar", ""), "empty_country"),
        (("Dakar", "XX"), "unknown_country"),
        (("D" * 101, "SN"), "name_too_long"),
        (("Dakar", "SN", ";".join(f"a{i}" for i in range(11))), "too_many_aliases"),
    ]:
        with pytest.raises(RowRefused) as refused:
            city_row(*cells)
        assert refused.value.code == code


def test_a_typed_line_is_name_country_aliases() -> None:
    assert typed_row("Tripoli, LB, طرابلس; Trablous") == CityRow(
        "Tripoli", "LB", ("طرابلس", "Trablous")
    )


def test_a_csv_file_is_read_with_its_refused_lines() -> None:
    content = (
        "name;country;aliases\n"
        "Dakar;SN;Ndakaaru|داكار\n"
        "\n"
        ";SN;\n"
        "Atlantis;XX;\n"
        "DAKAR;sn;\n"
        "Beyrouth;LB;Beirut\n"
    ).encode()
    rows = read_rows(content)
    assert [(n, r.name) for n, r in rows.good] == [(2, "Dakar"), (7, "Beyrouth")]
    assert [(n, p.code) for n, p in rows.refused] == [
        (4, "empty_name"),
        (5, "unknown_country"),
        (6, "duplicate"),
    ]
    assert rows.refused[2][1].details == {"line": 2}


def test_a_csv_file_from_a_spreadsheet_in_windows_1252_with_commas() -> None:
    rows = read_rows("Ségou,ML,\nSaint-Louis,SN,Ndar\n".encode("cp1252"))
    assert [r.name for _n, r in rows.good] == ["Ségou", "Saint-Louis"]


def test_picking_a_city_answers_its_country_too() -> None:
    move = pick(PROFILE_FORM, {}, Cursor("city_name"), TRIPOLI)
    assert move.answers == {"city_name": "Tripoli", "country": "LB"}
    assert move.cursor.q == "full_name"
    edit = pick(PROFILE_FORM, {"city_name": "x"}, Cursor("city_name", jump=True), TRIPOLI)
    assert edit.cursor.q == REVIEW


def test_invite_tokens_fit_a_deep_link_and_expire() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50 and all(well_formed(t) and len(t) <= 64 for t in tokens)
    assert not well_formed("a" * 65) and not well_formed("abc$") and not well_formed("")
    assert invite_link("aimf_bot", "abc") == "https://t.me/aimf_bot?start=abc"
    now = datetime(2026, 12, 1, tzinfo=UTC)
    invite = Invite("abc", "secretariat", None, expiry(now, 7))
    assert invite.problem(now + timedelta(days=6, hours=23)) is None
    assert invite.problem(now + timedelta(days=7)) == "expired"
    assert Invite("abc", "secretariat", None, expiry(now, 7), used_by=5).problem(now) == "used"


def test_only_admins_import_the_member_list() -> None:
    assert may(Role.ADMIN, Action.IMPORT_CITIES)
    assert not may(Role.SECRETARIAT, Action.IMPORT_CITIES)
    assert may(Role.SECRETARIAT, Action.MANAGE_CITIES)
