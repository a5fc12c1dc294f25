"""Every user-visible string is translated in every language, and the catalogs are current."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot import PROJECT_ROOT
from bot.telegram.i18n import LANGUAGES

LOCALES = PROJECT_ROOT / "locales"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def source_messages() -> set[str]:
    found = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, keywords={"_": None, "N_": None}
        ):
            found.add(message)
    return found


def catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def test_the_template_holds_every_string_of_the_code() -> None:
    with (LOCALES / "messages.pot").open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    missing = source_messages() - template
    assert not missing, f"run `make catalogs`; not extracted: {sorted(missing)[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_not_fuzzy(language: str) -> None:
    messages = {m.id: m for m in catalog(language) if m.id}
    missing = source_messages() - set(messages)
    assert not missing, f"{language}: not in the catalog: {sorted(missing)[:5]}"
    empty = [m.id for m in messages.values() if not m.string]
    fuzzy = [m.id for m in messages.values() if m.fuzzy]
    assert not empty, f"{language}: untranslated: {empty[:5]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = [
        m.id
        for m in catalog(language)
        if m.id and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, f"{language}: placeholders differ in {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_hold_no_markup(language: str) -> None:
    """Texts are sent as HTML: a stray `<` or `&` in a translation would break the message."""
    wrong = [m.id for m in catalog(language) if m.id and re.search(r"[<>&]", m.string)]
    assert not wrong, f"{language}: markup characters in {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogs_match_their_sources(language: str, tmp_path: Path) -> None:
    mo = LOCALES / language / "LC_MESSAGES" / "messages.mo"
    assert mo.exists(), "run `make catalogs`"
    with mo.open("rb") as compiled:
        shipped = {m.id: m.string for m in read_mo(compiled) if m.id}
    expected = {m.id: m.string for m in catalog(language) if m.id and not m.fuzzy}
    assert shipped == expected, "the .mo is older than the .po: run `make catalogs`"
