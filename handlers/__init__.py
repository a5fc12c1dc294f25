"""One router per flow, included in priority order: commands, then flows, then fallbacks."""

from aiogram import Router

from handlers import dossier, errors, fallback, profile, questionnaire, start


def build_router() -> Router:
    """Fresh routers each call: a Router can be attached to one dispatcher only."""
    root = Router(name="root")
    root.include_routers(
        start.router(),
        dossier.router(),
        profile.router(),
        questionnaire.router(),
        fallback.router(),
        errors.router(),
    )
    return root
