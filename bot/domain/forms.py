"""The questionnaire engine's data: a `Form` is sections of questions plus the hooks it needs.

One engine runs every form (the Cooperation Fund dossier, the registration profile, and next the
emergency report): the conversation, the completeness check, the review and the exports all read
the form they are given, never a global list of questions. Texts are gettext message ids,
translated when shown; `N_` only marks them for extraction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

Answers = Mapping[str, Any]
MAX_ITEMS = 30  # entries in one list: keeps every screen within Telegram's message size
MAX_FILES = 10  # files for one attachment question


def N_(message: str) -> str:
    return message


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MULTI = "multi"  # several choices, toggled on and off, then "Done"
    YES_NO = "yes_no"
    WHOLE = "whole"
    NUMBER = "number"  # a measure: decimals allowed, zero too (a baseline, a value reached)
    MONEY = "money"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    LOCATION = "location"
    LIST = "list"
    FILES = "files"
    LETTERS = "letters"  # one file for each entry that `per_entry` gives


class AnswerRole(StrEnum):
    """What an answer is to the rooms outside its form (screens, documents, services, queries).

    A form names the question that plays each role it has (`Form.roles`); other rooms read an
    answer by its role (`Form.read`), never by its key, so a form may rename a question or another
    form may play the same role under its own key. Forms without a role do not name it.
    """

    TITLE = "title"
    SECTOR = "sector"
    CITY = "city"  # the member city, as typed
    COUNTRY = "country"  # also the numbering plan of local phone numbers
    CURRENCY = "currency"  # what money answers are in
    MAYOR = "mayor"
    DISTRICT = "district"
    START_DATE = "start_date"
    DURATION = "duration"  # in months
    BUDGET_LINES = "budget_lines"
    ASKED = "asked"  # the amount asked (of the Fund, or as emergency aid)
    CITY_AMOUNT = "city_amount"  # the city's own contribution
    CITY_KIND = "city_kind"  # that contribution in cash or in kind
    PARTNERS = "partners"
    INDICATORS = "indicators"  # the results framework
    EVENT = "event"  # what happened (an emergency)
    PLACE = "place"  # where, in words
    LOCATION = "location"  # where, as a shared map location
    DESCRIPTION = "description"
    NEWS = "news"  # what changed since the last situation report
    USES = "uses"  # an aid's amounts by purpose
    SUMMARY = "summary"  # what the aid made possible
    NAME = "name"  # a person's full name
    FUNCTION = "function"  # a person's function at the city
    PHONE = "phone"  # a person's phone number


GROUPS = frozenset({Kind.LIST, Kind.FILES, Kind.LETTERS, Kind.MULTI})  # finished with "Done"
ATTACHMENTS = frozenset({Kind.FILES, Kind.LETTERS})


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    prompt: str
    label: str
    required: bool = True
    min_len: int = 1
    max_len: int = 300
    minimum: int = 0
    maximum: int = 1_000_000_000
    choices: tuple[Choice, ...] = ()
    when: Callable[[Answers], bool] | None = None
    not_above: str | None = None
    fields: tuple["Question", ...] = ()
    min_items: int = 0  # entries of a list, or selections of a multi-select
    max_items: int | None = None  # selections of a multi-select (None: all of them)
    prefill: str | None = None  # a profile answer that fills this one in a new record
    columns: int | None = None  # buttons per row; None: chosen from the labels' length
    per_entry: Callable[[Answers], list[dict[str, Any]]] | None = None  # LETTERS: who needs one
    # What the question is about in the record's own words (a budget line's label, when a form is
    # built from another record's answers): shown with the prompt as it is, never translated.
    subject: str | None = None
    zero: bool = False  # MONEY: zero is an answer too (nothing spent yet on a budget line)
    region: str | None = None  # PHONE: the answer naming the country a local number is in

    def visible(self, answers: Answers) -> bool:
        return self.when is None or self.when(answers)

    def region_of(self, answers: Answers) -> str | None:
        """The country whose numbering plan a local phone number given here follows."""
        return answers.get(self.region) if self.region else None

    def choice_label(self, value: object) -> str | None:
        return next((c.label for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Problem:
    """A rule that does not hold; `code` and `details` choose and fill the message shown."""

    code: str
    details: dict[str, Any] = field(default_factory=dict)


SectionRules = Callable[[str, Answers, Any], list[Problem]]


def no_rules(_section: str, _answers: Answers, _rules: Any) -> list[Problem]:
    return []


@dataclass(frozen=True, eq=False)
class Form:
    """A questionnaire.

    `version` is stored with every record of answers: a record saved under an older version still
    opens (answers whose question is gone are kept but not shown; new questions show as missing).
    `roles` names the question that plays each role outside the form (`AnswerRole`), which other
    rooms read with `read`; `seeded` are answers a record is given when created, never asked (a
    role may name one: a report's currency). Hooks: `coached` are the questions whose screen shows
    the financing picture (and after whose money answers it is shown); `section_rules(section
    key, answers, rules)` gives the rules across answers that fail; `problem_targets` says which
    question fixes each problem code (`default_target` otherwise).
    """

    key: str
    version: int
    title: str
    sections: tuple[Section, ...]
    roles: Mapping[AnswerRole, str] = field(default_factory=dict)
    seeded: frozenset[str] = frozenset()
    coached: frozenset[str] = frozenset()
    section_rules: SectionRules = no_rules
    problem_targets: Mapping[str, str] = field(default_factory=dict)
    default_target: str | None = None

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.key: q for s in self.sections for q in s.questions}

    @cached_property
    def section_of(self) -> dict[str, int]:
        return {q.key: i for i, s in enumerate(self.sections) for q in s.questions}

    @cached_property
    def order(self) -> list[str]:
        return [q.key for s in self.sections for q in s.questions]

    def first_key(self) -> str:
        return self.order[0]

    def currency(self, answers: Answers) -> str | None:
        return self.read(answers).currency

    def read(self, answers: Answers) -> "RoleAnswers":
        """The answers by the role they play outside the form."""
        return RoleAnswers(self, answers)

    def key_of(self, role: AnswerRole) -> str:
        """The key of the answer playing `role` (for a query on stored answers); KeyError when
        the form does not name it."""
        return self.roles[role]

    def question_of(self, role: AnswerRole) -> Question:
        """The question playing `role` (its label, its choices); KeyError when not named."""
        return self.questions[self.roles[role]]

    def visible_questions(self, answers: Answers) -> list[Question]:
        return [q for s in self.sections for q in s.questions if q.visible(answers)]

    def prefilled(self, profile: Answers) -> dict[str, Any]:
        """The answers a new record takes from the person's profile (confirmed with "Keep")."""
        return {
            q.key: profile[q.prefill]
            for q in self.questions.values()
            if q.prefill and profile.get(q.prefill)
        }


@dataclass(frozen=True)
class RoleAnswers:
    """A form's answers read by role: empty (None, "", no entries) when the form does not name
    the role or it is not answered."""

    form: Form
    answers: Answers

    def value(self, role: AnswerRole) -> Any:
        key = self.form.roles.get(role)
        return self.answers.get(key) if key else None

    def text(self, role: AnswerRole) -> str:
        return str(self.value(role) or "")

    def entries(self, role: AnswerRole) -> list[dict[str, Any]]:
        """The entries of a list answer (budget lines, partners, indicators, uses)."""
        return list(self.value(role) or ())

    def amount(self, role: AnswerRole) -> Decimal | None:
        value = self.value(role)
        return Decimal(str(value)) if value not in (None, "") else None

    @property
    def title(self) -> str:
        return self.text(AnswerRole.TITLE)

    @property
    def sector(self) -> str:
        return self.text(AnswerRole.SECTOR)

    @property
    def city(self) -> str:
        return self.text(AnswerRole.CITY)

    @property
    def country(self) -> str:
        return self.text(AnswerRole.COUNTRY)

    @property
    def currency(self) -> str | None:
        return self.value(AnswerRole.CURRENCY)

    @property
    def asked(self) -> Decimal | None:
        return self.amount(AnswerRole.ASKED)
