"""Registration as a form: who the person is and which member city they act for."""

from bot.domain.forms import N_, Answers, Form, Kind, Question, Section

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
                Question("phone", Kind.PHONE, N_("Your phone number?"), N_("Phone")),
                Question("email", Kind.EMAIL, N_("Your email address?"), N_("Email")),
            ),
        ),
    ),
)
CITY_KEYS = frozenset({"city_name", "country"})  # a change ties the person to another city


def missing_profile(answers: Answers) -> list[str]:
    """The profile questions still unanswered, in the order they are asked."""
    return [
        q.key
        for q in PROFILE_FORM.visible_questions(answers)
        if q.required and not answers.get(q.key)
    ]
