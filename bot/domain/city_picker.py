"""Registration's city question answered by picking a member city: its name and country both."""

from bot.domain import flow
from bot.domain.cities import MemberCity
from bot.domain.countries import fold
from bot.domain.forms import AnswerRole, Answers, Form
from bot.domain.navigation import Cursor, next_key
from bot.domain.profile_form import PROFILE_FORM

CITY_QUESTION = PROFILE_FORM.key_of(AnswerRole.CITY)
COUNTRY_QUESTION = PROFILE_FORM.key_of(AnswerRole.COUNTRY)


def pick(form: Form, answers: Answers, cursor: Cursor, city: MemberCity) -> flow.Move:
    """Answer the city question with a listed city; its country is answered too, so the country
    question is passed over."""
    move = flow.give_answer(form, answers, cursor, city.name)
    updated = {**move.answers, COUNTRY_QUESTION: city.country}
    following = move.cursor
    if following.q == COUNTRY_QUESTION:
        following = Cursor(next_key(form, updated, COUNTRY_QUESTION))
    return flow.Move(updated, following)


def type_city(form: Form, answers: Answers, cursor: Cursor, name: str) -> flow.Move:
    """Answer the city question with a typed name (no listed city picked). Another name than the
    one known drops the country known with it, and the country is asked next, even when the
    person came from their profile to change the city alone: a city of that name may be in any
    country ("Toamasina (Sénégal)" must not happen)."""
    move = flow.give_answer(form, answers, cursor, name)
    before = answers.get(CITY_QUESTION)
    if not answers.get(COUNTRY_QUESTION) or (
        isinstance(before, str) and fold(before) == fold(name)
    ):
        return move
    return flow.Move(
        {**move.answers, COUNTRY_QUESTION: None}, Cursor(COUNTRY_QUESTION, jump=cursor.jump)
    )
