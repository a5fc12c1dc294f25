"""A dossier as one row of the Secretariat's spreadsheets, agenda and charts: plain facts (its
money as Decimals, its dates as aware UTC datetimes), built by the services from storage rows."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bot.domain.rules import Financing, FundingRules
from bot.domain.sessions import BureauSession
from bot.domain.workflow import Status

# A fixed rate the Fund's budgets may count at: the CFA francs are pegged to the euro.
PEGGED_TO_EUR = {"EUR": Decimal(1), "XOF": Decimal("655.957"), "XAF": Decimal("655.957")}
DECIDED = frozenset({Status.APPROVED, Status.REJECTED})


class Flag(StrEnum):
    """What a row warns about, in its "flags" column."""

    UNVERIFIED = "unverified"  # sent by an account the Secretariat has not verified
    FUND_OVER = "fund_over"  # the Fund's share is above its maximum
    CITY_UNDER = "city_under"  # the city's share is below its minimum
    UNBALANCED = "unbalanced"  # the sources do not add up to the total cost


@dataclass(frozen=True)
class DossierFacts:
    id: int
    reference: str | None
    city: str
    country: str  # ISO code
    title: str | None
    sector: str | None  # a SECTORS value
    status: str
    plan: Financing
    granted: Decimal | None = None
    session: BureauSession | None = None
    submitted_at: datetime | None = None  # the first submission
    changed_at: datetime | None = None  # the last status change (else the last edit)
    decided_at: datetime | None = None  # the Bureau's approval or rejection
    unverified: bool = False

    @property
    def currency(self) -> str | None:
        return self.plan.currency

    def flags(self, rules: FundingRules) -> list[Flag]:
        plan = self.plan
        flags = [Flag.UNVERIFIED] if self.unverified else []
        if plan.total > 0:
            if plan.fund > plan.total * rules.fund_max_share:
                flags.append(Flag.FUND_OVER)
            if plan.city < plan.total * rules.city_min_share:
                flags.append(Flag.CITY_UNDER)
        if plan.gap != 0:
            flags.append(Flag.UNBALANCED)
        return flags

    def days_to_decision(self) -> int | None:
        if self.status not in DECIDED or self.submitted_at is None or self.decided_at is None:
            return None
        return max((self.decided_at - self.submitted_at).days, 0)


def convert(amount: Decimal, source: str | None, target: str) -> Decimal | None:
    """`amount` in `target` at a fixed rate (the CFA francs' peg to the euro), or None when
    there is none: other currencies float and are never converted."""
    if source == target:
        return amount
    if source in PEGGED_TO_EUR and target in PEGGED_TO_EUR:
        return amount / PEGGED_TO_EUR[source] * PEGGED_TO_EUR[target]
    return None
