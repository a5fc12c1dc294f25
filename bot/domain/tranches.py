"""The grant's tranches (DOMAIN.md §4): the default schedule from configuration, the amounts in
the grant's currency, the staff's adjustments before the convention is proposed, when each
tranche comes due, and the payments ledger. Pure: Decimal in, Decimal out.

A schedule is written `50:convention,40:report,10:final`: each tranche's percentage of the grant
and its condition. Conditions: `convention` (the convention accepted), `report` (a progress report
approved: the first `report` of the schedule waits for progress report 1, the second for 2, …; or
`report2` for a named one), `final` (the final report approved). The percentages add up to 100.

Amounts are exact in the grant's currency: each tranche is its share of the grant rounded down to
the currency's minor unit (Babel's currency precision: cents for EUR, none for XOF), and the last
takes the remainder, so they add up to the grant exactly.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from babel.numbers import get_currency_precision

from bot.domain.refusals import Refused

CONVENTION = "convention"
REPORT = "report"
FINAL = "final"
HUNDRED = Decimal(100)
DEFAULT_SCHEDULE = "50:convention,40:report,10:final"
MAX_TRANCHES = 12
_CONDITION = re.compile(r"^(convention|final|report)(?::?(\d{1,2}))?$")


class ScheduleError(Refused):
    """A schedule that cannot be: why (a code) and the figures to say so."""


@dataclass(frozen=True, order=True)
class Condition:
    """What a tranche waits for: the convention accepted, progress report `number` approved, or
    the final report approved."""

    kind: str
    number: int = 0  # a progress report's number (1, 2, …); 0 otherwise

    def __str__(self) -> str:
        return f"{REPORT}:{self.number}" if self.kind == REPORT else self.kind

    @classmethod
    def parse(cls, text: str) -> "Condition":
        """`convention`, `final`, `report:2` (or `report2`); `report` alone is numbered by the
        schedule (see `parse_schedule`)."""
        match = _CONDITION.match(text.strip().lower())
        if match is None:
            raise ScheduleError("unknown_condition", condition=text.strip())
        kind, number = match.group(1), int(match.group(2) or 0)
        if kind != REPORT and number:
            raise ScheduleError("unknown_condition", condition=text.strip())
        if kind == REPORT and match.group(2) is not None and number < 1:
            raise ScheduleError("unknown_condition", condition=text.strip())
        return cls(kind, number)


@dataclass(frozen=True)
class Share:
    """One tranche of the configured schedule: its percentage and its condition."""

    percent: Decimal
    condition: Condition


@dataclass(frozen=True)
class Tranche:
    """One tranche of a project's schedule: its number (1, 2, …), amount, condition and, when
    staff set one, the date it is planned for."""

    number: int
    amount: Decimal
    condition: Condition
    planned_on: date | None = None


def parse_schedule(text: str) -> tuple[Share, ...]:
    """`TRANCHES`: `percent:condition` separated by commas; checked (known conditions, positive
    percentages adding up to 100 exactly, at most 12 tranches). A bare `report` is the next
    progress report not named yet."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ScheduleError("empty")
    if len(parts) > MAX_TRANCHES:
        raise ScheduleError("too_many", maximum=MAX_TRANCHES)
    shares: list[Share] = []
    for part in parts:
        percent_text, colon, condition_text = part.partition(":")
        try:
            percent = Decimal(percent_text.strip().rstrip("%"))
        except ArithmeticError:
            raise ScheduleError("not_a_percentage", text=percent_text.strip()) from None
        if not colon or not percent.is_finite() or percent <= 0:
            raise ScheduleError("not_a_percentage", text=percent_text.strip())
        shares.append(Share(percent, Condition.parse(condition_text)))
    total = sum((s.percent for s in shares), Decimal(0))
    if total != HUNDRED:
        raise ScheduleError("not_100", total=total)
    return _numbered(shares)


def _numbered(shares: list[Share]) -> tuple[Share, ...]:
    """A bare `report` waits for the first progress report no tranche waits for yet."""
    named = {s.condition.number for s in shares if s.condition.kind == REPORT}
    numbered, following = [], 1
    for share in shares:
        if share.condition == Condition(REPORT):
            while following in named:
                following += 1
            named.add(following)
            share = replace(share, condition=Condition(REPORT, following))
        numbered.append(share)
    return tuple(numbered)


def minor_unit(currency: str) -> Decimal:
    """The currency's smallest amount: 0.01 for EUR, 1 for XOF (Babel's currency precision)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def check_grant(grant: Decimal, currency: str) -> None:
    """A grant is positive and exact in its currency (no fraction of its minor unit)."""
    if not grant.is_finite() or grant <= 0:
        raise ScheduleError("grant_not_positive")
    if grant % minor_unit(currency) != 0:
        raise ScheduleError("too_many_decimals", places=get_currency_precision(currency))


def amounts(grant: Decimal, currency: str, percents: Sequence[Decimal]) -> list[Decimal]:
    """Each tranche's amount: its share of `grant` rounded down to the currency's minor unit,
    the last one the remainder. They add up to `grant` exactly and none is negative."""
    check_grant(grant, currency)
    unit = minor_unit(currency)
    first = [(grant * p / HUNDRED).quantize(unit, rounding=ROUND_DOWN) for p in percents[:-1]]
    return [*first, grant - sum(first, Decimal(0))]


def default_tranches(grant: Decimal, currency: str, shares: Sequence[Share]) -> tuple[Tranche, ...]:
    """The configured schedule applied to a grant."""
    values = amounts(grant, currency, [s.percent for s in shares])
    return tuple(
        Tranche(n, amount, share.condition)
        for n, (amount, share) in enumerate(zip(values, shares, strict=True), 1)
    )


def schedule_problems(
    tranches: Sequence[Tranche], grant: Decimal, currency: str, progress_reports: int
) -> list[str]:
    """What is wrong with a schedule (empty: it holds): the amounts must be exact in the
    currency, none negative, all adding up to the grant; a tranche may wait only for a progress
    report the calendar has; tranches are numbered 1, 2, … in order."""
    problems = []
    unit = minor_unit(currency)
    if [t.number for t in tranches] != list(range(1, len(tranches) + 1)):
        problems.append("numbers")
    if not tranches:
        problems.append("empty")
    if any(t.amount < 0 for t in tranches):
        problems.append("negative")
    if any(t.amount % unit != 0 for t in tranches):
        problems.append("decimals")
    if sum((t.amount for t in tranches), Decimal(0)) != grant:
        problems.append("sum")
    if any(
        t.condition.kind == REPORT and not 1 <= t.condition.number <= progress_reports
        for t in tranches
    ):
        problems.append("no_such_report")
    return problems


def check_schedule(
    tranches: Sequence[Tranche], grant: Decimal, currency: str, progress_reports: int
) -> tuple[Tranche, ...]:
    problems = schedule_problems(tranches, grant, currency, progress_reports)
    if problems:
        total = sum((t.amount for t in tranches), Decimal(0))
        raise ScheduleError(problems[0], total=total, grant=grant)
    return tuple(tranches)


def with_amount(
    tranches: Sequence[Tranche],
    number: int,
    amount: Decimal,
    grant: Decimal,
    currency: str,
    progress_reports: int,
) -> tuple[Tranche, ...]:
    """Staff change one tranche's amount; the last tranche takes up the difference (the last
    one's own change is taken up by the one before it). Refused (ScheduleError) when that would
    make an amount negative or inexact."""
    index = _index(tranches, number)
    other = len(tranches) - 1 if index != len(tranches) - 1 else index - 1
    if other < 0:
        raise ScheduleError("sum", total=amount, grant=grant)
    changed = list(tranches)
    changed[index] = replace(changed[index], amount=amount)
    rest = grant - sum((t.amount for i, t in enumerate(changed) if i != other), Decimal(0))
    changed[other] = replace(changed[other], amount=rest)
    return check_schedule(changed, grant, currency, progress_reports)


def with_condition(
    tranches: Sequence[Tranche],
    number: int,
    condition: Condition,
    grant: Decimal,
    currency: str,
    progress_reports: int,
) -> tuple[Tranche, ...]:
    changed = list(tranches)
    changed[_index(tranches, number)] = replace(
        changed[_index(tranches, number)], condition=condition
    )
    return check_schedule(changed, grant, currency, progress_reports)


def with_date(
    tranches: Sequence[Tranche], number: int, planned_on: date | None
) -> tuple[Tranche, ...]:
    changed = list(tranches)
    changed[_index(tranches, number)] = replace(
        changed[_index(tranches, number)], planned_on=planned_on
    )
    return tuple(changed)


def _index(tranches: Sequence[Tranche], number: int) -> int:
    for index, tranche in enumerate(tranches):
        if tranche.number == number:
            return index
    raise ScheduleError("no_such_tranche", number=number)


@dataclass(frozen=True)
class Facts:
    """What has happened that tranches may wait for."""

    convention_accepted: bool = False
    approved_reports: frozenset[int] = frozenset()  # progress reports approved, by number
    final_approved: bool = False


def condition_met(condition: Condition, facts: Facts) -> bool:
    if condition.kind == CONVENTION:
        return facts.convention_accepted
    if condition.kind == REPORT:
        return condition.number in facts.approved_reports
    return facts.final_approved


def coming_due(planned: Iterable[Tranche], facts: Facts) -> list[int]:
    """The numbers of the planned tranches whose condition is met now (they become due)."""
    return [t.number for t in planned if condition_met(t.condition, facts)]


def left_to_pay(grant: Decimal, paid: Iterable[Decimal]) -> Decimal:
    return grant - sum(paid, Decimal(0))


def check_payment(amount: Decimal, grant: Decimal, paid: Iterable[Decimal], currency: str) -> None:
    """A payment is positive, exact in the currency, and never more than what is left of the
    grant (whatever was planned for its tranche): ScheduleError says why not."""
    if not amount.is_finite() or amount <= 0:
        raise ScheduleError("payment_not_positive")
    if amount % minor_unit(currency) != 0:
        raise ScheduleError("too_many_decimals", places=get_currency_precision(currency))
    left = left_to_pay(grant, paid)
    if amount > left:
        raise ScheduleError("over_grant", left=left, amount=amount)


@dataclass(frozen=True)
class Ledger:
    """What was granted, paid and received (the city's confirmations) in the grant's currency."""

    granted: Decimal
    paid: Decimal
    received: Decimal

    @property
    def left(self) -> Decimal:
        return self.granted - self.paid


def next_waiting(tranches: Sequence[tuple[Tranche, str]]) -> tuple[Tranche, str] | None:
    """The first tranche not paid yet, with its status ("planned": its condition is what it
    waits for; "due": it waits for the payment)."""
    return next(((t, s) for t, s in tranches if s in ("planned", "due")), None)
