"""Messages for someone else are written in THEIR language, whoever caused them."""

from collections.abc import Callable

from bot.telegram.context import Context


def in_language(ctx: Context, language: str | None, render: Callable[[], str]) -> str:
    with ctx.i18n.use_locale(language or ctx.settings.default_language):
        return render()
