"""What makes a record complete (any form), and the Fund's rules: cofinancing (DOMAIN.md §1).

The Fund's plan is read from a dossier's answers by `bot.domain.fund_form.financing`; its rules
across answers are the form's own (`FUND_FORM.section_rules`)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.forms import Answers, Form, Kind, Problem, Question
from bot.domain.navigation import incomplete_entry


@dataclass(frozen=True)
class FundingRules:
    fund_max_share: Decimal = Decimal("0.80")
    city_min_share: Decimal = Decimal("0.20")


@dataclass(frozen=True)
class Financing:
    currency: str | None
    total: Decimal
    fund: Decimal
    city: Decimal
    partners: Decimal

    @property
    def sources(self) -> Decimal:
        return self.fund + self.city + self.partners

    @property
    def gap(self) -> Decimal:
        """What is still to be found (negative: the sources exceed the cost)."""
        return self.total - self.sources

    def share(self, amount: Decimal) -> Decimal | None:
        return amount / self.total if self.total else None


def cofinancing_problems(plan: Financing, rules: FundingRules) -> list[Problem]:
    """Every cofinancing rule that fails, with the figures needed to say how to fix it."""
    if plan.total <= 0:
        return [Problem("no_budget")]
    problems = []
    fund_max = plan.total * rules.fund_max_share
    if plan.fund > fund_max:
        problems.append(
            Problem(
                "fund_over",
                {
                    "maximum": fund_max,
                    "asked": plan.fund,
                    "share": plan.fund / plan.total,
                    "limit": rules.fund_max_share,
                    "excess": plan.fund - fund_max,
                },
            )
        )
    city_min = plan.total * rules.city_min_share
    if plan.city < city_min:
        problems.append(
            Problem(
                "city_under",
                {
                    "minimum": city_min,
                    "given": plan.city,
                    "share": plan.city / plan.total,
                    "limit": rules.city_min_share,
                    "missing": city_min - plan.city,
                },
            )
        )
    if plan.gap > 0:
        problems.append(Problem("sources_short", {"gap": plan.gap}))
    elif plan.gap < 0:
        problems.append(Problem("sources_over", {"excess": -plan.gap}))
    return problems


def is_answered(question: Question, answers: Answers, files: Mapping[str, int]) -> bool:
    if question.kind == Kind.FILES:
        return files.get(question.key, 0) > 0
    if question.kind == Kind.LETTERS:
        entries = question.per_entry(answers) if question.per_entry else []
        return all(files.get(letter_slot(question, e["id"]), 0) > 0 for e in entries)
    value = answers.get(question.key)
    if question.kind == Kind.LIST and incomplete_entry(question, answers) is not None:
        return False  # an entry lacks a field asked since it was saved
    if question.kind in (Kind.LIST, Kind.MULTI):
        return len(value or ()) >= max(question.min_items, 1 if question.required else 0)
    return value is not None and value != ""


def letter_slot(question: Question, entry_id: str) -> str:
    """Where the file of one entry of a LETTERS question is kept (`att_letters:<partner id>`)."""
    return f"{question.key}:{entry_id}"


@dataclass(frozen=True)
class SectionCheck:
    index: int
    missing: list[Question]
    problems: list[Problem]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.problems


def check_record(
    form: Form, answers: Answers, files: Mapping[str, int], rules: FundingRules
) -> list[SectionCheck]:
    """Section by section: required answers still missing and rules that do not hold."""
    checks = []
    for index, section in enumerate(form.sections):
        missing = [
            q
            for q in section.questions
            if q.required and q.visible(answers) and not is_answered(q, answers, files)
        ]
        checks.append(SectionCheck(index, missing, form.section_rules(section.key, answers, rules)))
    return checks


def first_missing(form: Form, checks: list[SectionCheck]) -> str | None:
    """Where "fix what is missing" leads: the first missing answer, else the question that fixes
    the first rule that fails."""
    for check in checks:
        if check.missing:
            return check.missing[0].key
    for check in checks:
        for problem in check.problems:
            if isinstance(problem.details.get("at"), str):  # a rule of one question of many
                return problem.details["at"]
            return form.problem_targets.get(problem.code, form.default_target)
    return None


def is_complete(checks: list[SectionCheck]) -> bool:
    return all(check.complete for check in checks)
