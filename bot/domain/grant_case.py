"""A project as its screens and notices show it (DOMAIN.md §4): the grant, its tranches with
their payments, the convention's version and whether it was accepted, what was paid and
received, what the next tranche waits for and which report comes next. Pure values, built by
`bot.services.projects` from the stored rows."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.domain.follow_up import ReportDue, next_report, report_calendar
from bot.domain.project import ProjectStatus, ReportStatus, TrancheStatus
from bot.domain.report_form import facts_of, plan_of
from bot.domain.results import IndicatorPlan
from bot.domain.tranches import Condition, Ledger


@dataclass(frozen=True)
class TrancheLine:
    id: int
    number: int
    amount: Decimal
    condition: Condition
    status: str
    planned_on: date | None = None
    paid_on: date | None = None
    paid: Decimal | None = None
    bank_reference: str = ""
    received: Decimal | None = None  # what the city says arrived
    difference_note: str = ""

    @property
    def waiting(self) -> bool:
        """Not paid yet: it waits for its condition (planned) or for the payment (due)."""
        return self.status in (TrancheStatus.PLANNED, TrancheStatus.DUE)


@dataclass(frozen=True)
class ProjectCase:
    id: int  # the approved dossier's id
    reference: str
    title: str
    city_id: int
    city: str
    country: str
    status: str
    currency: str
    granted: Decimal
    start_on: date
    months: int
    report_months: int
    convention_version: int
    tranches: tuple[TrancheLine, ...]
    indicators: tuple[IndicatorPlan, ...]
    accepted_version: int | None = None  # the last version a verified official accepted
    accepted_at: datetime | None = None
    suspended_from: str | None = None
    reason: str = ""
    approved_reports: frozenset[tuple[str, int]] = frozenset()
    # The reports asked of the city: (record id, which report, its status), in calendar order.
    reports: tuple[tuple[int, ReportDue, str], ...] = ()

    @property
    def owed_reports(self) -> list[tuple[int, ReportDue, str]]:
        """Reports the city is to fill now: drafts and those returned for revision."""
        return [r for r in self.reports if r[2] in (ReportStatus.DRAFT, ReportStatus.RETURNED)]

    @property
    def ledger(self) -> Ledger:
        paid = sum((t.paid for t in self.tranches if t.paid is not None), Decimal(0))
        received = sum((t.received for t in self.tranches if t.received is not None), Decimal(0))
        return Ledger(self.granted, paid, received)

    @property
    def next_tranche(self) -> TrancheLine | None:
        return next((t for t in self.tranches if t.waiting), None)

    def tranche(self, tranche_id: int) -> TrancheLine | None:
        return next((t for t in self.tranches if t.id == tranche_id), None)

    @property
    def calendar(self) -> list[ReportDue]:
        return report_calendar(self.start_on, self.months, self.report_months)

    @property
    def next_report(self) -> ReportDue | None:
        if self.status in (ProjectStatus.CLOSED, ProjectStatus.CANCELLED):
            return None
        return next_report(self.calendar, set(self.approved_reports))

    @property
    def missing_numbers(self) -> list[IndicatorPlan]:
        return [i for i in self.indicators if not i.has_numbers]


@dataclass(frozen=True)
class AidCase:
    """An approved emergency aid, as the notices and screens of its report (on the use of the
    aid) show it: the emergency's record, reference and event, its city, the amount approved."""

    id: int  # the emergency's record
    reference: str
    event: str  # the event's key (bot/domain/emergency_form.py EVENTS)
    city_id: int
    city: str
    country: str
    granted: Decimal
    currency: str
    purpose: str = ""  # the proposal's, as typed


@dataclass(frozen=True)
class SessionFigures:
    """What one Bureau session granted (in one currency), and what was paid and received of it."""

    held_on: date | None  # None: granted on no recorded session
    currency: str
    projects: int
    granted: Decimal
    paid: Decimal
    received: Decimal


def figures_by_session(
    rows: Iterable[tuple[date | None, str, Decimal, Decimal, Decimal]],
) -> list[SessionFigures]:
    """Paid against granted per Bureau session and currency, the latest session first."""
    sums: dict[tuple[date | None, str], list[Decimal]] = {}
    for held_on, currency, granted, paid, received in rows:
        total = sums.setdefault((held_on, currency), [Decimal(0)] * 4)
        total[0] += 1
        total[1] += granted
        total[2] += paid
        total[3] += received
    figures = [
        SessionFigures(held_on, currency, int(t[0]), t[1], t[2], t[3])
        for (held_on, currency), t in sums.items()
    ]
    return sorted(figures, key=lambda f: (f.held_on or date.min, f.currency), reverse=True)


@dataclass(frozen=True)
class Reached:
    """People reached by the projects of one sector in one country (their last approved
    reports), and of them women and men where the reports say."""

    sector: str
    country: str
    people: Decimal
    women: int
    men: int


def results_reached(
    reports: Iterable[tuple[int, date, str, str, Sequence[IndicatorPlan], Mapping[str, Any]]],
) -> list[Reached]:
    """From each project's approved reports `(project, due_on, sector, country, indicators,
    answers)`, its last one (values reached are "so far"), summed per sector and country over
    the indicators that count people; the most people first."""
    last: dict[int, tuple[date, str, str, Sequence[IndicatorPlan], Mapping[str, Any]]] = {}
    for project, due_on, sector, country, indicators, answers in reports:
        if project not in last or due_on > last[project][0]:
            last[project] = (due_on, sector, country, indicators, answers)
    sums: dict[tuple[str, str], list[Any]] = {}
    for _due, sector, country, indicators, answers in last.values():
        facts = facts_of(plan_of({}, indicators), answers)
        for result in facts.indicators:
            if not result.plan.counts_people or result.reached is None:
                continue
            total = sums.setdefault((sector, country), [Decimal(0), 0, 0])
            total[0] += result.reached
            total[1] += result.women or 0
            total[2] += result.men or 0
    reached = [Reached(sector, country, *t) for (sector, country), t in sums.items()]
    return sorted(reached, key=lambda r: (-r.people, r.sector, r.country))
