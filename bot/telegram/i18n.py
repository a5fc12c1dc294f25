"""Languages: catalogs compiled into a cache when needed, and each person's language per update.

The `.po` sources ship inside the package (`bot.locales`, mapped to the top-level `locales/`).
They are compiled to `.mo` files in a cache directory named after their content, never next to the
sources: starting the bot or the tests leaves the checkout (or the installed package) untouched.
The cache is `$LOCALES_CACHE` if set, else `$XDG_CACHE_HOME/aimf-dossier-bot/locales`, else
`~/.cache/aimf-dossier-bot/locales`.
"""

import hashlib
import os
import tempfile
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import babel
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"
LANGUAGES = ("fr", "en", "ar")
RTL = frozenset({"ar"})
CACHE_NAME = "aimf-dossier-bot"


def sources_dir() -> Path:
    """The folder holding `<language>/LC_MESSAGES/messages.po`: the packaged `bot.locales`."""
    with as_file(files("bot.locales")) as path:
        return Path(path)


def cache_root() -> Path:
    explicit = os.environ.get("LOCALES_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / CACHE_NAME / "locales"


def _sources(path: Path) -> list[Path]:
    return sorted(path.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def content_key(sources: list[Path]) -> str:
    """A digest of every `.po` (its language and bytes) and of the Babel that compiles it."""
    digest = hashlib.sha256(babel.__version__.encode())
    for po in sources:
        digest.update(po.parent.parent.name.encode() + b"\0")
        digest.update(po.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _write_atomically(target: Path, po: Path) -> None:
    """Compile `po` to `target` through a temporary file: a reader never sees half a catalog."""
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compile_catalogs(source: Path | None = None, cache: Path | None = None) -> Path:
    """Compile each `.po` into `<cache>/<content key>/` unless already there; return that folder.

    The folder's name changes with the sources, so an existing `.mo` in it is up to date;
    two processes starting at once both write complete files and the last rename wins.
    """
    source = source or sources_dir()
    pos = _sources(source)
    folder = (cache or cache_root()) / content_key(pos)
    for po in pos:
        mo = folder / po.parent.parent.name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.exists():
            _write_atomically(mo, po)
    return folder


def build_i18n(default_language: str) -> I18n:
    return I18n(path=compile_catalogs(), default_locale=default_language, domain=DOMAIN)


def language_from_telegram(user: User | None, default: str) -> str:
    """`fr-CA` → fr, `ar-SA` → ar, `en` → en; anything else → the default language."""
    code = (user.language_code or "") if user else ""
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else default


OWN_LANGUAGE = "own_language"  # middleware data: the acting person's language, wherever they act


class AccountI18nMiddleware(I18nMiddleware):
    """The language of an update: in a private chat, the person's (the one they chose with
    /language, else Telegram's, else the default); in a shared chat, the chat's, since everyone
    there reads what is posted (the person's own stays in `OWN_LANGUAGE`, for what goes to them
    alone)."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chosen = data.get("user_language")
        if chosen in LANGUAGES:
            own = chosen
        else:
            own = language_from_telegram(data.get("event_from_user"), self.i18n.default_locale)
        data[OWN_LANGUAGE] = own
        chat = data.get("event_chat")
        settings = data.get("settings")
        if chat is None or chat.type == "private" or settings is None:
            return own
        return settings.chat_language(chat.id)
