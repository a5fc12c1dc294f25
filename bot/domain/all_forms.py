"""Every form the bot runs, by the key its records store."""

from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.forms import Form
from bot.domain.fund_form import FUND_FORM
from bot.domain.profile_form import PROFILE_FORM

FORMS: dict[str, Form] = {form.key: form for form in (FUND_FORM, PROFILE_FORM, EMERGENCY_FORM)}


def form_named(key: str) -> Form:
    return FORMS[key]
