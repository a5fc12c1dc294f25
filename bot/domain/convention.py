"""The convention (the grant agreement, DOMAIN.md §4) as a value: what its PDF states, drawn from
the approved dossier's answers and the project's own facts (the amount granted, the schedule of
tranches, the reporting calendar, the results framework with its numbers). A changed convention
is a new version, which needs a new acceptance.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.domain.follow_up import ReportDue, report_calendar
from bot.domain.forms import AnswerRole, Answers
from bot.domain.fund_form import FUND_FORM, financing
from bot.domain.results import IndicatorPlan
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
    read = FUND_FORM.read(answers)
    calendar = tuple(report_calendar(start_on, months, report_months))
    return Convention(
        reference=reference,
        version=version,
        city=city,
        country=country,
        mayor=read.text(AnswerRole.MAYOR),
        title=read.title,
        sector=read.sector,
        district=read.text(AnswerRole.DISTRICT),
        currency=read.text(AnswerRole.CURRENCY),
        granted=granted,
        total_cost=plan.total,
        city_amount=plan.city,
        city_kind=read.text(AnswerRole.CITY_KIND),
        partners=tuple(
            Partner(
                str(p.get("name") or ""),
                str(p.get("type") or ""),
                Decimal(str(p.get("amount") or 0)),
                p.get("status") == "confirmed",
            )
            for p in read.entries(AnswerRole.PARTNERS)
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
