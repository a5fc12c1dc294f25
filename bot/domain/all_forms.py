"""Every form the bot runs, by the key its records store."""

from collections.abc import Callable

from bot.domain.emergency_form import EMERGENCY_FORM, ready_to_send
from bot.domain.forms import Answers, Form
from bot.domain.fund_form import FUND_FORM
from bot.domain.profile_form import PROFILE_FORM
from bot.domain.report_form import AID_REPORT_FORM
from bot.domain.sitrep_form import SITREP_FORM, sitrep_ready

FORMS: dict[str, Form] = {
    form.key: form
    for form in (FUND_FORM, PROFILE_FORM, EMERGENCY_FORM, SITREP_FORM, AID_REPORT_FORM)
}
# A project's progress or final report ("report") is not here: its form is built from the plan
# stored with it (`bot.domain.report_form.report_form`).
# Forms whose records are sent with "🚨 Send now" as soon as this says so (not "Submit").
SENDABLE: dict[str, Callable[[Answers], bool]] = {
    EMERGENCY_FORM.key: ready_to_send,
    SITREP_FORM.key: sitrep_ready,
}


def sendable(form: Form, answers: Answers) -> bool:
    check = SENDABLE.get(form.key)
    return check is not None and check(answers)


def form_named(key: str) -> Form:
    return FORMS[key]
