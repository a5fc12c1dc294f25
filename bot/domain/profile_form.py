"""Registration as a form: who the person is and which member city they act for."""

from bot.domain.forms import N_, AnswerRole, Answers, Form, Kind, Question, Section

ROLES = {
    AnswerRole.CITY: "city_name",
    AnswerRole.COUNTRY: "country",
    AnswerRole.NAME: "full_name",
    AnswerRole.FUNCTION: "function",
    AnswerRole.PHONE: "phone",
}
PROFILE_FORM = Form(
    key="profile",
    version=1,
    title=N_("Registration"),
    sections=(
        Section(
            "profile",
            N_("Registration"),
            (
                Question(
                    "city_name",
                    Kind.TEXT,
                    N_("Which member city do you work for?"),
                    N_("City"),
                    min_len=2,
                    max_len=100,
                ),
                Question("country", Kind.COUNTRY, N_("In which country?"), N_("Country")),
                Question(
                    "full_name",
                    Kind.TEXT,
                    N_("Your full name?"),
                    N_("Name"),
                    min_len=3,
                    max_len=150,
                ),
                Question(
                    "function",
                    Kind.TEXT,
                    N_("Your function at the city (e.g. head of technical services)?"),
                    N_("Function"),
                    min_len=2,
                    max_len=150,
                ),
                Question(
                    "phone", Kind.PHONE, N_("Your phone number?"), N_("Phone"), region="country"
                ),
                Question("email", Kind.EMAIL, N_("Your email address?"), N_("Email")),
            ),
        ),
    ),
    roles=ROLES,
)
SHORT_KEYS = ("city_name", "country", "full_name", "phone")
# Before an emergency report, someone not registered is asked only these (the rest can wait).
SHORT_PROFILE_FORM = Form(
    key="profile_short",
    version=1,
    title=N_("Registration"),
    sections=(
        Section(
            "profile",
            N_("Registration"),
            tuple(q for q in PROFILE_FORM.sections[0].questions if q.key in SHORT_KEYS),
        ),
    ),
    roles={role: key for role, key in ROLES.items() if key in SHORT_KEYS},
)
CITY_KEYS = frozenset({"city_name", "country"})  # a change ties the person to another city


def missing_profile(answers: Answers) -> list[str]:
    """The profile questions still unanswered, in the order they are asked."""
    return [
        q.key
        for q in PROFILE_FORM.visible_questions(answers)
        if q.required and not answers.get(q.key)
    ]


def may_report(answers: Answers, city_id: int | None) -> bool:
    """Enough is known of the person to send an emergency report (the short registration)."""
    return city_id is not None and all(answers.get(key) for key in SHORT_KEYS)
