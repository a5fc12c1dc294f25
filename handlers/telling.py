"""Messages for someone else are written in THEIR language, whoever caused them."""

from collections.abc import Callable

from bot.domain.records import Person
from bot.services.records import Notice
from bot.telegram.context import Context


def in_language(ctx: Context, language: str | None, render: Callable[[], str]) -> str:
    with ctx.i18n.use_locale(language or ctx.settings.default_language):
        return render()


def tell(ctx: Context, people: list[Person], render: Callable[[], str]) -> list[Notice]:
    """The same news for each person, each in their own language."""
    return [Notice(p.telegram_id, in_language(ctx, p.language, render)) for p in people]
