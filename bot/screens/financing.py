"""The cofinancing coach: the financing picture after every amount, and how to fix what fails."""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.forms import AnswerRole, Answers
from bot.domain.fund_form import FUND_FORM, financing
from bot.domain.numbers import format_share
from bot.domain.rules import Financing, FundingRules, Problem, cofinancing_problems
from bot.screens.base import Screen
from bot.screens.common import locale, money
from bot.telegram.callbacks import menu_data

# The Fund's rules that the financing plan's answers fix ("no budget" is fixed by the budget).
COFINANCING = frozenset({"fund_over", "city_under", "sources_short", "sources_over"})
# The Fund's answers that make its financing plan (the questions a remedy leads to).
ASKED, CITY_AMOUNT, PARTNERS, BUDGET_LINES = (
    FUND_FORM.key_of(role)
    for role in (
        AnswerRole.ASKED,
        AnswerRole.CITY_AMOUNT,
        AnswerRole.PARTNERS,
        AnswerRole.BUDGET_LINES,
    )
)


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
        if not (p.code == "city_under" and not given(answers, CITY_AMOUNT))
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
        + rule_mark(answers, ASKED, plan, "fund_over" in codes),
        _("City: {amount} ({share}, at least {limit})").format(
            amount=money(plan.city, cur),
            share=share_text(plan, plan.city),
            limit=format_share(rules.city_min_share, locale()),
        )
        + rule_mark(answers, CITY_AMOUNT, plan, "city_under" in codes),
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


def remedies(
    problems: list[Problem], plan: Financing, rules: FundingRules
) -> list[tuple[str, str]]:
    """The answers that can fix these cofinancing problems: (button text, question key), each
    once, the likeliest first. Raising the Fund's amount is offered only within its share."""
    offered: dict[str, str] = {}
    for problem in problems:
        if problem.code == "sources_short":
            offered.setdefault(CITY_AMOUNT, _("⬆ Raise the city's contribution"))
            offered.setdefault(PARTNERS, _("➕ Add a partner"))
            if plan.fund + problem.details["gap"] <= plan.total * rules.fund_max_share:
                offered.setdefault(ASKED, _("⬆ Raise the amount asked of the Fund"))
        elif problem.code in ("sources_over", "fund_over"):
            offered.setdefault(ASKED, _("⬇ Lower the amount asked of the Fund"))
            if problem.code == "sources_over":
                offered.setdefault(CITY_AMOUNT, _("✏️ Change the city's contribution"))
                offered.setdefault(PARTNERS, _("✏️ Change the partners"))
        elif problem.code == "city_under":
            offered.setdefault(CITY_AMOUNT, _("⬆ Raise the city's contribution"))
    offered.setdefault(BUDGET_LINES, _("✏️ Change the budget (the total cost)"))
    return [(text, key) for key, text in offered.items()]


def gap_screen(record_id: int, answers: Answers, rules: FundingRules) -> Screen:
    """“▶ Fix what is missing” when only the financing plan fails: the picture, and a button to
    each answer that can close the gap (never the same question over and over)."""
    plan = financing(answers)
    problems = [p for p in cofinancing_problems(plan, rules) if p.code in COFINANCING]
    lines = [coach(answers, rules)]
    if any(p.code == "sources_short" for p in problems):
        lines.append(
            _("To close the gap of {gap}, change one of these answers:").format(
                gap=money(plan.gap, plan.currency)
            )
        )
    else:
        lines.append(_("Change one of these answers:"))
    rows = [
        [InlineKeyboardButton(text=text, callback_data=menu_data(record_id, "jump", key))]
        for text, key in remedies(problems, plan, rules)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("📋 Whole review"), callback_data=menu_data(record_id, "review")
            )
        ]
    )
    return Screen("\n\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))
