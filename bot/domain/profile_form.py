"""The registration questions: who the person is and which member city they act for."""

from bot.domain.forms import N_, Kind, Question

PROFILE_QUESTIONS: tuple[Question, ...] = (
    Question(
        "city_name",
        Kind.TEXT,
        N_("Which member city do you work for?"),
        N_("City"),
        min_len=2,
        max_len=100,
    ),
    Question("country", Kind.COUNTRY, N_("In which country?"), N_("Country")),
    Question("full_name", Kind.TEXT, N_("Your full name?"), N_("Name"), min_len=3, max_len=150),
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
)
PROFILE: dict[str, Question] = {q.key: q for q in PROFILE_QUESTIONS}
