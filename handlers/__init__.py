"""One router per flow, included in priority order: commands, then flows, then fallbacks."""

from aiogram import Router

from bot.conversation import moves
from bot.domain.decisions import BUDGET, DOSSIER, EMERGENCY
from bot.telegram.filters import IsAnswer, IsCommand, NotAnAnswer, PrivateChat
from handlers import (
    cities,
    city_picker,
    decisions,
    dossier,
    emergency,
    errors,
    fallback,
    notes,
    outbox,
    profile,
    projects,
    questionnaire,
    replay,
    review,
    sheets,
    start,
    team,
    verification,
)


def build_router() -> Router:
    """Fresh routers each call: a Router can be attached to one dispatcher only."""
    applicant = Router(name="applicant")
    applicant.message.filter(PrivateChat())
    applicant.callback_query.filter(PrivateChat())
    commands = Router(name="commands")  # and their buttons: only commands among messages
    commands.message.filter(IsCommand())
    commands.include_routers(
        start.router(),
        outbox.router(),  # admins only, checked inside
        dossier.router(),
        profile.router(),
    )
    applicant.include_routers(commands, fallback.router())
    # A form's answers and its buttons, most of all updates, come right after duplicates: every
    # router an update passes costs, and none of the others could take them (notes and decisions
    # wait in other states, the Secretariat's routers skip answers, commands are no answers, and
    # every other button has a prefix of its own). What they leave goes on as before.
    answers = Router(name="answers")
    answers.message.filter(PrivateChat(), IsAnswer())
    answers.callback_query.filter(PrivateChat())
    answers.include_routers(
        city_picker.router(),  # before the questionnaire: the city question's own step
        questionnaire.router(),
    )
    secretariat = Router(name="secretariat")
    secretariat.message.filter(NotAnAnswer())  # an official's typed answer skips all of these
    secretariat.include_routers(
        review.router(),
        projects.router(),  # /projects, /project and the grant's buttons (staff and cities)
        sheets.router(),  # /export, /agenda, /stats (staff), a city's own XLSX (its officials)
        emergency.router(),  # alerts' buttons in the staff chats; /emergency privately
        cities.router(),
        team.router(),  # /staff: the team's roles and invite links
        verification.router(),
    )
    root = Router(name="root")
    # What each awaited note (notes.Purpose) and each kind of decision seen before it goes does is
    # given here, so this function is the whole list of entry points.
    # Notes and the Secretariat's routers work in any chat (its group too); the applicant's flows
    # only in private chats.
    # A duplicate answer to a form (sent again after a crash) only shows where the person is.
    root.include_routers(
        replay.router(),
        answers,
        notes.router(
            {
                **moves.notes({"dossier": review.room(), "emergency": emergency.room()}),
                **review.notes(),
                **dossier.notes(),
                **emergency.notes(),
                **verification.notes(),
                **team.notes(),
                **cities.notes(),
                **sheets.notes(),
                **projects.notes(),
            }
        ),
        decisions.router(
            {DOSSIER: review.steps(), EMERGENCY: emergency.steps(), BUDGET: sheets.steps()}
        ),
        secretariat,
        applicant,
        fallback.any_chat_router(),
        errors.router(),
    )
    return root
