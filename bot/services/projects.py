"""The grant after the vote (DOMAIN.md §4, issue 17): the project made when the Bureau's approval
is recorded, its convention prepared (the schedule and the indicators' numbers adjusted),
proposed (a PDF per language, each copy kept with its SHA-256) and accepted by a verified
official of the city; its tranches coming due, paid by staff and confirmed by the city; the
portfolio. Each change is one transaction with the notices it causes (written to the outbox).

Who may act: staff with the right to review dossiers; as the city, only a verified official of
the project's city (bot/domain/access.py). Every move is a compare-and-set on the status the
presser saw (storage/projects.py raises StatusMoved): a second press changes nothing."""

import asyncio
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.convention import convention_of
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.follow_up import ReportDue, ReportKind, progress_reports
from bot.domain.forms import AnswerRole, Form
from bot.domain.fund_form import FUND_FORM
from bot.domain.grant_case import (
    AidCase,
    ProjectCase,
    Reached,
    SessionFigures,
    TrancheLine,
    figures_by_session,
    results_reached,
)
from bot.domain.payments import TypedPayment
from bot.domain.people import Verification
from bot.domain.project import (
    AID_REPORT_FORM_KEY,
    PROJECT_FORM_KEY,
    PROJECT_MOVES,
    REPORT_FORM_KEY,
    REPORT_MOVES,
    TRANCHE_MOVES,
    Needs,
    ProjectStatus,
    ReportStatus,
    TrancheStatus,
    find_grant_move,
    may_adjust,
)
from bot.domain.records import Person, Record
from bot.domain.refusals import Gone, Refused
from bot.domain.report_form import (
    AID_REPORT_FORM,
    ReportCase,
    ReportPlan,
    plan_of,
    report_form,
    revision_form,
    seed_answers,
)
from bot.domain.report_form import FORM_VERSION as REPORT_FORM_VERSION
from bot.domain.report_form import items as report_items
from bot.domain.results import IndicatorPlan, indicators_of, with_numbers
from bot.domain.roles import Action, Role, may
from bot.domain.tranches import (
    Condition,
    Facts,
    ScheduleError,
    coming_due,
    default_tranches,
    with_amount,
    with_condition,
    with_date,
)
from bot.domain.workflow import Status
from bot.notify.projects import Event, GrantEvent, Readers, notices
from bot.notify.readers import Voice
from bot.services.aid_reports import aid_case
from bot.services.dossiers import record_of
from bot.services.people import person_of
from storage import people as people_queries
from storage import projects as queries
from storage import review as review_queries
from storage.dossiers import StatusMoved, attachments
from storage.files import store_file
from storage.models import (
    Account,
    BureauSession,
    City,
    ConventionAcceptance,
    Dossier,
    Payment,
    Project,
    Report,
    Tranche,
)
from storage.outbox import post
from storage.types import utcnow


class Outcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # not this person's to take (a forged or foreign button)
    MOVED = "moved"  # someone else moved it first, or the button was old


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    case: ProjectCase | AidCase | None = None  # an aid's: after a move of its report


def _start_on(answers: dict[str, Any], today: date) -> date:
    try:
        start = FUND_FORM.read(answers).value(AnswerRole.START_DATE)
        return max(date.fromisoformat(str(start)), today)
    except ValueError:
        return today


def _case_of(
    project: Project,
    reference: str,
    title: str,
    city_id: int,
    city: str,
    country: str,
    tranches: list[Tranche],
    payments: dict[int, Payment],
    last: ConventionAcceptance | None,
) -> ProjectCase:
    lines = []
    for t in tranches:
        paid = payments.get(t.id)
        lines.append(
            TrancheLine(
                id=t.id,
                number=t.number,
                amount=Decimal(t.amount),
                condition=Condition.parse(t.condition),
                status=t.status,
                planned_on=t.planned_on,
                paid_on=paid.paid_on if paid else None,
                paid=Decimal(paid.amount) if paid else None,
                bank_reference=paid.bank_reference if paid else "",
                received=Decimal(paid.received_amount) if paid and paid.received_amount else None,
                difference_note=(paid.difference_note or "") if paid else "",
            )
        )
    return ProjectCase(
        id=project.dossier_id,
        reference=reference,
        title=title,
        city_id=city_id,
        city=city,
        country=country,
        status=project.status,
        currency=project.currency,
        granted=Decimal(project.granted),
        start_on=project.start_on,
        months=project.months,
        report_months=project.report_months,
        convention_version=project.convention_version,
        tranches=tuple(lines),
        indicators=tuple(IndicatorPlan.from_json(i) for i in project.framework or ()),
        accepted_version=last.version if last else None,
        accepted_at=last.at if last else None,
        suspended_from=project.suspended_from,
        reason=project.reason or "",
    )


async def project_case(session: AsyncSession, project: Project) -> ProjectCase:
    row = await session.get(Dossier, project.dossier_id)
    assert row is not None
    city = await session.get(City, row.city_id)
    payments = {p.tranche_id: p for p in await queries.payments(session, project.dossier_id)}
    accepted = await queries.acceptances(session, project.dossier_id)
    reports = tuple(
        (r.dossier_id, ReportDue(r.due_on, ReportKind(r.kind), r.number), record.status)
        for r, record in await queries.reports(session, project.dossier_id)
    )
    case = _case_of(
        project,
        row.reference or "",
        FUND_FORM.read(row.answers or {}).title,
        row.city_id,
        city.name if city else "",
        city.country if city else "",
        await queries.tranches(session, project.dossier_id),
        payments,
        accepted[-1] if accepted else None,
    )
    approved = frozenset(
        (str(due.kind), due.number)
        for _id, due, status in reports
        if status == ReportStatus.APPROVED
    )
    return replace(case, reports=reports, approved_reports=approved)


async def project_cases(
    session: AsyncSession,
    statuses: list[str] | None,
    country: str | None = None,
    city_id: int | None = None,
    limit: int | None = None,
) -> list[ProjectCase]:
    """The portfolio as cases (the newest first, `limit` of them), in five statements whatever
    the number of projects."""
    rows = await queries.portfolio(session, statuses, country=country, city_id=city_id, limit=limit)
    ids = [r.project.dossier_id for r in rows]
    payments = {p.tranche_id: p for p in await queries.payments_of(session, ids)}
    last = await queries.last_acceptances(session, ids)
    return [
        _case_of(
            r.project,
            r.reference or "",
            r.title,
            r.city_id,
            r.city,
            r.country,
            r.tranches,
            payments,
            last.get(r.project.dossier_id),
        )
        for r in rows
    ]


async def verified_officials(session: AsyncSession, city_id: int) -> list[Person]:
    """Who acts and is told as the city: its verified officials only."""
    return [
        person_of(a)
        for a in await people_queries.officials(session, city_id)
        if a.verification == Verification.VERIFIED
    ]


async def grant_facts(session: AsyncSession, project_id: int) -> Facts:
    """What the project's tranches may wait for: the convention accepted, reports approved."""
    approved = [
        report
        for report, record in await queries.reports(session, project_id)
        if record.status == ReportStatus.APPROVED
    ]
    return Facts(
        convention_accepted=bool(await queries.acceptances(session, project_id)),
        approved_reports=frozenset(r.number for r in approved if r.kind == ReportKind.PROGRESS),
        final_approved=any(r.kind == ReportKind.FINAL for r in approved),
    )


async def open_project_report(
    session: AsyncSession, project: Project, due: ReportDue, notices: "GrantNotices"
) -> bool:
    """The report `due` of an open project, asked of the city (its form frozen from the
    project's framework and budget); once. The final report's day moves the project to "final
    report due". Whether it was opened now."""
    if project.status not in (ProjectStatus.UNDER_WAY, ProjectStatus.FINAL_REPORT_DUE):
        return False
    row = await session.get(Dossier, project.dossier_id)
    assert row is not None
    indicators = [IndicatorPlan.from_json(i) for i in project.framework or ()]
    plan = plan_of(row.answers or {}, indicators, final=due.kind == ReportKind.FINAL)
    report, made = await queries.open_report(
        session,
        row,
        form=REPORT_FORM_KEY,
        form_version=REPORT_FORM_VERSION,
        kind=str(due.kind),
        number=due.number,
        due_on=due.due_on,
        plan=plan.to_json(),
        answers=seed_answers(project.currency),
        created_by=row.created_by,  # an account (its key); the bot itself has none
    )
    if not made:
        return False
    case = await project_case(session, project)
    event = Event(GrantEvent.REPORT_OPENED, case, report=due, record_id=report.dossier_id)
    await notices.send(session, event)
    return True


class GrantNotices:
    """Writes an event's notices to the outbox, in the same transaction as the change."""

    def __init__(self, settings: Settings, i18n: I18n) -> None:
        self.settings = settings
        self.i18n = i18n

    async def send(self, session: AsyncSession, event: Event, exclude: int | None = None) -> None:
        row = await session.get(Dossier, event.case.id)
        assert row is not None
        city = [
            p
            for p in await verified_officials(session, event.case.city_id)
            if p.telegram_id != exclude
        ]
        readers = Readers(
            city,
            self.settings.secretariat_chat_id,
            self.settings.notify_language,
            self.settings.default_language,
        )
        voice = Voice(self.i18n, self.settings.default_language)
        told = notices(event, readers, voice)
        await post(session, told, dossier_id=row.id, topic_id=row.topic_id)


async def after_decision(
    session: AsyncSession, row: Dossier, settings: Settings, i18n: I18n, by: str
) -> None:
    """In the transaction of a decision on a dossier of the Fund: approved (or its amount
    corrected) makes the project, in "preparing", with the configured schedule and the
    dossier's indicators; a correction away from "approved" cancels it (nothing was sent to
    the city while it was prepared)."""
    if row.form != PROJECT_FORM_KEY:
        return
    project = await session.get(Project, row.id)
    if row.status == Status.APPROVED and row.granted_amount:
        granted = Decimal(row.granted_amount)
        answers = row.answers or {}
        currency = FUND_FORM.read(answers).text(AnswerRole.CURRENCY) or "EUR"
        schedule = default_tranches(granted, currency, settings.tranches)
        if project is None:
            months = FUND_FORM.read(answers).value(AnswerRole.DURATION)
            project, _made = await queries.create_project(
                session,
                row,
                currency=currency,
                granted=granted,
                start_on=_start_on(answers, utcnow().date()),
                months=months if isinstance(months, int) and months > 0 else 12,
                report_months=settings.report_months,
                framework=[i.to_json() for i in indicators_of(answers)],
                tranches=schedule,
            )
        elif project.status == ProjectStatus.PREPARING:
            if Decimal(project.granted) != granted:  # the Bureau's amount corrected
                await queries.replace_schedule(session, project, schedule)
                project.granted = str(granted)
        elif project.status == ProjectStatus.CANCELLED:
            return
        else:
            return  # proposed already: the Secretariat changes the convention itself
        case = await project_case(session, project)
        await GrantNotices(settings, i18n).send(session, Event(GrantEvent.PREPARING, case, by))
        return
    if project is not None and project.status not in (
        ProjectStatus.CANCELLED,
        ProjectStatus.CLOSED,
    ):
        await queries.move_project(
            session, project, project.status, ProjectStatus.CANCELLED, 0, "decision corrected"
        )


def grant_follows(settings: Settings, i18n: I18n) -> Any:
    """The review's `decided` hook: the project follows the Bureau's decision."""

    async def decided(session: AsyncSession, row: Dossier, by: str) -> None:
        await after_decision(session, row, settings, i18n, by)

    return decided


class Projects:
    """What one person may see and do of projects, for one update."""

    def __init__(
        self, session: AsyncSession, account: Account, role: Role, settings: Settings, i18n: I18n
    ) -> None:
        self.session = session
        self.account = account
        self.role = role
        self.settings = settings
        self.i18n = i18n
        self.notices = GrantNotices(settings, i18n)

    @property
    def is_staff(self) -> bool:
        return may(self.role, Action.REVIEW_DOSSIERS)

    def of_the_city(self, city_id: int) -> bool:
        """Acting as the city: a verified official of the project's city (staff act as staff)."""
        a = self.account
        return (
            not self.is_staff and a.city_id == city_id and a.verification == Verification.VERIFIED
        )

    def _visible(self, case: ProjectCase) -> bool:
        return self.is_staff or self.of_the_city(case.city_id)

    async def _load(self, project_id: int) -> tuple[Project, ProjectCase] | None:
        project = await self.session.get(Project, project_id)
        if project is None:
            return None
        case = await project_case(self.session, project)
        return (project, case) if self._visible(case) else None

    async def case(self, project_id: int) -> ProjectCase | None:
        loaded = await self._load(project_id)
        return loaded[1] if loaded else None

    async def visible(self, project_id: int) -> ProjectCase:
        """The project, if this person may see it; refused (`Gone("project")`) otherwise."""
        case = await self.case(project_id)
        if case is None:
            raise Gone("project")
        return case

    async def named(self, reference: str) -> ProjectCase:
        """The project a typed reference names, if this person may see it; refused otherwise."""
        case = await self.find(reference) if reference.strip() else None
        if case is None:
            raise Gone("project")
        return case

    async def find(self, reference: str) -> ProjectCase | None:
        row = await review_queries.by_reference(self.session, reference.strip().upper())
        return await self.case(row.id) if row is not None else None

    async def listing(
        self,
        statuses: list[str] | None = None,
        country: str | None = None,
        limit: int | None = None,
    ) -> tuple[list[ProjectCase], int] | None:
        """Staff: the portfolio (filtered); a verified official: their city's projects past
        "preparing"; anyone else: None. The newest `limit` of them, and how many there are."""
        if self.is_staff:
            cases = await project_cases(self.session, statuses, country, limit=limit)
            total = await queries.count_projects(self.session, statuses, country=country)
            return cases, total
        a = self.account
        if a.verification != Verification.VERIFIED or a.city_id is None:
            return None
        shown = [s for s in (statuses or list(ProjectStatus)) if s != ProjectStatus.PREPARING]
        cases = await project_cases(self.session, shown, country, a.city_id, limit)
        total = await queries.count_projects(
            self.session, shown, country=country, city_id=a.city_id
        )
        return cases, total

    async def _done(self, project: Project, event: Event | None, exclude: bool = True) -> Result:
        case = await project_case(self.session, project)
        if event is not None:
            await self.notices.send(
                self.session,
                replace(event, case=case),
                self.account.telegram_id if exclude else None,
            )
        await self.session.commit()
        return Result(Outcome.DONE, case)

    async def _moved(self, project_id: int) -> Result:
        await self.session.rollback()
        return Result(Outcome.MOVED, await self.case(project_id))

    # --- the project's moves ----------------------------------------------------------------

    async def move(
        self, project_id: int, key: str, expected: str, note: str | None = None
    ) -> Result:
        """A staff move of the project (propose, change the convention, suspend, resume,
        cancel, close) from the status the presser saw."""
        loaded = await self._load(project_id)
        if loaded is None or not self.is_staff:
            return Result(Outcome.REFUSED)
        project, case = loaded
        move = find_grant_move(
            PROJECT_MOVES, project.status, key, self.role, False, project.suspended_from
        )
        if move is None or project.status != expected:
            return Result(Outcome.MOVED, case)
        if move.needs == Needs.NOTE and not note:
            return Result(Outcome.REFUSED)
        if key == "propose":
            return await self._propose(project, case)
        try:
            await queries.move_project(
                self.session, project, move.source, move.target, self.account.telegram_id, note
            )
        except StatusMoved:
            return await self._moved(project_id)
        kind = GrantEvent.REWORKED if key == "rework" else GrantEvent.MOVED
        return await self._done(project, Event(kind, case, self.person.name, note=note or ""))

    @property
    def person(self) -> Person:
        return person_of(self.account)

    async def _propose(self, project: Project, case: ProjectCase) -> Result:
        """The convention's PDF in each official's language and the Secretariat's, each kept as
        sent (its SHA-256 is what an acceptance records), then proposed."""
        row = await self.session.get(Dossier, project.dossier_id)
        assert row is not None
        officials = await verified_officials(self.session, case.city_id)
        available = self.i18n.available_locales
        languages = sorted(
            {self.settings.notify_language}
            | {
                p.language if p.language in available else self.settings.default_language
                for p in officials
            }
        )
        session_day = None
        if row.session_id is not None:
            held = await self.session.get(BureauSession, row.session_id)
            session_day = held.held_on if held else None
        convention = convention_of(
            row.answers or {},
            reference=case.reference,
            version=project.convention_version + 1,
            city=case.city,
            country=case.country,
            granted=case.granted,
            start_on=case.start_on,
            months=case.months,
            report_months=case.report_months,
            tranches=tuple(
                queries.planned(t) for t in await queries.tranches(self.session, project.dossier_id)
            ),
            indicators=case.indicators,
            made_on=utcnow().date(),
            session_on=session_day,
        )
        copies: dict[str, tuple[str, str]] = {}
        stored: dict[str, tuple[str, str]] = {}
        for language in languages:
            with self.i18n.use_locale(language):
                name, content = await asyncio.to_thread(_draw_convention, convention)
            path, digest = await store_file(
                self.settings.files_dir, project.dossier_id, name, content
            )
            copies[language] = (digest, str(path))
            stored[language] = (str(path), name)
        try:
            await queries.propose_convention(
                self.session, project, self.account.telegram_id, copies
            )
        except StatusMoved:
            return await self._moved(project.dossier_id)
        return await self._done(
            project,
            Event(GrantEvent.PROPOSED, case, self.person.name, copies=stored),
            exclude=False,  # staff propose: every verified official of the city gets a copy
        )

    async def accept(self, project_id: int, version: int, language: str) -> Result:
        """A verified official of the city accepts the copy of `version` sent in `language`;
        the tranches waiting for the convention come due."""
        loaded = await self._load(project_id)
        if loaded is None:
            return Result(Outcome.REFUSED)
        project, case = loaded
        move = find_grant_move(
            PROJECT_MOVES, project.status, "accept", self.role, self.of_the_city(case.city_id)
        )
        if move is None and not self.of_the_city(case.city_id):
            return Result(Outcome.REFUSED)
        if move is None or version != project.convention_version:
            return Result(Outcome.MOVED, case)
        try:
            await queries.accept_convention(self.session, project, version, self.account, language)
        except (StatusMoved, LookupError):
            return await self._moved(project_id)
        due = await self._come_due(project)
        case = await project_case(self.session, project)
        await self.notices.send(
            self.session,
            Event(GrantEvent.ACCEPTED, case, self.person.name),
            self.account.telegram_id,
        )
        for tranche_id in due:
            await self.notices.send(
                self.session, Event(GrantEvent.DUE, case, tranche=case.tranche(tranche_id))
            )
        return await self._done(project, None)

    async def _come_due(self, project: Project) -> list[int]:
        """The planned tranches whose condition is met now become due (the bot's move); their
        ids."""
        facts = await grant_facts(self.session, project.dossier_id)
        rows = {t.number: t for t in await queries.tranches(self.session, project.dossier_id)}
        planned = [queries.planned(t) for t in rows.values() if t.status == TrancheStatus.PLANNED]
        due = []
        for number in coming_due(planned, facts):
            await queries.mark_due(self.session, rows[number])
            due.append(rows[number].id)
        return due

    # --- tranches -----------------------------------------------------------------------------

    async def _tranche(self, tranche_id: int) -> tuple[Project, ProjectCase, Tranche] | None:
        tranche = await self.session.get(Tranche, tranche_id)
        if tranche is None:
            return None
        loaded = await self._load(tranche.project_id)
        return (loaded[0], loaded[1], tranche) if loaded else None

    async def tranche_case(self, tranche_id: int) -> tuple[ProjectCase, TrancheLine] | None:
        found = await self._tranche(tranche_id)
        if found is None:
            return None
        line = found[1].tranche(tranche_id)
        return (found[1], line) if line is not None else None

    async def may_move_tranche(self, tranche_id: int, key: str, expected: str) -> Result:
        """Whether this person may take the tranche's move now (before asking what it needs)."""
        return (await self._tranche_move(tranche_id, key, expected))[0]

    async def _tranche_move(
        self, tranche_id: int, key: str, expected: str
    ) -> tuple[Result, tuple[Project, ProjectCase, Tranche] | None]:
        """`may_move_tranche`, with the tranche as it was read (the move's own use of it)."""
        found = await self._tranche(tranche_id)
        if found is None:
            return Result(Outcome.REFUSED), None
        project, case, tranche = found
        of_the_city = self.of_the_city(case.city_id)
        move = find_grant_move(TRANCHE_MOVES, tranche.status, key, self.role, of_the_city)
        if move is None:
            allowed = any(
                find_grant_move(TRANCHE_MOVES, m.source, key, self.role, of_the_city)
                for m in TRANCHE_MOVES
            )
            return Result(Outcome.MOVED if allowed else Outcome.REFUSED, case), found
        if tranche.status != expected or project.status in (
            ProjectStatus.SUSPENDED,
            ProjectStatus.CANCELLED,
        ):
            return Result(Outcome.MOVED, case), found
        return Result(Outcome.DONE, case), found

    async def pay(self, tranche_id: int, typed: TypedPayment) -> Result:
        """Staff mark a due tranche paid; never more than what is left of the grant (Refused)."""
        allowed, found = await self._tranche_move(tranche_id, "pay", TrancheStatus.DUE)
        if allowed.outcome != Outcome.DONE:
            return allowed
        assert found is not None
        project, _case, tranche = found
        try:
            await queries.record_payment(
                self.session,
                project,
                tranche,
                paid_on=typed.paid_on,
                amount=typed.amount,
                bank_reference=typed.bank_reference,
                by_user=self.account.telegram_id,
            )
        except StatusMoved:
            return await self._moved(project.dossier_id)
        except queries.PaymentRefused as refused:
            await self.session.rollback()
            raise Refused(refused.code, **refused.details) from None
        case = await project_case(self.session, project)
        return await self._done(
            project,
            Event(GrantEvent.PAID, case, self.person.name, tranche=case.tranche(tranche_id)),
        )

    async def receive(
        self, tranche_id: int, key: str, amount: Decimal | None = None, note: str | None = None
    ) -> Result:
        """The city confirms a paid tranche arrived ("received"), or what arrived ("difference")."""
        allowed, found = await self._tranche_move(tranche_id, key, TrancheStatus.PAID)
        if allowed.outcome != Outcome.DONE:
            return allowed
        assert found is not None
        project, _case, tranche = found
        try:
            await queries.confirm_receipt(
                self.session, tranche, self.account.telegram_id, amount=amount, note=note
            )
        except StatusMoved:
            return await self._moved(project.dossier_id)
        case = await project_case(self.session, project)
        return await self._done(
            project,
            Event(GrantEvent.RECEIVED, case, self.person.name, tranche=case.tranche(tranche_id)),
        )

    async def figures(self) -> tuple[list[SessionFigures], list[Reached]] | None:
        """For staff: paid against granted per Bureau session, and the people reached per
        sector and country (what /stats adds)."""
        if not self.is_staff:
            return None
        reports = [
            (
                report.parent_id,
                report.due_on,
                FUND_FORM.read(project).sector,
                country,
                ReportPlan.from_json(report.plan or {"currency": ""}).indicators,
                answers,
            )
            for report, answers, project, country in await queries.approved_reports(self.session)
        ]
        figures = figures_by_session(await queries.grants_by_session(self.session))
        return figures, results_reached(reports)

    # --- reports ------------------------------------------------------------------------------
    # A report is about a project (progress, final) or an emergency (the use of its aid): the
    # same moves (REPORT_MOVES), the same review; what follows an approval differs (a project's
    # tranches come due) and what the notices show (the project's screen, or the aid).

    async def _report(self, record_id: int) -> tuple[Report, Dossier, Project | None] | None:
        """A report's row, its record, and its project (None: an emergency aid's report)."""
        found = await queries.report_row(self.session, record_id)
        if found is None:
            return None
        report, record = found
        if record.form == AID_REPORT_FORM_KEY:
            return report, record, None
        project = await self.session.get(Project, report.parent_id)
        return (report, record, project) if project is not None else None

    async def _about(self, report: Report, project: Project | None) -> ProjectCase | AidCase:
        """What the report is about, as its notices and screens show it."""
        if project is not None:
            return await project_case(self.session, project)
        parent = await self.session.get(Dossier, report.parent_id)
        case = await aid_case(self.session, parent) if parent is not None else None
        assert case is not None, report.parent_id  # a report was opened only for an aid
        return case

    async def _report_done(
        self, report: Report, project: Project | None, event: Event, exclude: bool = True
    ) -> Result:
        if project is not None:
            return await self._done(project, event, exclude)
        await self.notices.send(self.session, event, self.account.telegram_id if exclude else None)
        await self.session.commit()
        return Result(Outcome.DONE, event.case)

    async def _report_moved(self, report: Report, project: Project | None) -> Result:
        parent_id = report.parent_id
        if project is not None:
            return await self._moved(project.dossier_id)
        await self.session.rollback()
        parent = await self.session.get(Dossier, parent_id)
        return Result(Outcome.MOVED, await aid_case(self.session, parent) if parent else None)

    @staticmethod
    def _form_of(report: Report, record: Dossier) -> Form:
        if record.form == AID_REPORT_FORM_KEY:
            return AID_REPORT_FORM
        return report_form(ReportPlan.from_json(report.plan or {"currency": ""}))

    async def submit_report(self, record: Record, complete: bool) -> Result:
        """A verified official of the city submits a complete report: the Secretariat gets it
        with its PDF (in the Secretariat's language) and the button that approves it."""
        found = await self._report(record.id)
        if found is None:
            return Result(Outcome.REFUSED)
        report, row, project = found
        if not self.of_the_city(row.city_id):
            return Result(Outcome.REFUSED)
        case = await self._about(report, project)
        submit = find_grant_move(REPORT_MOVES, row.status, "submit", self.role, True) or (
            find_grant_move(REPORT_MOVES, row.status, "resubmit", self.role, True)
        )
        if not complete or submit is None:
            return Result(Outcome.MOVED, case)
        try:
            await queries.move_report(
                self.session, report, row, submit.source, submit.target, self.account.telegram_id
            )
        except StatusMoved:
            return await self._report_moved(report, project)
        due = ReportDue(report.due_on, ReportKind(report.kind), report.number)
        files = await attachments(self.session, row.id)
        language = self.settings.notify_language
        if isinstance(case, AidCase):
            label = EMERGENCY_FORM.question_of(AnswerRole.EVENT).choice_label(case.event)
            title = self.i18n.gettext(label, locale=language) if label else case.event
        else:
            title = case.title
        report_case = ReportCase(
            record=record_of(row, files, report.plan),
            reference=case.reference,
            city=case.city,
            country=case.country,
            title=title,
            kind=report.kind,
            number=report.number,
            due_on=report.due_on,
            plan=ReportPlan.from_json(report.plan) if report.plan else None,
            granted=case.granted if isinstance(case, AidCase) else None,
            submitted_at=row.submitted_at,
        )
        with self.i18n.use_locale(language):
            name, content = await asyncio.to_thread(_draw_report, report_case, utcnow().date())
        path, _digest = await store_file(self.settings.files_dir, row.id, name, content)
        event = Event(
            GrantEvent.REPORT_SUBMITTED, case, self.person.name, report=due, record_id=row.id,
            copies={language: (str(path), name)},
        )  # fmt: skip
        return await self._report_done(report, project, event)

    async def approve_report(self, record_id: int, expected: str) -> Result:
        """Staff approve a submitted report: the tranches waiting for it come due."""
        found = await self._report(record_id)
        if found is None or not self.is_staff:
            return Result(Outcome.REFUSED)
        report, row, project = found
        case = await self._about(report, project)
        move = find_grant_move(REPORT_MOVES, row.status, "approve", self.role, False)
        if move is None or row.status != expected:
            return Result(Outcome.MOVED, case)
        try:
            await queries.move_report(
                self.session, report, row, move.source, move.target, self.account.telegram_id
            )
        except StatusMoved:
            return await self._report_moved(report, project)
        said = ReportDue(report.due_on, ReportKind(report.kind), report.number)
        if project is None:  # an aid's report: approving it is the whole of it
            event = Event(GrantEvent.REPORT_APPROVED, case, self.person.name, report=said)
            return await self._report_done(report, None, event)
        due = await self._come_due(project)
        case = await project_case(self.session, project)
        event = Event(GrantEvent.REPORT_APPROVED, case, self.person.name, report=said)
        await self.notices.send(self.session, event, self.account.telegram_id)
        for tranche_id in due:
            await self.notices.send(
                self.session, Event(GrantEvent.DUE, case, tranche=case.tranche(tranche_id))
            )
        return await self._done(project, None)

    async def report_items(self, record_id: int) -> list[tuple[str, str, bool]] | None:
        """For staff: what may be returned of a report, in order: (key, text, whether the
        text is a message id to translate)."""
        found = await self._report(record_id)
        if found is None or not self.is_staff:
            return None
        report, row, _project = found
        form = self._form_of(report, row)
        return [_item(form, key) for key in report_items(form)]

    async def return_report(
        self, record_id: int, expected: str, items: list[str], note: str
    ) -> Result:
        """Staff return a submitted report, naming the items to revise (only those reopen)."""
        found = await self._report(record_id)
        if found is None or not self.is_staff:
            return Result(Outcome.REFUSED)
        report, row, project = found
        case = await self._about(report, project)
        move = find_grant_move(REPORT_MOVES, row.status, "return", self.role, False)
        if move is None or row.status != expected or not items or not note:
            return Result(Outcome.MOVED, case)
        form = self._form_of(report, row)
        try:
            await queries.move_report(
                self.session, report, row, move.source, move.target, self.account.telegram_id,
                returned=items, note=note,
            )  # fmt: skip
        except StatusMoved:
            return await self._report_moved(report, project)
        row.cursor = {"q": revision_form(form, items).first_key()}  # the city starts there
        said = ReportDue(report.due_on, ReportKind(report.kind), report.number)
        event = Event(
            GrantEvent.REPORT_RETURNED, case, self.person.name, note=note, report=said,
            record_id=row.id, items=tuple((t, tr) for _k, t, tr in (_item(form, i) for i in items)),
        )  # fmt: skip
        return await self._report_done(report, project, event)

    # --- preparing the convention ---------------------------------------------------------------

    async def _preparing(self, reference: str) -> tuple[Project, ProjectCase] | Result:
        case = await self.find(reference)
        if case is None or not self.is_staff:
            return Result(Outcome.REFUSED)
        project = await self.session.get(Project, case.id)
        assert project is not None
        if not may_adjust(project.status):
            return Result(Outcome.MOVED, case)
        return project, case

    async def adjust_tranche(self, reference: str, number: int, what: str, value: Any) -> Result:
        """Staff change one tranche's amount, condition or date while the convention is
        prepared; the schedule is checked again (ScheduleError says why not)."""
        found = await self._preparing(reference)
        if isinstance(found, Result):
            return found
        project, case = found
        planned = [queries.planned(t) for t in await queries.tranches(self.session, case.id)]
        reports = progress_reports(case.start_on, case.months, case.report_months)
        if what == "amount":
            schedule = with_amount(planned, number, value, case.granted, case.currency, reports)
        elif what == "condition":
            schedule = with_condition(planned, number, value, case.granted, case.currency, reports)
        else:
            if not any(t.number == number for t in planned):
                raise ScheduleError("no_such_tranche", number=number)
            schedule = with_date(planned, number, value)
        try:
            await queries.replace_schedule(self.session, project, schedule)
        except StatusMoved:
            return await self._moved(case.id)
        return await self._done(project, Event(GrantEvent.ADJUSTED, case, self.person.name))

    async def set_indicator(
        self, reference: str, number: int, baseline: Decimal, target: Decimal, unit: str
    ) -> Result:
        """Staff type an indicator's numbers (a dossier of version 1 of the form lacks them)."""
        found = await self._preparing(reference)
        if isinstance(found, Result):
            return found
        project, case = found
        if not 1 <= number <= len(case.indicators):
            raise Refused("no_such_indicator")
        plans = with_numbers(
            case.indicators, case.indicators[number - 1].id, baseline, target, unit
        )
        try:
            await queries.set_framework(self.session, project, [p.to_json() for p in plans])
        except StatusMoved:
            return await self._moved(case.id)
        return await self._done(project, Event(GrantEvent.ADJUSTED, case, self.person.name))


def _item(form: Form, key: str) -> tuple[str, str, bool]:
    """An item of a report as the return names it: an indicator's section by the indicator (in
    the city's words), a question by its label (a message id)."""
    if key in form.questions:  # an aid's report names its sections as their one question
        return key, form.questions[key].label, True
    section = next(sec for sec in form.sections if sec.key == key)
    return key, section.title, False


def _draw_report(case: ReportCase, today: date) -> tuple[str, bytes]:
    from bot.documents.report import report_pdf, report_pdf_name

    return report_pdf_name(case), report_pdf(case, today)


def _draw_convention(convention: Any) -> tuple[str, bytes]:
    """In a worker thread (it inherits the caller's language): fpdf2 is imported at the first
    PDF, not at the bot's start."""
    from bot.documents.convention import convention_pdf, convention_pdf_name

    return convention_pdf_name(convention), convention_pdf(convention)
