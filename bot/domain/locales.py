"""From the bot's language (`fr`, `en`, `ar`) to the Babel locale that reads and writes for it.

English speakers in the AIMF network (Cameroon, Rwanda, Mauritius, Canada, Vanuatu…) write
`01/03/2027` for 1 March 2027: English follows world English (CLDR `en_001`), not US English.
"""

from functools import cache

from babel import Locale

BABEL_LOCALES = {"en": "en_001"}


@cache
def babel_locale(language: str) -> Locale:
    """The one place a language becomes a Babel locale; every date, number and name uses it."""
    return Locale.parse(BABEL_LOCALES.get(language, language))
