"""The Secretariat's list of member cities as rows of name, country and aliases: a CSV file, or
one line typed to add a city. Every row is checked here; what is refused says why."""

import codecs
import csv
import io
from dataclasses import dataclass, field

from bot.domain.cities import MAX_ALIASES, MAX_NAME, split_aliases
from bot.domain.countries import find_country, fold
from bot.domain.refusals import Refused
from bot.domain.text import one_line, visible_length

MAX_CSV_BYTES = 1_000_000
MAX_ROWS = 5000
HEADER_WORDS = frozenset({"name", "nom", "city", "ville", "country", "pays", "iso", "code"})


class RowRefused(Refused):
    """A row that cannot be used: `empty_name`, `name_too_long`, `empty_country`,
    `unknown_country` (with `country`), `too_many_aliases`, `duplicate` (with `line`)."""


@dataclass(frozen=True)
class CityRow:
    name: str
    country: str  # ISO 3166 code
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return fold(self.name), self.country


def city_row(name: str, country: str, aliases: str = "") -> CityRow:
    """One row checked: a name, a country (ISO code, or a name the bot knows), aliases separated
    by `;` or `|`."""
    name = one_line(name)
    if not visible_length(name):  # nothing, or only invisible characters
        raise RowRefused("empty_name")
    if len(name) > MAX_NAME:
        raise RowRefused("name_too_long", maximum=MAX_NAME)
    country = country.strip()
    if not country:
        raise RowRefused("empty_country")
    code = find_country(country)
    if code is None:
        raise RowRefused("unknown_country", country=country[:40])
    found = tuple(a[:MAX_NAME] for a in split_aliases(aliases) if fold(a) != fold(name))
    if len(found) > MAX_ALIASES:
        raise RowRefused("too_many_aliases", maximum=MAX_ALIASES)
    return CityRow(name, code, found)


def typed_row(text: str) -> CityRow:
    """`Dakar, SN` or `Tripoli, Lebanon, طرابلس; Trablous`: what a person types to add a city."""
    parts = [*text.split(",", 2), "", ""]
    return city_row(parts[0], parts[1], parts[2])


@dataclass(frozen=True)
class ReadRows:
    """A file's rows: the good ones and the refused ones, each with its line number."""

    good: list[tuple[int, CityRow]]
    refused: list[tuple[int, RowRefused]]


class EncodingRefused(Refused):
    """A file that is not text in an encoding the bot reads (`encoding`)."""


def decode(content: bytes) -> str:
    """UTF-16 or UTF-32 (with a BOM, or UTF-16 recognised by its zero bytes, as Excel's "Unicode
    text" saves), UTF-8 (with or without BOM), else Windows-1252 as spreadsheets often export.
    Anything else with zero bytes in it (a spreadsheet, an image renamed .csv) is refused:
    EncodingRefused."""
    try:
        for bom, encoding in BOMS:
            if content.startswith(bom):
                return content.decode(encoding)
        if b"\x00" in content:
            return content.decode(_utf16_without_bom(content))
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return content.decode("cp1252", errors="replace")
    except (UnicodeDecodeError, LookupError):
        raise EncodingRefused("encoding") from None


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_without_bom(content: bytes) -> str:
    """Text of Latin letters in UTF-16 has a zero byte every other byte: after each letter
    (little-endian) or before it (big-endian). Anything else is not text."""
    head = content[:4096]
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= len(odd) // 2 and even.count(0) < len(even) // 4:
        return "utf-16-le"
    if even.count(0) >= len(even) // 2 and odd.count(0) < len(odd) // 4:
        return "utf-16-be"
    raise EncodingRefused("encoding")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and all(fold(c) in HEADER_WORDS or not c.strip() for c in cells[:2])


def read_rows(content: bytes) -> ReadRows:
    """Every row of a CSV of name, country, aliases (a header line is allowed; `,` `;` or tab
    between columns). A city given twice is refused the second time. A file in no encoding the
    bot reads raises EncodingRefused."""
    text = decode(content)
    delimiter = _delimiter(text.split("\n", 1)[0])
    good: list[tuple[int, CityRow]] = []
    refused: list[tuple[int, RowRefused]] = []
    first_line: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        if number == 1 and _is_header(cells):
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(good) + len(refused) >= MAX_ROWS:
            refused.append((number, RowRefused("too_many_rows", maximum=MAX_ROWS)))
            break
        cells = [*cells, "", "", ""]
        try:
            row = city_row(cells[0], cells[1], " ; ".join(c for c in cells[2:] if c.strip()))
        except RowRefused as problem:
            refused.append((number, problem))
            continue
        if row.key in first_line:
            refused.append((number, RowRefused("duplicate", line=first_line[row.key])))
            continue
        first_line[row.key] = number
        good.append((number, row))
    return ReadRows(good, refused)


@dataclass
class ImportReport:
    """What an import did: rows added (new or newly listed), updated, unchanged, refused."""

    added: list[tuple[int, CityRow]] = field(default_factory=list)
    updated: list[tuple[int, CityRow]] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[int, RowRefused]] = field(default_factory=list)
