"""Every user-visible string is translated in every language, the catalogs are current, and
compiling them writes into a cache, never into the project."""

import gettext
import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot import PROJECT_ROOT
from bot.telegram.i18n import LANGUAGES, build_i18n, cache_root, compile_catalogs, sources_dir

LOCALES = PROJECT_ROOT / "locales"
PLACEHOLDER = re.compile(r"\{(\w*)\}")
KEYWORDS = {"_": None, "N_": None, "ngettext": DEFAULT_KEYWORDS["ngettext"]}


@cache  # read once per test process (extracting from every module costs a second of CPU)
def source_messages() -> frozenset[str | tuple[str, str]]:
    """Message ids of the code: a string, or (singular, plural) for `ngettext`."""
    found = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, keywords=KEYWORDS
        ):
            found.add(message)
    return frozenset(found)


@cache  # read once per test process; the tests only read it
def catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_packaged_sources_are_the_project_catalogs() -> None:
    assert sources_dir().resolve() == LOCALES.resolve()


def test_the_template_holds_every_string_of_the_code() -> None:
    with (LOCALES / "messages.pot").open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    missing = source_messages() - template
    assert not missing, f"run `make catalogs`; not extracted: {sorted(map(str, missing))[:5]}"


def test_counts_are_extracted_as_plural_entries() -> None:
    plural = [m for m in source_messages() if isinstance(m, tuple)]
    assert len(plural) >= 6, plural


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_not_fuzzy(language: str) -> None:
    messages = {m.id: m for m in catalog(language) if m.id}
    missing = source_messages() - set(messages)
    assert not missing, f"{language}: not in the catalog: {sorted(map(str, missing))[:5]}"
    empty = [m.id for m in messages.values() if not all(forms(m.string))]
    fuzzy = [m.id for m in messages.values() if m.fuzzy]
    assert not empty, f"{language}: untranslated: {empty[:5]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(language: str) -> None:
    translations = catalog(language)
    wrong = [
        m.id
        for m in translations
        if m.id and m.pluralizable and len(m.string) != translations.num_plurals
    ]
    assert not wrong, f"{language}: wrong number of plural forms in {wrong[:5]}"


def test_arabic_uses_the_six_cldr_plural_forms() -> None:
    """zero, one, two, few (3–10), many (11–99), other (100–102…) in CLDR order."""
    arabic = catalog("ar")
    assert arabic.num_plurals == 6
    plural = gettext.c2py(arabic.plural_expr)
    assert [plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0, 1, 2, 3, 3, 4, 4, 5, 5, 3, 4,
    ]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    """Singular messages keep every placeholder. A plural form may leave out the number
    (Arabic writes "ملف واحد", not "1 ملف"), never add one; the last form keeps them all."""
    wrong = []
    for m in catalog(language):
        if not m.id:
            continue
        if not m.pluralizable:
            if placeholders(m.id) != placeholders(m.string):
                wrong.append(m.id)
            continue
        expected = placeholders(m.id[1])
        strings = forms(m.string)
        kept = placeholders(m.id[0]) == expected and placeholders(strings[-1]) == expected
        if not kept or any(not set(placeholders(form)) <= set(expected) for form in strings):
            wrong.append(m.id)
    assert not wrong, f"{language}: placeholders differ in {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_hold_no_markup(language: str) -> None:
    """Texts are sent as HTML: a stray `<` or `&` in a translation would break the message."""
    wrong = [
        m.id
        for m in catalog(language)
        if m.id and any(re.search(r"[<>&]", form) for form in forms(m.string))
    ]
    assert not wrong, f"{language}: markup characters in {wrong[:5]}"


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogs_match_their_sources(language: str, tmp_path: Path) -> None:
    folder = compile_catalogs(cache=tmp_path)
    with (folder / language / "LC_MESSAGES" / "messages.mo").open("rb") as compiled:
        shipped = {_key(m.id): _key(m.string) for m in read_mo(compiled) if m.id}
    expected = {m.id: m.string for m in catalog(language) if m.id and not m.fuzzy}
    assert shipped == expected


def test_no_compiled_catalog_is_tracked_or_left_in_the_project() -> None:
    assert not list(LOCALES.rglob("*.mo")), "compiled catalogs belong in the cache"


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    skipped = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skipped and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            stat = path.stat()
            found[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return found


def test_building_the_languages_writes_nothing_under_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCALES_CACHE", str(tmp_path / "cache"))
    before = _snapshot(PROJECT_ROOT)
    i18n = build_i18n("fr")
    assert _snapshot(PROJECT_ROOT) == before
    assert Path(i18n.path).is_relative_to(tmp_path / "cache")
    assert set(i18n.available_locales) == set(LANGUAGES)


def test_the_cache_is_reused_and_follows_the_sources(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for language in LANGUAGES:
        target = source / language / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True)
        target.write_bytes((LOCALES / language / "LC_MESSAGES" / "messages.po").read_bytes())
    first = compile_catalogs(source, tmp_path / "cache")
    mo = first / "fr" / "LC_MESSAGES" / "messages.mo"
    stamp = mo.stat().st_mtime_ns
    assert compile_catalogs(source, tmp_path / "cache") == first
    assert mo.stat().st_mtime_ns == stamp, "an up-to-date catalog is not rewritten"
    po = source / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_bytes(po.read_bytes() + b'\nmsgid "Extra"\nmsgstr "En plus"\n')
    second = compile_catalogs(source, tmp_path / "cache")
    assert second != first
    with (second / "fr" / "LC_MESSAGES" / "messages.mo").open("rb") as compiled:
        assert read_mo(compiled)["Extra"].string == "En plus"
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.suffix != ".mo"]
    assert not leftovers, "temporary files are renamed or removed"


def test_the_cache_folder_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCALES_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "aimf-dossier-bot" / "locales"
    monkeypatch.setenv("LOCALES_CACHE", str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
