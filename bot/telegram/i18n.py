"""Languages: catalogs compiled when needed, and each person's language chosen per update."""

from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
LANGUAGES = ("fr", "en", "ar")
RTL = frozenset({"ar"})


def compile_catalogs(path: Path = LOCALES_DIR) -> None:
    """Write each `.mo` whose `.po` is newer, so a fresh clone runs without a build step."""
    for po in path.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)


def build_i18n(default_language: str) -> I18n:
    compile_catalogs()
    return I18n(path=LOCALES_DIR, default_locale=default_language, domain=DOMAIN)


def language_from_telegram(user: User | None, default: str) -> str:
    """`fr-CA` → fr, `ar-SA` → ar, `en` → en; anything else → the default language."""
    code = (user.language_code or "") if user else ""
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else default


class AccountI18nMiddleware(I18nMiddleware):
    """The language a person chose with /language, else Telegram's, else the default."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chosen = data.get("user_language")
        if chosen in LANGUAGES:
            return chosen
        return language_from_telegram(data.get("event_from_user"), self.i18n.default_locale)
