"""Counts shown to people take the plural form of their language: 2 in fr/en, 6 in ar."""

from functools import cache

import pytest
from aiogram.utils.i18n import I18n
from babel.messages.pofile import read_po

from bot import PROJECT_ROOT
from bot.domain.answers import AnswerError
from bot.domain.forms import MAX_FILES, Kind
from bot.domain.fund_form import FUND_FORM
from bot.screens.common import shown_answer
from bot.screens.errors import refusal
from bot.telegram.i18n import build_i18n

COUNTS = (0, 1, 2, 3, 11, 100)
# Which form each count takes: French uses the singular for 0 and 1, English only for 1;
# Arabic: zero, one, two, few (3–10), many (11–99), other (100…).
FORM_OF = {
    "fr": (0, 0, 1, 1, 1, 1),
    "en": (1, 0, 1, 1, 1, 1),
    "ar": (0, 1, 2, 3, 4, 5),
}


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n("fr")


def plural_entries() -> list[tuple[str, str]]:
    with (PROJECT_ROOT / "locales" / "messages.pot").open("rb") as source:
        return [m.id for m in read_po(source) if m.id and m.pluralizable]


@cache  # each of the ~30 tests of a language read the whole catalog again
def catalog_forms(language: str) -> dict[tuple[str, str], tuple[str, ...]]:
    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        return {m.id: m.string for m in read_po(source, locale=language) if m.pluralizable}


def test_the_counts_of_the_screens_are_plural_entries() -> None:
    plurals = {plural for _singular, plural in plural_entries()}
    assert {
        "At least {count} entries are needed.",
        "{count} entries",
        "This list is full ({count} entries).",
        "This question already has {count} files. Remove one to add another.",
        "❌ Not complete yet. Points to fix (marked ❌ or ⚠️): {count}.",
        "First, a few words about you and your city ({count} short questions).",
    } <= plurals


@pytest.mark.parametrize("language", FORM_OF)
@pytest.mark.parametrize("message", plural_entries(), ids=lambda m: m[1][:30])
def test_each_count_takes_its_form(i18n: I18n, language: str, message: tuple[str, str]) -> None:
    forms = catalog_forms(language)[message]
    rendered = [i18n.gettext(*message, n=n, locale=language) for n in COUNTS]
    assert rendered == [forms[index] for index in FORM_OF[language]]
    if language == "ar":
        assert len(set(rendered)) == 6, "Arabic: six different forms for 0, 1, 2, 3, 11, 100"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["0 entrée", "1 entrée", "2 entrées", "3 entrées", "11 entrées", "100 entrées"]),
        ("en", ["0 entries", "1 entry", "2 entries", "3 entries", "11 entries", "100 entries"]),
        (
            "ar",
            [
                "لا يوجد أي إدخال",
                "إدخال واحد",
                "إدخالان",
                "3 إدخالات",
                "11 إدخالًا",
                "100 إدخال",
            ],
        ),
    ],
)
def test_a_list_answer_shows_its_count(i18n: I18n, language: str, expected: list[str]) -> None:
    question = next(q for q in FUND_FORM.questions.values() if q.kind == Kind.LIST)
    with i18n.context(), i18n.use_locale(language):
        assert [shown_answer(question, [{}] * n) for n in COUNTS] == expected


def test_refusals_count_in_the_language(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("fr"):
        assert refusal(AnswerError("too_short", minimum=1)).startswith(
            "Cette réponse est trop courte : au moins 1 caractère,"
        )
        assert "au moins 3 caractères," in refusal(AnswerError("too_short", minimum=3))
        assert refusal(AnswerError("file_count")).startswith(
            f"Cette question a déjà {MAX_FILES} fichiers."
        )
    with i18n.context(), i18n.use_locale("ar"):
        assert "خانتان عشريتان" in refusal(AnswerError("number_too_many_decimals", places=2))
        assert refusal(AnswerError("number_too_many_decimals", places=0)) == (
            "لا تقبل هذه العملة أي خانة عشرية."
        )
