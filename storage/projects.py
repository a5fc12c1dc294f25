"""Projects (an approved dossier's grant), their tranches and payments, the convention's copies
and acceptances, the reports owed, and the portfolio.

Every move is a compare-and-set, like `storage.dossiers.set_status`: `UPDATE … WHERE id = :id
AND status = :from`, which raises `StatusMoved` (nothing written, the row read again) when
someone else moved it first. On PostgreSQL a second mover waits on the row's lock and then finds
the status changed; on SQLite writers take turns. Two staff marking the same tranche paid at once
record one payment; two officials accepting the same convention, one acceptance. A payment also
locks its project's row first (a write on it) and sums what was paid after that, so payments of
different tranches at once never add up to more than the grant. The caller commits.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from bot.domain.forms import AnswerRole
from bot.domain.fund_form import FUND_FORM
from bot.domain.project import ProjectStatus, ReportStatus, TrancheStatus
from bot.domain.tranches import Condition, ScheduleError, check_payment
from bot.domain.tranches import Tranche as PlannedTranche
from storage.dossiers import StatusMoved, change_status
from storage.models import (
    Account,
    BureauSession,
    City,
    ConventionAcceptance,
    ConventionCopy,
    Dossier,
    Payment,
    Project,
    ProjectEvent,
    Report,
    Tranche,
)
from storage.types import utcnow
from storage.updates import record_before_core_write

BOT_USER = 0  # `by_user` of a move the bot makes itself
TITLE = FUND_FORM.key_of(AnswerRole.TITLE)  # a project's dossier is the Fund's


class PaymentRefused(Exception):
    """A payment over what is left of the grant (`code` and `details` as ScheduleError's)."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


# --- projects ---------------------------------------------------------------------------------


async def create_project(
    session: AsyncSession,
    dossier: Dossier,
    *,
    currency: str,
    granted: Decimal,
    start_on: date,
    months: int,
    report_months: int,
    framework: list[dict[str, Any]],
    tranches: Sequence[PlannedTranche],
) -> tuple[Project, bool]:
    """The approved dossier's project, with its schedule, in "preparing"; once: a second call
    (the same approval handled twice, or two at once) finds it made and makes nothing (False)."""
    existing = await session.get(Project, dossier.id)
    if existing is not None:
        return existing, False
    project = Project(
        dossier_id=dossier.id,
        status=ProjectStatus.PREPARING,
        currency=currency,
        granted=str(granted),
        start_on=start_on,
        months=months,
        report_months=report_months,
        framework=framework,
    )
    try:
        async with session.begin_nested():
            session.add(project)
            await session.flush()
    except IntegrityError:
        found = await session.get(Project, dossier.id, populate_existing=True)
        assert found is not None
        return found, False
    _add_tranches(session, project.dossier_id, tranches)
    await session.flush()
    return project, True


def _add_tranches(
    session: AsyncSession, project_id: int, tranches: Sequence[PlannedTranche]
) -> None:
    for t in tranches:
        session.add(
            Tranche(
                project_id=project_id,
                number=t.number,
                amount=str(t.amount),
                condition=str(t.condition),
                planned_on=t.planned_on,
                status=TrancheStatus.PLANNED,
            )
        )


async def tranches(session: AsyncSession, project_id: int) -> list[Tranche]:
    rows = await session.scalars(
        select(Tranche).where(Tranche.project_id == project_id).order_by(Tranche.number)
    )
    return list(rows)


def planned(row: Tranche) -> PlannedTranche:
    """A stored tranche as the domain's schedule sees it."""
    return PlannedTranche(
        row.number, Decimal(row.amount), Condition.parse(row.condition), row.planned_on
    )


async def _cas(
    session: AsyncSession,
    table: Table,
    key: Any,
    where: Any,
    values: dict[str, Any],
) -> bool:
    """One compare-and-set write (the update id goes in before it); whether it took."""
    await record_before_core_write(session)
    result = await session.execute(
        update(table)
        .where(key, where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def _moved(session: AsyncSession, row: Any, ident: int, status: str) -> StatusMoved:
    await session.refresh(row)
    return StatusMoved(ident, row.status, None)


async def move_project(
    session: AsyncSession,
    project: Project,
    from_status: str,
    to_status: str,
    by_user: int,
    reason: str | None = None,
) -> datetime:
    """Move the project from `from_status` to `to_status` with its history entry, only if it
    still is in `from_status` (else `StatusMoved`, nothing written). Suspending keeps where it
    was suspended from (resuming goes back there)."""
    now = utcnow()
    table = Project.__table__
    values: dict[str, Any] = {"status": to_status, "updated_at": now}
    if to_status == ProjectStatus.SUSPENDED:
        values["suspended_from"] = from_status
    if reason is not None:
        values["reason"] = reason
    took = await _cas(
        session,
        table,
        table.c.dossier_id == project.dossier_id,
        table.c.status == from_status,
        values,
    )
    if not took:
        raise await _moved(session, project, project.dossier_id, from_status)
    for name, value in values.items():
        set_committed_value(project, name, value)
    _event(session, project.dossier_id, "project", from_status, to_status, by_user, reason, now)
    return now


def _event(
    session: AsyncSession,
    project_id: int,
    subject: str,
    source: str,
    target: str,
    by_user: int,
    reason: str | None,
    at: datetime,
) -> None:
    session.add(
        ProjectEvent(
            project_id=project_id,
            subject=subject,
            from_status=source,
            to_status=target,
            by_user=by_user,
            reason=reason,
            at=at,
        )
    )


async def events(session: AsyncSession, project_id: int) -> list[ProjectEvent]:
    rows = await session.scalars(
        select(ProjectEvent)
        .where(ProjectEvent.project_id == project_id)
        .order_by(ProjectEvent.at, ProjectEvent.id)
    )
    return list(rows)


async def _claim_preparing(session: AsyncSession, project: Project) -> None:
    """Lock the project while it is prepared (its schedule and framework change only then)."""
    table = Project.__table__
    took = await _cas(
        session,
        table,
        table.c.dossier_id == project.dossier_id,
        table.c.status == ProjectStatus.PREPARING,
        {"updated_at": utcnow()},
    )
    if not took:
        raise await _moved(session, project, project.dossier_id, ProjectStatus.PREPARING)


async def replace_schedule(
    session: AsyncSession, project: Project, schedule: Sequence[PlannedTranche]
) -> None:
    """Staff's adjusted schedule (checked by the domain: `bot.domain.tranches.check_schedule`)
    replaces the planned one, only while the convention is prepared (else `StatusMoved`)."""
    await _claim_preparing(session, project)
    for row in await tranches(session, project.dossier_id):
        await session.delete(row)
    await session.flush()
    _add_tranches(session, project.dossier_id, schedule)
    await session.flush()


async def set_framework(
    session: AsyncSession, project: Project, framework: list[dict[str, Any]]
) -> None:
    """The indicators' numbers as the Secretariat typed them, while the convention is prepared."""
    await _claim_preparing(session, project)
    table = Project.__table__
    await session.execute(
        update(table).where(table.c.dossier_id == project.dossier_id).values(framework=framework)
    )
    set_committed_value(project, "framework", framework)


# --- the convention ---------------------------------------------------------------------------


async def propose_convention(
    session: AsyncSession,
    project: Project,
    by_user: int,
    copies: dict[str, tuple[str, str]],
) -> int:
    """The convention is sent: a new version (1, 2, …), its PDF per language (`{language:
    (sha256, path)}`) kept as sent; "preparing" → "convention proposed". Returns the version."""
    now = await move_project(
        session, project, ProjectStatus.PREPARING, ProjectStatus.PROPOSED, by_user
    )
    version = project.convention_version + 1
    table = Project.__table__
    await session.execute(
        update(table)
        .where(table.c.dossier_id == project.dossier_id)
        .values(convention_version=version, proposed_at=now)
    )
    set_committed_value(project, "convention_version", version)
    set_committed_value(project, "proposed_at", now)
    for language, (sha256, path) in copies.items():
        session.add(
            ConventionCopy(
                project_id=project.dossier_id,
                version=version,
                language=language,
                sha256=sha256,
                path=path,
            )
        )
    await session.flush()
    return version


async def convention_copy(
    session: AsyncSession, project_id: int, version: int, language: str
) -> ConventionCopy | None:
    return await session.scalar(
        select(ConventionCopy).where(
            ConventionCopy.project_id == project_id,
            ConventionCopy.version == version,
            ConventionCopy.language == language,
        )
    )


async def accept_convention(
    session: AsyncSession, project: Project, version: int, account: Account, language: str
) -> ConventionAcceptance:
    """A verified official accepts version `version`, the PDF they were sent in `language`:
    "convention proposed" → "under way", only if that version is still the one proposed (a
    changed convention needs a new acceptance; else `StatusMoved`). Records who, when and the
    SHA-256 of that exact PDF."""
    copy = await convention_copy(session, project.dossier_id, version, language)
    if copy is None:
        raise LookupError(f"no copy of version {version} in {language}")
    table = Project.__table__
    took = await _cas(
        session,
        table,
        table.c.dossier_id == project.dossier_id,
        (table.c.status == ProjectStatus.PROPOSED) & (table.c.convention_version == version),
        {"status": ProjectStatus.UNDER_WAY, "updated_at": utcnow()},
    )
    if not took:
        raise await _moved(session, project, project.dossier_id, ProjectStatus.PROPOSED)
    set_committed_value(project, "status", ProjectStatus.UNDER_WAY)
    acceptance = ConventionAcceptance(
        project_id=project.dossier_id,
        version=version,
        by_user=account.telegram_id,
        language=language,
        sha256=copy.sha256,
        at=utcnow(),
    )
    session.add(acceptance)
    _event(
        session,
        project.dossier_id,
        "project",
        ProjectStatus.PROPOSED,
        ProjectStatus.UNDER_WAY,
        account.telegram_id,
        None,
        acceptance.at,
    )
    await session.flush()
    return acceptance


async def acceptances(session: AsyncSession, project_id: int) -> list[ConventionAcceptance]:
    rows = await session.scalars(
        select(ConventionAcceptance)
        .where(ConventionAcceptance.project_id == project_id)
        .order_by(ConventionAcceptance.version)
    )
    return list(rows)


# --- tranches and payments --------------------------------------------------------------------


async def _move_tranche(
    session: AsyncSession,
    tranche: Tranche,
    from_status: str,
    to_status: str,
    by_user: int,
    reason: str | None = None,
    **values: Any,
) -> datetime:
    now = utcnow()
    table = Tranche.__table__
    changes = {"status": to_status, **values}
    took = await _cas(
        session, table, table.c.id == tranche.id, table.c.status == from_status, changes
    )
    if not took:
        raise await _moved(session, tranche, tranche.id, from_status)
    for name, value in changes.items():
        set_committed_value(tranche, name, value)
    _event(
        session,
        tranche.project_id,
        f"tranche:{tranche.number}",
        from_status,
        to_status,
        by_user,
        reason,
        now,
    )
    return now


async def mark_due(session: AsyncSession, tranche: Tranche) -> datetime:
    """Its condition is met (the bot's move): "planned" → "due"."""
    return await _move_tranche(
        session, tranche, TrancheStatus.PLANNED, TrancheStatus.DUE, BOT_USER, due_at=utcnow()
    )


async def paid_so_far(session: AsyncSession, project_id: int) -> list[Decimal]:
    rows = await session.scalars(select(Payment.amount).where(Payment.project_id == project_id))
    return [Decimal(amount) for amount in rows]


async def record_payment(
    session: AsyncSession,
    project: Project,
    tranche: Tranche,
    *,
    paid_on: date,
    amount: Decimal,
    bank_reference: str,
    by_user: int,
) -> Payment:
    """Staff mark a due tranche paid: the project's row is locked first, the tranche moves "due"
    → "paid" (else `StatusMoved`: someone else marked it first), what is left of the grant is
    checked (else `PaymentRefused`, and the caller rolls back) and the payment is recorded."""
    table = Project.__table__
    await record_before_core_write(session)
    await session.execute(  # the lock: payments of one project are made one after the other
        update(table)
        .where(table.c.dossier_id == project.dossier_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await _move_tranche(session, tranche, TrancheStatus.DUE, TrancheStatus.PAID, by_user)
    try:
        check_payment(
            amount,
            Decimal(project.granted),
            await paid_so_far(session, project.dossier_id),
            project.currency,
        )
    except ScheduleError as refused:  # the caller rolls back: the tranche stays due
        raise PaymentRefused(refused.code, **refused.details) from None
    payment = Payment(
        tranche_id=tranche.id,
        project_id=project.dossier_id,
        paid_on=paid_on,
        amount=str(amount),
        bank_reference=bank_reference,
        by_user=by_user,
    )
    session.add(payment)
    await session.flush()
    return payment


async def confirm_receipt(
    session: AsyncSession,
    tranche: Tranche,
    by_user: int,
    *,
    amount: Decimal | None = None,
    note: str | None = None,
) -> Payment:
    """The city confirms the payment arrived ("paid" → "received"), or says what arrived when it
    differs (`amount`, with a note); once (else `StatusMoved`)."""
    await _move_tranche(session, tranche, TrancheStatus.PAID, TrancheStatus.RECEIVED, by_user, note)
    payment = await session.scalar(select(Payment).where(Payment.tranche_id == tranche.id))
    assert payment is not None, tranche.id
    payment.received_at = utcnow()
    payment.received_by = by_user
    payment.received_amount = str(amount if amount is not None else Decimal(payment.amount))
    payment.difference_note = note
    await session.flush()
    return payment


async def payments(session: AsyncSession, project_id: int) -> list[Payment]:
    rows = await session.scalars(
        select(Payment).where(Payment.project_id == project_id).order_by(Payment.id)
    )
    return list(rows)


# --- reports ----------------------------------------------------------------------------------


async def open_report(
    session: AsyncSession,
    parent: Dossier,
    *,
    form: str,
    form_version: int,
    kind: str,
    number: int,
    due_on: date,
    plan: dict[str, Any] | None,
    answers: dict[str, Any],
    created_by: int,
) -> tuple[Report, bool]:
    """The report `kind` `number` of a project (or an emergency): a draft record of its form
    naming its parent, and its row; once (a second call finds it: False)."""
    existing = await report_of(session, parent.id, kind, number)
    if existing is not None:
        return existing, False
    try:
        async with session.begin_nested():
            record = Dossier(
                city_id=parent.city_id,
                created_by=created_by,
                form=form,
                form_version=form_version,
                status=ReportStatus.DRAFT,
                answers=answers,
                cursor=None,
                parent_id=parent.id,
            )
            session.add(record)
            await session.flush()
            report = Report(
                dossier_id=record.id,
                parent_id=parent.id,
                kind=kind,
                number=number,
                due_on=due_on,
                plan=plan,
                returned=[],
            )
            session.add(report)
            await session.flush()
    except IntegrityError:
        found = await report_of(session, parent.id, kind, number)
        assert found is not None
        return found, False
    return report, True


async def report_of(session: AsyncSession, parent_id: int, kind: str, number: int) -> Report | None:
    return await session.scalar(
        select(Report).where(
            Report.parent_id == parent_id, Report.kind == kind, Report.number == number
        )
    )


async def reports(session: AsyncSession, parent_id: int) -> list[tuple[Report, Dossier]]:
    """A project's (or an emergency's) reports with their records, in the calendar's order."""
    rows = await session.execute(
        select(Report, Dossier)
        .join(Dossier, Dossier.id == Report.dossier_id)
        .where(Report.parent_id == parent_id)
        .order_by(Report.due_on, Report.number)
    )
    return [(report, record) for report, record in rows.all()]


async def move_report(
    session: AsyncSession,
    report: Report,
    record: Dossier,
    from_status: str,
    to_status: str,
    by_user: int,
    *,
    returned: Sequence[str] = (),
    note: str | None = None,
) -> None:
    """A report's move (its dossier row's compare-and-set and history entry; `StatusMoved`
    when it moved first). Returned: the items named reopen, the others stay as they were;
    submitted again: nothing stays returned; approved: when."""
    await change_status(session, record, to_status, by_user, note, from_status=from_status)
    if to_status == ReportStatus.RETURNED:
        report.returned = list(returned)
        report.note = note
    elif to_status == ReportStatus.SUBMITTED:
        report.returned = []
        if record.submitted_at is None:
            record.submitted_at = utcnow()
    elif to_status == ReportStatus.APPROVED:
        report.approved_at = utcnow()
    await session.flush()


# --- the portfolio ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    """One project as `/projects` lists it."""

    project: Project
    reference: str | None
    city: str
    country: str
    title: str
    tranches: list[Tranche]
    paid: Decimal
    received: Decimal
    city_id: int = 0


async def portfolio(
    session: AsyncSession,
    statuses: Sequence[str] | None = None,
    *,
    country: str | None = None,
    city_id: int | None = None,
    limit: int | None = None,
) -> list[PortfolioRow]:
    """Projects (in these statuses), the newest first, with their city, tranches and what was
    paid and received: three statements whatever their number."""
    query = (
        select(Project, Dossier.reference, Dossier.answers[TITLE].as_string(), City)
        .join(Dossier, Dossier.id == Project.dossier_id)
        .join(City, City.id == Dossier.city_id)
        .order_by(Project.created_at.desc(), Project.dossier_id.desc())
    )
    if statuses is not None:
        query = query.where(Project.status.in_(list(statuses)))
    if country:
        query = query.where(City.country == country)
    if city_id is not None:
        query = query.where(Dossier.city_id == city_id)
    if limit is not None:
        query = query.limit(limit)
    rows = (await session.execute(query)).all()
    ids = [row[0].dossier_id for row in rows]
    by_project: dict[int, list[Tranche]] = {i: [] for i in ids}
    paid: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    received: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    if ids:
        for tranche in await session.scalars(
            select(Tranche).where(Tranche.project_id.in_(ids)).order_by(Tranche.number)
        ):
            by_project[tranche.project_id].append(tranche)
        for payment in await session.scalars(select(Payment).where(Payment.project_id.in_(ids))):
            paid[payment.project_id] += Decimal(payment.amount)
            if payment.received_amount is not None:
                received[payment.project_id] += Decimal(payment.received_amount)
    return [
        PortfolioRow(
            project,
            reference,
            city.name,
            city.country,
            title or "",
            by_project[project.dossier_id],
            paid[project.dossier_id],
            received[project.dossier_id],
            city.id,
        )
        for project, reference, title, city in rows
    ]


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Project.status, func.count()).group_by(Project.status))
    return {status: int(count) for status, count in rows}


async def grants_by_session(
    session: AsyncSession,
) -> list[tuple[date | None, str, Decimal, Decimal, Decimal]]:
    """Each project not cancelled: the day of the Bureau session that granted it (None when it
    was on none), its currency, what was granted, paid and received."""
    rows = await session.execute(
        select(Project.dossier_id, BureauSession.held_on, Project.currency, Project.granted)
        .join(Dossier, Dossier.id == Project.dossier_id)
        .outerjoin(BureauSession, BureauSession.id == Dossier.session_id)
        .where(Project.status != ProjectStatus.CANCELLED)
    )
    projects = rows.all()
    paid: dict[int, Decimal] = {}
    received: dict[int, Decimal] = {}
    for payment in await session.scalars(select(Payment)):
        paid[payment.project_id] = paid.get(payment.project_id, Decimal(0)) + Decimal(
            payment.amount
        )
        if payment.received_amount is not None:
            received[payment.project_id] = received.get(payment.project_id, Decimal(0)) + Decimal(
                payment.received_amount
            )
    return [
        (
            held_on,
            currency,
            Decimal(granted),
            paid.get(ident, Decimal(0)),
            received.get(ident, Decimal(0)),
        )
        for ident, held_on, currency, granted in projects
    ]


async def payments_of(session: AsyncSession, project_ids: Sequence[int]) -> list[Payment]:
    """The payments of these projects, in one statement."""
    if not project_ids:
        return []
    rows = await session.scalars(select(Payment).where(Payment.project_id.in_(list(project_ids))))
    return list(rows)


async def last_acceptances(
    session: AsyncSession, project_ids: Sequence[int]
) -> dict[int, ConventionAcceptance]:
    """Each project's latest acceptance (its highest version), in one statement."""
    if not project_ids:
        return {}
    rows = await session.scalars(
        select(ConventionAcceptance)
        .where(ConventionAcceptance.project_id.in_(list(project_ids)))
        .order_by(ConventionAcceptance.version)
    )
    return {a.project_id: a for a in rows}


async def report_plan(
    session: AsyncSession, dossier_id: int
) -> tuple[dict[str, Any] | None, list[str]]:
    """The plan a report's record was asked against (its form is built from it), and the items
    returned for revision."""
    row = (
        await session.execute(
            select(Report.plan, Report.returned).where(Report.dossier_id == dossier_id)
        )
    ).first()
    return (row[0], list(row[1] or ())) if row is not None else (None, [])


async def report_row(session: AsyncSession, dossier_id: int) -> tuple[Report, Dossier] | None:
    """A report's row and its record, by the record's id."""
    report = await session.scalar(select(Report).where(Report.dossier_id == dossier_id))
    if report is None:
        return None
    record = await session.get(Dossier, dossier_id)
    return (report, record) if record is not None else None


async def count_projects(
    session: AsyncSession,
    statuses: Sequence[str] | None = None,
    *,
    country: str | None = None,
    city_id: int | None = None,
) -> int:
    """How many projects `portfolio` would list without a limit."""
    query = (
        select(func.count())
        .select_from(Project)
        .join(Dossier, Dossier.id == Project.dossier_id)
        .join(City, City.id == Dossier.city_id)
    )
    if statuses is not None:
        query = query.where(Project.status.in_(list(statuses)))
    if country:
        query = query.where(City.country == country)
    if city_id is not None:
        query = query.where(Dossier.city_id == city_id)
    return int(await session.scalar(query) or 0)


async def approved_reports(
    session: AsyncSession,
) -> list[tuple[Report, dict[str, Any], dict[str, Any], str]]:
    """Every approved report of a project: its row, its answers, its project's answers and the
    project's country (the results reached are read from them)."""
    parent = aliased(Dossier)
    rows = await session.execute(
        select(Report, Dossier.answers, parent.answers, City.country)
        .join(Dossier, Dossier.id == Report.dossier_id)
        .join(parent, parent.id == Report.parent_id)
        .join(City, City.id == parent.city_id)
        .where(Dossier.status == ReportStatus.APPROVED, Dossier.form == "report")
    )
    return [(r, answers or {}, project or {}, country) for r, answers, project, country in rows]
