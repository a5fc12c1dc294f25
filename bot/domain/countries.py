"""Countries typed in any of the bot's languages, stored as ISO 3166 codes, shown per locale."""

import unicodedata
from functools import cache

from bot.domain.locales import babel_locale

LANGUAGES = ("fr", "en", "ar")
# Names used in member cities that CLDR does not list.
ALIASES = {"rdc": "CD", "rd congo": "CD", "drc": "CD", "congo brazzaville": "CG", "usa": "US"}


# Arabic letters written several ways: after NFKD has split off hamza and madda (combining marks,
# dropped with the tashkeel), alef wasla, ta marbuta and alef maqsura are unified, tatweel removed.
ARABIC = str.maketrans({"\u0671": "\u0627", "\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None})


def fold(text: str) -> str:
    """A key for comparing names: case, accents, punctuation, and Arabic spelling variants folded
    (`Saint-Louis` = `saint louis`; `طرابلس` with or without tashkeel; `أ`, `إ`, `آ` = `ا`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(ARABIC)
    for mark in "-'’.":
        bare = bare.replace(mark, " ")
    return " ".join(bare.split())


@cache
def _index() -> dict[str, str]:
    names: dict[str, str] = dict(ALIASES)
    for language in LANGUAGES:
        for code, name in babel_locale(language).territories.items():
            if code.isalpha() and len(code) == 2 and code not in ("EU", "EZ", "UN", "ZZ", "QO"):
                names.setdefault(fold(name), code)
                names.setdefault(code.casefold(), code)
    return names


def find_country(text: str) -> str | None:
    """ISO code for `Sénégal`, `senegal`, `السنغال` or `SN`; None when nothing matches."""
    return _index().get(fold(text))


def country_name(code: str, locale: str) -> str:
    return babel_locale(locale).territories.get(code, code)
