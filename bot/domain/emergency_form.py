"""The emergency report as a form (DOMAIN.md §2): what a mayor's office can send in two minutes
from a phone. Only the event, the date, the place, the people affected and a description are
required, and they come first; "🚨 Send now" is offered as soon as they are there, the rest can
follow.

A count left unanswered ("Skip") means "unknown".
"""

from typing import Any

from bot.domain.forms import N_, AnswerRole, Answers, Choice, Form, Kind, Question, Section
from bot.domain.fund_form import CURRENCIES

EVENTS = (
    Choice("flood", N_("Flood")),
    Choice("cyclone", N_("Cyclone or storm")),
    Choice("earthquake", N_("Earthquake")),
    Choice("fire", N_("Fire")),
    Choice("epidemic", N_("Epidemic")),
    Choice("drought", N_("Drought")),
    Choice("conflict", N_("Conflict or displacement")),
    Choice("collapse", N_("Building collapse")),
    Choice("other", N_("Other event")),
)
SERVICES = (
    Choice("water", N_("Water")),
    Choice("power", N_("Power")),
    Choice("health", N_("Health")),
    Choice("schools", N_("Schools")),
    Choice("markets", N_("Markets")),
    Choice("archives", N_("Civil-registry archives")),
    Choice("roads", N_("Roads")),
)
NEEDS = (
    Choice("shelter", N_("Shelter")),
    Choice("water", N_("Drinking water")),
    Choice("food", N_("Food")),
    Choice("health", N_("Medical care")),
    Choice("power", N_("Power and lighting")),
    Choice("clearing", N_("Clearing and repairs")),
    Choice("archives", N_("Saving the archives")),
    Choice("cash", N_("Cash for the city")),
)
WHEN = (Choice("today", N_("Today")), Choice("yesterday", N_("Yesterday")))  # quick dates
COUNTS = ("affected", "deaths", "injured", "missing", "displaced")
REQUIRED = ("event", "started", "place", "affected", "description")


def _count(key: str, prompt: str, label: str, *, required: bool = False) -> Question:
    return Question(key, Kind.WHOLE, prompt, label, required=required, minimum=0)


def _has_currency(answers: Answers) -> bool:
    return bool(answers.get("currency"))


SECTIONS: tuple[Section, ...] = (
    Section("event", N_("The event"), (
        Question("event", Kind.CHOICE, N_("What happened?"), N_("Event"), choices=EVENTS,
                 columns=2),
        Question("started", Kind.DATE,
                 N_("When did it start? Tap “Today” or “Yesterday”, or type a date."),
                 N_("Started on"), choices=WHEN, columns=2),
        Question("place", Kind.TEXT, N_("Where? Districts or neighbourhoods hit."),
                 N_("Where"), min_len=2, max_len=300),
        Question("location", Kind.LOCATION,
                 N_("Share the location on the map (📎 → Location), or skip."),
                 N_("Map location"), required=False),
        Question("description", Kind.TEXT,
                 N_("Describe the situation in a few lines: what happened, what the city "
                    "already does."),
                 N_("Description"), min_len=10, max_len=3000),
    )),
    Section("people", N_("People"), (
        _count("affected", N_("How many people are affected? (a number)"),
               N_("People affected"), required=True),
        _count("deaths", N_("How many deaths? Skip if unknown."), N_("Deaths")),
        _count("injured", N_("How many injured? Skip if unknown."), N_("Injured")),
        _count("missing", N_("How many missing? Skip if unknown."), N_("Missing")),
        _count("displaced", N_("How many displaced? Skip if unknown."), N_("Displaced")),
    )),
    Section("situation", N_("Services and needs"), (
        Question("services", Kind.MULTI, N_("Which city services are hit? Tap each, then Done."),
                 N_("Services hit"), choices=SERVICES, required=False, columns=2),
        Question("needs", Kind.MULTI, N_("Most urgent needs? Tap each, then Done."),
                 N_("Urgent needs"), choices=NEEDS, required=False, columns=2),
        Question("needs_other", Kind.TEXT, N_("Other urgent needs, in a few words (or skip)."),
                 N_("Other needs"), required=False, max_len=500),
        Question("currency", Kind.CHOICE,
                 N_("Do you ask for an amount? Choose its currency, or skip."), N_("Currency"),
                 choices=tuple(Choice(code, code) for code in CURRENCIES), columns=4,
                 required=False),
        Question("amount", Kind.MONEY, N_("Amount asked?"), N_("Amount asked"),
                 required=False, when=_has_currency),
        Question("photos", Kind.FILES, N_("Photos (optional): send them, then Done."),
                 N_("Photos"), required=False),
    )),
)  # fmt: skip

EMERGENCY_FORM = Form(
    key="emergency",
    version=1,
    title=N_("Emergency report"),
    sections=SECTIONS,
    roles={
        AnswerRole.CURRENCY: "currency",
        AnswerRole.EVENT: "event",
        AnswerRole.PLACE: "place",
        AnswerRole.LOCATION: "location",
        AnswerRole.DESCRIPTION: "description",
        AnswerRole.ASKED: "amount",
    },
)


def ready_to_send(answers: Answers) -> bool:
    """Whether the answers a report needs are there ("Send now" is offered from then on)."""
    return all(answers.get(key) not in (None, "") for key in REQUIRED)


def count_shown(answers: Answers, key: str) -> Any:
    """A count, or None for "unknown" (skipped)."""
    value = answers.get(key)
    return value if isinstance(value, int) else None
