"""The cofinancing coach: the financing picture after every amount, and how to fix what fails."""

from aiogram.utils.i18n import gettext as _

from bot.domain.forms import Answers
from bot.domain.numbers import format_share
from bot.domain.rules import Financing, FundingRules, Problem, cofinancing_problems, financing
from bot.screens.common import locale, money


def share_text(plan: Financing, amount) -> str:
    share = plan.share(amount)
    return format_share(share, locale()) if share is not None else "–"


def problem_text(problem: Problem, plan: Financing) -> str:
    d, cur = problem.details, plan.currency
    if problem.code == "no_budget":
        return _("Add the budget lines first: the total cost is their sum.")
    if problem.code == "fund_over":
        return _(
            "{limit} of {total} is {maximum}; you ask {asked} ({share}). "
            "Lower the amount asked by {excess}."
        ).format(
            limit=format_share(d["limit"], locale()),
            total=money(plan.total, cur),
            maximum=money(d["maximum"], cur),
            asked=money(d["asked"], cur),
            share=format_share(d["share"], locale()),
            excess=money(d["excess"], cur),
        )
    if problem.code == "city_under":
        return _(
            "{limit} of {total} is {minimum}; the city brings {given} ({share}). "
            "Add {missing} to the city's contribution."
        ).format(
            limit=format_share(d["limit"], locale()),
            total=money(plan.total, cur),
            minimum=money(d["minimum"], cur),
            given=money(d["given"], cur),
            share=format_share(d["share"], locale()),
            missing=money(d["missing"], cur),
        )
    if problem.code == "sources_short":
        return _("The sources are short of the total cost by {gap}.").format(
            gap=money(d["gap"], cur)
        )
    return _("The sources exceed the total cost by {excess}.").format(
        excess=money(d["excess"], cur)
    )


def given(answers: Answers, key: str) -> bool:
    """The question was answered (a skipped amount counts as 0 and is judged)."""
    return key in answers


def rule_mark(answers: Answers, key: str, plan: Financing, failing: bool) -> str:
    """⏳ while the amount (or the budget it is measured against) is missing, then ❌ or ✅."""
    if not given(answers, key) or plan.total <= 0:
        return " ⏳"
    return " ❌" if failing else " ✅"


def coach(answers: Answers, rules: FundingRules) -> str:
    """The financing picture in the person's currency and locale, with what to fix."""
    plan = financing(answers)
    cur = plan.currency
    problems = [
        p
        for p in cofinancing_problems(plan, rules)
        if not (p.code == "city_under" and not given(answers, "city_amount"))
    ]
    codes = {p.code for p in problems}
    lines = [
        "<b>" + _("💰 Financing picture") + "</b>",
        _("Total cost: {amount}").format(amount=money(plan.total, cur)),
        _("Fund: {amount} ({share}, at most {limit})").format(
            amount=money(plan.fund, cur),
            share=share_text(plan, plan.fund),
            limit=format_share(rules.fund_max_share, locale()),
        )
        + rule_mark(answers, "fund_amount", plan, "fund_over" in codes),
        _("City: {amount} ({share}, at least {limit})").format(
            amount=money(plan.city, cur),
            share=share_text(plan, plan.city),
            limit=format_share(rules.city_min_share, locale()),
        )
        + rule_mark(answers, "city_amount", plan, "city_under" in codes),
        _("Partners: {amount} ({share})").format(
            amount=money(plan.partners, cur), share=share_text(plan, plan.partners)
        ),
    ]
    if plan.total > 0 and plan.gap == 0:
        lines.append(_("Balance: the sources equal the total cost ✅"))
    elif plan.total > 0 and plan.gap > 0:
        lines.append(_("Still to find: {gap}").format(gap=money(plan.gap, cur)))
    lines.extend("⚠️ " + problem_text(p, plan) for p in problems if p.code != "sources_short")
    return "\n".join(lines)
