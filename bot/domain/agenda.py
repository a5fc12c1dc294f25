"""A Bureau session's agenda: the dossiers scheduled for it with their amounts, totals per sector
and per country, and the total asked against the budget the Secretariat set for the session.

Pure computation on `DossierFacts`; the spreadsheet (and later the PDF) are drawn from it.
Amounts are summed per currency: a total never mixes currencies. Against the budget, amounts in
another currency count only at a fixed rate (the CFA francs' peg to the euro); the others are
listed apart, never converted at a guessed rate.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import read_money
from bot.domain.sessions import BureauSession
from bot.domain.sheets import DossierFacts, convert
from bot.domain.workflow import Status

# What a session's agenda holds: scheduled for it, and what the Bureau decided there.
ON_AGENDA = frozenset({Status.SCHEDULED, Status.APPROVED, Status.REJECTED, Status.DEFERRED})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Budget:
    amount: Decimal
    currency: str


@dataclass
class Total:
    count: int = 0
    asked: Decimal = Decimal(0)
    granted: Decimal = Decimal(0)

    def add(self, facts: DossierFacts) -> None:
        self.count += 1
        self.asked += facts.plan.fund
        self.granted += facts.granted or Decimal(0)


@dataclass
class Agenda:
    session: BureauSession
    budget: Budget | None
    items: list[DossierFacts]
    by_sector: dict[tuple[str, str], Total] = field(default_factory=dict)  # (sector, currency)
    by_country: dict[tuple[str, str], Total] = field(default_factory=dict)  # (country, currency)
    by_currency: dict[str, Total] = field(default_factory=dict)
    asked: Decimal | None = None  # in the budget's currency, what can be counted against it
    granted: Decimal | None = None  # of the approved dossiers only
    waiting: Decimal | None = None  # asked by the dossiers the Bureau has not decided yet
    uncounted: dict[str, Total] = field(default_factory=dict)  # currencies with no fixed rate

    @property
    def phase(self) -> str:
        """ "before" the Bureau decided any dossier of the agenda, "after" it decided them all,
        "during" in between (some decided, some still waiting)."""
        waiting = sum(1 for d in self.items if d.status == Status.SCHEDULED)
        if waiting == len(self.items):
            return "before"
        return "after" if waiting == 0 else "during"

    @property
    def remaining(self) -> Decimal | None:
        """The budget less what was granted and what the dossiers still waiting ask: before the
        decisions, the budget less the amounts asked; after, the budget less the amounts granted
        (a rejected or deferred dossier takes nothing). Negative: over budget."""
        if self.budget is None or self.granted is None or self.waiting is None:
            return None
        return self.budget.amount - self.granted - self.waiting

    @property
    def over_budget(self) -> bool:
        remaining = self.remaining
        return remaining is not None and remaining < 0

    @property
    def share_of_budget(self) -> Decimal | None:
        if self.budget is None or self.asked is None or self.budget.amount <= 0:
            return None
        return self.asked / self.budget.amount


def build_agenda(
    session: BureauSession, budget: Budget | None, dossiers: Iterable[DossierFacts]
) -> Agenda:
    """The agenda of `session` from the dossiers given (those of other sessions, and those not
    or no longer on an agenda, are left out), in the order of their references."""
    items = sorted(
        (d for d in dossiers if d.status in ON_AGENDA and _same(d.session, session)),
        key=lambda d: (d.reference or "", d.id),
    )
    by_sector: defaultdict[tuple[str, str], Total] = defaultdict(Total)
    by_country: defaultdict[tuple[str, str], Total] = defaultdict(Total)
    by_currency: defaultdict[str, Total] = defaultdict(Total)
    uncounted: defaultdict[str, Total] = defaultdict(Total)
    asked = granted = waiting = Decimal(0)
    for facts in items:
        currency = facts.currency or ""
        by_sector[(facts.sector or "", currency)].add(facts)
        by_country[(facts.country, currency)].add(facts)
        by_currency[currency].add(facts)
        if budget is None:
            continue
        fund = convert(facts.plan.fund, facts.currency, budget.currency)
        given = convert(facts.granted or Decimal(0), facts.currency, budget.currency)
        if fund is None or given is None:
            uncounted[currency].add(facts)
        else:
            asked += fund
            if facts.status == Status.APPROVED:
                granted += given
            elif facts.status == Status.SCHEDULED:
                waiting += fund
    return Agenda(
        session=session,
        budget=budget,
        items=items,
        by_sector=dict(sorted(by_sector.items())),
        by_country=dict(sorted(by_country.items())),
        by_currency=dict(sorted(by_currency.items())),
        asked=_cents(asked) if budget is not None else None,
        granted=_cents(granted) if budget is not None else None,
        waiting=_cents(waiting) if budget is not None else None,
        uncounted=dict(sorted(uncounted.items())),
    )


def _same(one: BureauSession | None, other: BureauSession) -> bool:
    if one is None:
        return False
    if one.id is not None and other.id is not None:
        return one.id == other.id
    return one.held_on == other.held_on


def _cents(amount: Decimal) -> Decimal:
    exact = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1)) if exact == exact.to_integral_value() else exact


def parse_budget(text: str, locale: str, default_currency: str = "EUR") -> Budget:
    """`1 500 000 EUR`, `€1,500,000`, `١٥٠٠٠٠٠ XOF` or a bare amount (in `default_currency`),
    read in the staff member's locale as every typed amount is (`read_money`); NumberError says
    why it was refused. (Staff typing it are asked which reading an ambiguous one means.)"""
    typed = read_money(text, locale, CURRENCIES, default=default_currency)
    return Budget(typed.amount.value, typed.currency)
