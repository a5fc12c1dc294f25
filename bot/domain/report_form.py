"""The reports a city sends after the grant, as forms of the questionnaire engine (DOMAIN.md §4).

A progress or final report is built from its project (`ReportPlan`: the results framework with
its numbers, the budget lines, the currency), frozen when the report is asked for (stored with
it), so a report always reads against what it was asked: one section per indicator (the value
reached; women and men for an indicator that counts people, which must add up to it), what was
spent on each budget line, the city's contribution mobilised, progress, difficulties and next
steps, photos with an optional shared location. Its records are rows of `dossiers` (form
"report") naming their project (`parent_id`); the currency is an answer given at creation
(`seed_answers`), which the form names as its currency (`roles`).

The report on the use of an emergency aid is one fixed form (amounts by purpose, what was done,
photos), its records naming their emergency.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.domain.forms import (
    N_,
    AnswerRole,
    Answers,
    Form,
    Kind,
    Problem,
    Question,
    Section,
    SectionRules,
)
from bot.domain.project import AID_REPORT_FORM_KEY, REPORT_FORM_KEY
from bot.domain.records import Record
from bot.domain.results import IndicatorPlan, sexes_add_up

FORM_VERSION = 1


@dataclass(frozen=True)
class BudgetLine:
    id: str
    label: str
    category: str
    amount: Decimal


@dataclass(frozen=True)
class ReportPlan:
    """What a project's report is asked against."""

    currency: str
    indicators: tuple[IndicatorPlan, ...]
    budget_lines: tuple[BudgetLine, ...]
    city_amount: Decimal = Decimal(0)  # the city's contribution, as planned
    final: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "indicators": [i.to_json() for i in self.indicators],
            "budget_lines": [
                {"id": b.id, "label": b.label, "category": b.category, "amount": str(b.amount)}
                for b in self.budget_lines
            ],
            "city_amount": str(self.city_amount),
            "final": self.final,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ReportPlan":
        return cls(
            currency=str(data["currency"]),
            indicators=tuple(IndicatorPlan.from_json(i) for i in data.get("indicators") or ()),
            budget_lines=tuple(
                BudgetLine(
                    str(b["id"]),
                    str(b["label"]),
                    str(b.get("category") or ""),
                    Decimal(str(b.get("amount") or 0)),
                )
                for b in data.get("budget_lines") or ()
            ),
            city_amount=Decimal(str(data.get("city_amount") or 0)),
            final=bool(data.get("final")),
        )

    def indicator(self, indicator_id: str) -> IndicatorPlan | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


def plan_of(
    answers: Answers, indicators: Sequence[IndicatorPlan], *, final: bool = False
) -> ReportPlan:
    """A project's plan: its dossier's budget and currency, and its framework (the dossier's
    indicators, with the numbers the Secretariat typed for those saved without)."""
    lines = tuple(
        BudgetLine(str(line.get("id") or n), str(line.get("label") or ""),
                   str(line.get("category") or ""), Decimal(str(line.get("amount") or 0)))
        for n, line in enumerate(answers.get("budget_lines") or (), 1)
    )  # fmt: skip
    return ReportPlan(
        currency=str(answers.get("currency") or ""),
        indicators=tuple(indicators),
        budget_lines=lines,
        city_amount=Decimal(str(answers.get("city_amount") or 0)),
        final=final,
    )


# Keys: `reached_<indicator>`, `women_<indicator>`, `men_<indicator>`, `spent_<line>`; an
# indicator's section is `ind_<indicator>` (what "return for revision" may name whole).
def reached_key(indicator_id: str) -> str:
    return f"reached_{indicator_id}"


def women_key(indicator_id: str) -> str:
    return f"women_{indicator_id}"


def men_key(indicator_id: str) -> str:
    return f"men_{indicator_id}"


def spent_key(line_id: str) -> str:
    return f"spent_{line_id}"


def indicator_section(indicator_id: str) -> str:
    return f"ind_{indicator_id}"


NARRATIVE = ("progress", "difficulties", "next_steps")


def _indicator_section(plan: IndicatorPlan) -> Section:
    questions = [
        Question(reached_key(plan.id), Kind.NUMBER,
                 N_("Value reached so far for this indicator?"), N_("Value reached"),
                 subject=plan.name),
    ]  # fmt: skip
    if plan.counts_people:
        questions += [
            Question(women_key(plan.id), Kind.WHOLE, N_("Of them, how many women?"),
                     N_("Women"), subject=plan.name),
            Question(men_key(plan.id), Kind.WHOLE, N_("And how many men?"), N_("Men"),
                     subject=plan.name),
        ]  # fmt: skip
    # The section's title is the indicator in the city's own words (never a message id).
    return Section(indicator_section(plan.id), plan.name or plan.id, tuple(questions))


def report_form(plan: ReportPlan) -> Form:
    """The questionnaire of one report of this project."""
    spending = tuple(
        Question(spent_key(line.id), Kind.MONEY, N_("What was spent so far on this budget line?"),
                 line.label or line.id, subject=line.label, zero=True)
        for line in plan.budget_lines
    )  # fmt: skip
    sections = (
        *(_indicator_section(i) for i in plan.indicators),
        *((Section("spending", N_("Spending"), spending),) if spending else ()),
        Section("contribution", N_("The city's contribution"), (
            Question("city_mobilised", Kind.MONEY,
                     N_("How much of the city's own contribution is mobilised so far?"),
                     N_("City contribution mobilised"), zero=True),
        )),
        Section("narrative", N_("Progress"), (
            Question("progress", Kind.TEXT, N_("What progress was made since the last report?"),
                     N_("Progress"), min_len=20, max_len=3000),
            Question("difficulties", Kind.TEXT,
                     N_("What difficulties did you meet, and how did you handle them?"),
                     N_("Difficulties"), min_len=5, max_len=3000),
            Question("next_steps", Kind.TEXT, N_("Next steps until the next report?"),
                     N_("Next steps"), min_len=5, max_len=3000),
        )),
        Section("photos", N_("Photos"), (
            Question("photos", Kind.FILES, N_("Photos of the works: send them, then Done."),
                     N_("Photos")),
            Question("location", Kind.LOCATION,
                     N_("Share the works' location on the map (📎 → Location), or skip."),
                     N_("Map location"), required=False),
        )),
    )  # fmt: skip
    return Form(
        key=REPORT_FORM_KEY,
        version=FORM_VERSION,
        title=N_("Final report") if plan.final else N_("Progress report"),
        sections=sections,
        roles={AnswerRole.CURRENCY: "currency", AnswerRole.LOCATION: "location"},
        seeded=frozenset({"currency"}),
        section_rules=_report_rules(plan),
        default_target="progress",
    )


def _report_rules(plan: ReportPlan) -> SectionRules:
    people = {indicator_section(i.id): i for i in plan.indicators if i.counts_people}

    def rules(key: str, answers: Answers, _rules: Any) -> list[Problem]:
        indicator = people.get(key)
        if indicator is None:
            return []
        reached = answers.get(reached_key(indicator.id))
        women, men = answers.get(women_key(indicator.id)), answers.get(men_key(indicator.id))
        if sexes_add_up(_decimal(reached), _whole(women), _whole(men)):
            return []
        details = {"reached": reached, "women": women, "men": men,
                   "at": women_key(indicator.id)}  # fmt: skip
        return [Problem("sexes_differ", details)]

    return rules


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def seed_answers(currency: str, **facts: Any) -> dict[str, Any]:
    """What a new report's record starts with: the currency its amounts are in (and, for an
    emergency aid's report, the amount granted, which the uses are checked against)."""
    return {"currency": currency, **{k: str(v) for k, v in facts.items()}}


def items(form: Form) -> list[str]:
    """What the Secretariat may return for revision: each indicator's section whole, and every
    other question (a budget line's spending, the narrative, the photos)."""
    names = []
    for section in form.sections:
        if section.key.startswith("ind_"):
            names.append(section.key)
        else:
            names += [q.key for q in section.questions]
    return names


def revision_form(form: Form, returned: Sequence[str]) -> Form:
    """A report returned for revision: only the items the Secretariat named are asked again (an
    indicator's section whole, or single questions); the other answers stay as they were,
    beyond the city's reach."""
    named = set(returned)
    sections = []
    for section in form.sections:
        if section.key in named:
            sections.append(section)
            continue
        kept = tuple(q for q in section.questions if q.key in named)
        if kept:
            sections.append(replace(section, questions=kept))
    if not sections:
        return form
    return replace(form, sections=tuple(sections), default_target=sections[0].questions[0].key)


# --- an emergency aid's report ------------------------------------------------------------

AID_USE_FIELDS = (
    Question("purpose", Kind.TEXT, N_("What was it used for?"), N_("Purpose"), min_len=3,
             max_len=300),
    Question("amount", Kind.MONEY, N_("Amount used for it?"), N_("Amount")),
)  # fmt: skip


def _aid_rules(key: str, answers: Answers, _rules: Any) -> list[Problem]:
    """The uses cannot add up to more than the aid granted (what the city adds of its own is not
    the aid's use)."""
    granted = _decimal(answers.get("granted"))
    if key != "uses" or granted is None:
        return []
    used = sum((Decimal(str(u.get("amount") or 0)) for u in answers.get("uses") or ()), Decimal(0))
    if used > granted:
        return [
            Problem("uses_over_aid", {"used": used, "granted": granted, "excess": used - granted})
        ]
    return []


AID_REPORT_FORM = Form(
    key=AID_REPORT_FORM_KEY,
    version=FORM_VERSION,
    title=N_("Report on the use of the emergency aid"),
    sections=(
        Section("uses", N_("Use of the aid"), (
            Question("uses", Kind.LIST, N_("Amounts by purpose: add each use of the aid."),
                     N_("Uses of the aid"), fields=AID_USE_FIELDS, min_items=1),
        )),
        Section("done", N_("What was done"), (
            Question("summary", Kind.TEXT,
                     N_("What did the aid make possible? A few lines."), N_("What was done"),
                     min_len=20, max_len=3000),
        )),
        Section("photos", N_("Photos"), (
            Question("photos", Kind.FILES, N_("Photos of what the aid paid for: send them, then "
                                              "Done."), N_("Photos")),
        )),
    ),
    roles={
        AnswerRole.CURRENCY: "currency",
        AnswerRole.USES: "uses",
        AnswerRole.SUMMARY: "summary",
    },
    seeded=frozenset({"currency", "granted"}),
    section_rules=_aid_rules,
    problem_targets={"uses_over_aid": "uses"},
    default_target="uses",
)  # fmt: skip


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator as a report states it."""

    plan: IndicatorPlan
    reached: Decimal | None
    women: int | None = None
    men: int | None = None
    previous: Decimal | None = None  # what the last approved report said, if any


@dataclass(frozen=True)
class SpendingLine:
    line: BudgetLine
    spent: Decimal | None


@dataclass
class ReportFacts:
    """A report's answers read against its plan (for its PDF and its screens)."""

    indicators: list[IndicatorResult] = field(default_factory=list)
    spending: list[SpendingLine] = field(default_factory=list)
    city_mobilised: Decimal | None = None


def facts_of(plan: ReportPlan, answers: Answers, previous: Answers | None = None) -> ReportFacts:
    before = previous or {}
    return ReportFacts(
        indicators=[
            IndicatorResult(
                i,
                _decimal(answers.get(reached_key(i.id))),
                _whole(answers.get(women_key(i.id))),
                _whole(answers.get(men_key(i.id))),
                _decimal(before.get(reached_key(i.id))),
            )
            for i in plan.indicators
        ],
        spending=[
            SpendingLine(b, _decimal(answers.get(spent_key(b.id)))) for b in plan.budget_lines
        ],
        city_mobilised=_decimal(answers.get("city_mobilised")),
    )


@dataclass(frozen=True)
class ReportCase:
    """A report as its PDF and the staff see it: the record (its form, answers and files), what
    it was asked against (`plan`; None for an emergency aid's report), which report of which
    project or emergency, and where it stands."""

    record: Record
    reference: str  # the project's (FC-…) or the emergency's (FU-…)
    city: str
    country: str
    title: str  # the project's title, or the emergency's event
    kind: str  # progress, final, aid
    number: int
    due_on: date
    plan: ReportPlan | None = None
    previous: Mapping[str, Any] | None = None  # the last approved report's answers
    granted: Decimal | None = None  # an emergency aid: the amount approved
    returned: tuple[str, ...] = ()
    note: str | None = None  # the Secretariat's, with a return for revision
    submitted_at: datetime | None = None
