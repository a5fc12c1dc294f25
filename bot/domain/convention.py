"""The convention (the grant agreement, DOMAIN.md §4) as a value: what its PDF states, drawn from
the approved dossier's answers and the project's own facts (the amount granted, the schedule of
tranches, the reporting calendar, the results framework with its numbers). A changed convention
is a new version, which needs a new acceptance.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.domain.follow_up import ReportDue, report_calendar
from bot.domain.forms import Answers
from bot.domain.results import IndicatorPlan
from bot.domain.rules import financing
from bot.domain.tranches import Tranche


@dataclass(frozen=True)
class Partner:
    name: str
    kind: str  # public, private, decentralised, international
    amount: Decimal
    confirmed: bool


@dataclass(frozen=True)
class Convention:
    reference: str
    version: int
    city: str
    country: str
    mayor: str
    title: str
    sector: str
    district: str
    currency: str
    granted: Decimal
    total_cost: Decimal
    city_amount: Decimal
    city_kind: str
    partners: tuple[Partner, ...]
    start_on: date
    months: int
    end_on: date
    tranches: tuple[Tranche, ...]
    calendar: tuple[ReportDue, ...]
    indicators: tuple[IndicatorPlan, ...]
    made_on: date
    session_on: date | None = None  # the Bureau session that voted it

    @property
    def share(self) -> Decimal | None:
        """The grant's share of the total cost (1 is the whole)."""
        return self.granted / self.total_cost if self.total_cost else None

    @property
    def city_share(self) -> Decimal | None:
        return self.city_amount / self.total_cost if self.total_cost else None


def convention_of(
    answers: Answers,
    *,
    reference: str,
    version: int,
    city: str,
    country: str,
    granted: Decimal,
    start_on: date,
    months: int,
    report_months: int,
    tranches: tuple[Tranche, ...],
    indicators: tuple[IndicatorPlan, ...],
    made_on: date,
    session_on: date | None = None,
) -> Convention:
    plan = financing(answers)
    calendar = tuple(report_calendar(start_on, months, report_months))
    return Convention(
        reference=reference,
        version=version,
        city=city,
        country=country,
        mayor=str(answers.get("mayor") or ""),
        title=str(answers.get("title") or ""),
        sector=str(answers.get("sector") or ""),
        district=str(answers.get("district") or ""),
        currency=str(answers.get("currency") or ""),
        granted=granted,
        total_cost=plan.total,
        city_amount=plan.city,
        city_kind=str(answers.get("city_kind") or ""),
        partners=tuple(
            Partner(
                str(p.get("name") or ""),
                str(p.get("type") or ""),
                Decimal(str(p.get("amount") or 0)),
                p.get("status") == "confirmed",
            )
            for p in answers.get("partners") or ()
        ),
        start_on=start_on,
        months=months,
        end_on=calendar[-1].due_on,
        tranches=tranches,
        calendar=calendar,
        indicators=indicators,
        made_on=made_on,
        session_on=session_on,
    )
