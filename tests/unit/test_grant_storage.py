"""The grant's storage on SQLite and PostgreSQL: a project made once per approved dossier, its
schedule changed only while the convention is prepared, the convention's copies and acceptances
(who, when, the SHA-256 of the PDF they were sent; a changed convention needs a new one), every
move a compare-and-set (two staff marking one tranche paid record one payment; two payments at
once never exceed the grant), the city's receipt, reports as records of their own, the
portfolio."""

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.project import ProjectStatus, ReportStatus, TrancheStatus
from bot.domain.tranches import default_tranches, parse_schedule
from storage import projects
from storage.accounts import new_account
from storage.dossiers import StatusMoved, city_dossiers
from storage.models import Account, City, Dossier, Payment, Project, Report, Tranche
from storage.review import queue
from testkit.factories import complete_answers

P, T, R = ProjectStatus, TrancheStatus, ReportStatus
SHARES = parse_schedule("50:convention,40:report,10:final")
STAFF, OFFICIAL, OTHER_OFFICIAL = 900, 700, 701


async def approved(session: AsyncSession, reference: str = "FC-2027-0001") -> Dossier:
    """An approved dossier of Dakar, with two verified officials."""
    city = City(name="Dakar", name_key="dakar", country="SN", listed=True)
    session.add(city)
    await session.flush()
    for telegram_id in (OFFICIAL, OTHER_OFFICIAL):
        account = new_account(session, telegram_id, "Awa")
        account.city_id, account.verification = city.id, "verified"
    new_account(session, STAFF, "John").role = "secretariat"
    dossier = Dossier(city_id=city.id, created_by=OFFICIAL, answers=complete_answers(),
                      status="approved", reference=reference)  # fmt: skip
    session.add(dossier)
    await session.flush()
    return dossier


async def made(session: AsyncSession, dossier: Dossier, grant: str = "1000000") -> Project:
    project, created = await projects.create_project(
        session,
        dossier,
        currency="EUR",
        granted=Decimal(grant),
        start_on=date(2027, 3, 15),
        months=18,
        report_months=6,
        framework=[{"id": "i1", "target": "1200"}],
        tranches=default_tranches(Decimal(grant), "EUR", SHARES),
    )
    assert created
    return project


async def under_way(sessions: async_sessionmaker[AsyncSession], grant: str = "1000000") -> int:
    """A project whose convention was proposed and accepted; its id."""
    async with sessions() as session:
        project = await made(session, await approved(session), grant)
        await projects.propose_convention(session, project, STAFF, {"fr": ("f" * 64, "/c/fr.pdf")})
        official = await session.get(Account, OFFICIAL)
        await projects.accept_convention(session, project, 1, official, "fr")
        await session.commit()
        return project.dossier_id


async def test_a_project_is_made_once_and_its_schedule_changes_only_while_prepared(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        dossier = await approved(session)
        project = await made(session, dossier)
        again, created = await projects.create_project(
            session, dossier, currency="EUR", granted=Decimal(1), start_on=date(2027, 1, 1),
            months=1, report_months=6, framework=[], tranches=(),
        )  # fmt: skip
        assert again is project and not created
        await session.commit()
        project_id = project.dossier_id
    async with sessions() as session:
        project = await session.get(Project, project_id)
        rows = await projects.tranches(session, project_id)
        assert [(t.number, Decimal(t.amount), t.condition, t.status) for t in rows] == [
            (1, 500000, "convention", "planned"),
            (2, 400000, "report:1", "planned"),
            (3, 100000, "final", "planned"),
        ]
        schedule = [projects.planned(t) for t in rows]
        assert sum(t.amount for t in schedule) == Decimal(project.granted)
        await projects.replace_schedule(session, project, default_tranches(
            Decimal(project.granted), "EUR", parse_schedule("60:convention,40:final")))  # fmt: skip
        await projects.set_framework(session, project, [{"id": "i1", "target": "900"}])
        await projects.propose_convention(session, project, STAFF, {"fr": ("a" * 64, "/x.pdf")})
        await session.commit()
    async with sessions() as session:
        project = await session.get(Project, project_id)
        assert [Decimal(t.amount) for t in await projects.tranches(session, project_id)] == [
            600000, 400000,
        ]  # fmt: skip
        assert project.framework == [{"id": "i1", "target": "900"}]
        with pytest.raises(StatusMoved) as moved:  # proposed: the schedule is what was sent
            await projects.replace_schedule(session, project, ())
        assert moved.value.status == P.PROPOSED
        with pytest.raises(StatusMoved):
            await projects.set_framework(session, project, [])
        await session.rollback()
        assert len(await projects.tranches(session, project_id)) == 2


async def test_an_acceptance_records_the_exact_pdf_and_a_changed_convention_needs_another(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        project = await made(session, await approved(session))
        copies = {"fr": ("1" * 64, "/c/1-fr.pdf"), "ar": ("2" * 64, "/c/1-ar.pdf")}
        assert await projects.propose_convention(session, project, STAFF, copies) == 1
        await session.commit()
        project_id = project.dossier_id
    async with sessions() as session:  # staff change it before anyone accepted
        project = await session.get(Project, project_id)
        await projects.move_project(session, project, P.PROPOSED, P.PREPARING, STAFF, "Dates")
        copies = {"fr": ("3" * 64, "/c/2-fr.pdf"), "ar": ("4" * 64, "/c/2-ar.pdf")}
        assert await projects.propose_convention(session, project, STAFF, copies) == 2
        await session.commit()
    async with sessions() as session:
        project = await session.get(Project, project_id)
        official = await session.get(Account, OFFICIAL)
        with pytest.raises(StatusMoved):  # the first version is no longer the one proposed
            await projects.accept_convention(session, project, 1, official, "fr")
        await session.rollback()
        project = await session.get(Project, project_id)
        official = await session.get(Account, OFFICIAL)
        accepted = await projects.accept_convention(session, project, 2, official, "ar")
        await session.commit()
    assert (accepted.by_user, accepted.version, accepted.sha256) == (OFFICIAL, 2, "4" * 64)
    assert accepted.at is not None
    async with sessions() as session:
        project = await session.get(Project, project_id)
        assert project.status == P.UNDER_WAY and project.convention_version == 2
        history = [(e.from_status, e.to_status, e.by_user, e.reason)
                   for e in await projects.events(session, project_id)]  # fmt: skip
        assert history == [
            (P.PREPARING, P.PROPOSED, STAFF, None),
            (P.PROPOSED, P.PREPARING, STAFF, "Dates"),
            (P.PREPARING, P.PROPOSED, STAFF, None),
            (P.PROPOSED, P.UNDER_WAY, OFFICIAL, None),
        ]


async def test_two_officials_accepting_at_once_record_one_acceptance(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        project = await made(session, await approved(session))
        await projects.propose_convention(session, project, STAFF, {"fr": ("f" * 64, "/f.pdf")})
        await session.commit()
        project_id = project.dossier_id

    async def accept(telegram_id: int) -> str:
        async with sessions() as session:
            project = await session.get(Project, project_id)
            official = await session.get(Account, telegram_id)
            try:
                await projects.accept_convention(session, project, 1, official, "fr")
            except StatusMoved as moved:
                await session.rollback()
                return moved.status
            await session.commit()
            return "accepted"

    outcomes = await asyncio.gather(accept(OFFICIAL), accept(OTHER_OFFICIAL))
    assert sorted(outcomes) == ["accepted", P.UNDER_WAY]
    async with sessions() as session:
        assert len(await projects.acceptances(session, project_id)) == 1


async def due_tranches(sessions, project_id: int) -> None:
    async with sessions() as session:
        for tranche in await projects.tranches(session, project_id):
            await projects.mark_due(session, tranche)
        await session.commit()


async def test_two_staff_marking_one_tranche_paid_record_one_payment(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project_id = await under_way(sessions)
    await due_tranches(sessions, project_id)

    async def pay(number: int, by: int) -> str:
        async with sessions() as session:
            project = await session.get(Project, project_id)
            tranche = (await projects.tranches(session, project_id))[number - 1]
            try:
                await projects.record_payment(
                    session, project, tranche, paid_on=date(2027, 4, 2),
                    amount=Decimal(tranche.amount), bank_reference=f"VIR-{by}", by_user=by,
                )  # fmt: skip
            except StatusMoved as moved:
                await session.rollback()
                return moved.status
            await session.commit()
            return "paid"

    for number in (1, 2, 3):  # three rounds, each a true race on its own tranche
        outcomes = await asyncio.gather(pay(number, STAFF), pay(number, STAFF + 1))
        assert sorted(outcomes) == ["paid", T.PAID]
    async with sessions() as session:
        rows = await projects.payments(session, project_id)
        assert [Decimal(p.amount) for p in rows] == [500000, 400000, 100000]
        assert len({p.tranche_id for p in rows}) == 3
        tranche = (await projects.tranches(session, project_id))[0]
        assert tranche.status == T.PAID
        with pytest.raises(StatusMoved):  # a forged or stale "paid" once more
            await projects.record_payment(
                session, await session.get(Project, project_id), tranche, paid_on=date.today(),
                amount=Decimal(1), bank_reference="x", by_user=STAFF,
            )  # fmt: skip


async def test_payments_at_once_never_exceed_the_grant(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project_id = await under_way(sessions, grant="1000")
    await due_tranches(sessions, project_id)

    met = asyncio.Barrier(2)

    async def pay(number: int, amount: str, race: bool = False) -> str:
        async with sessions() as session:
            project = await session.get(Project, project_id)
            tranche = (await projects.tranches(session, project_id))[number - 1]
            if race:  # both have read their tranche before either writes
                await met.wait()
            try:
                await projects.record_payment(
                    session, project, tranche, paid_on=date(2027, 4, 2), amount=Decimal(amount),
                    bank_reference="VIR", by_user=STAFF,
                )  # fmt: skip
            except projects.PaymentRefused as refused:
                await session.rollback()
                return refused.code
            await session.commit()
            return "paid"

    # 600 for the first tranche and 500 for the second: each fits alone, not both
    outcomes = await asyncio.gather(pay(1, "600", True), pay(2, "500", True))
    assert sorted(outcomes) == ["over_grant", "paid"]
    async with sessions() as session:
        left = 1000 - sum(await projects.paid_so_far(session, project_id))
    assert left in (400, 500)
    assert await pay(3, str(left + 1)) == "over_grant"  # nothing was written: it is still due
    assert await pay(3, str(left)) == "paid"
    async with sessions() as session:
        assert sum(await projects.paid_so_far(session, project_id)) == 1000


async def test_the_city_confirms_what_arrived(sessions: async_sessionmaker[AsyncSession]) -> None:
    project_id = await under_way(sessions)
    await due_tranches(sessions, project_id)
    async with sessions() as session:
        project = await session.get(Project, project_id)
        first, second, _ = await projects.tranches(session, project_id)
        for tranche in (first, second):
            await projects.record_payment(
                session, project, tranche, paid_on=date(2027, 4, 2),
                amount=Decimal(tranche.amount), bank_reference="VIR", by_user=STAFF,
            )  # fmt: skip
        await session.commit()
    async with sessions() as session:
        first, second, _ = await projects.tranches(session, project_id)
        await projects.confirm_receipt(session, first, OFFICIAL)
        await projects.confirm_receipt(session, second, OFFICIAL, amount=Decimal("399000"),
                                       note="Frais bancaires")  # fmt: skip
        with pytest.raises(StatusMoved):
            await projects.confirm_receipt(session, first, OTHER_OFFICIAL)
        await session.rollback()
    async with sessions() as session:
        first, second, _ = await projects.tranches(session, project_id)
        await projects.confirm_receipt(session, first, OFFICIAL)
        await projects.confirm_receipt(session, second, OFFICIAL, amount=Decimal("399000"),
                                       note="Frais bancaires")  # fmt: skip
        await session.commit()
    async with sessions() as session:
        rows = await projects.payments(session, project_id)
        assert [(Decimal(p.received_amount), p.difference_note, p.received_by) for p in rows] == [
            (500000, None, OFFICIAL),
            (399000, "Frais bancaires", OFFICIAL),
        ]
        [row] = await projects.portfolio(session, [P.UNDER_WAY])
        assert (row.reference, row.city, row.paid, row.received) == (
            "FC-2027-0001", "Dakar", Decimal(900000), Decimal(899000),
        )  # fmt: skip
        assert row.title == "Solar street lighting in Medina"
        assert [t.status for t in row.tranches] == [T.RECEIVED, T.RECEIVED, T.DUE]
        assert await projects.portfolio(session, [P.CLOSED]) == []
        assert await projects.count_by_status(session) == {P.UNDER_WAY: 1}


async def test_reports_are_records_of_their_own_and_move_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    project_id = await under_way(sessions)

    async def opened() -> tuple[int, bool]:
        async with sessions() as session:
            parent = await session.get(Dossier, project_id)
            report, created = await projects.open_report(
                session, parent, form="report", form_version=1, kind="progress", number=1,
                due_on=date(2027, 9, 15), plan={"currency": "EUR"}, answers={"currency": "EUR"},
                created_by=OFFICIAL,
            )  # fmt: skip
            await session.commit()
            return report.dossier_id, created

    results = await asyncio.gather(opened(), opened())
    assert sorted(created for _, created in results) == [False, True]
    assert len({report_id for report_id, _ in results}) == 1
    report_id = results[0][0]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1
        record = await session.get(Dossier, report_id)
        assert (record.form, record.parent_id, record.status) == ("report", project_id, R.DRAFT)
        # not among the city's dossiers, nor in the Secretariat's queue, whatever its status
        official = await session.get(Account, OFFICIAL)
        assert report_id not in {d.id for d in await city_dossiers(session, official)}
        report = await session.get(Report, report_id)
        await projects.move_report(session, report, record, R.DRAFT, R.SUBMITTED, OFFICIAL)
        await session.commit()
        waiting = ["submitted", "in_review", "eligible", "scheduled", "deferred"]
        rows, _total = await queue(session, waiting)
        assert report_id not in {d.id for d, _c, _a in rows}

    async def decide(to_status: str) -> str:
        async with sessions() as session:
            report = await session.get(Report, report_id)
            record = await session.get(Dossier, report_id)
            try:
                await projects.move_report(
                    session, report, record, R.SUBMITTED, to_status, STAFF,
                    returned=["ind_i1", "progress"], note="Chiffres à revoir",
                )  # fmt: skip
            except StatusMoved as moved:
                await session.rollback()
                return moved.status
            await session.commit()
            return "moved"

    outcomes = await asyncio.gather(decide(R.RETURNED), decide(R.APPROVED))
    assert sorted(outcomes, key=str).count("moved") == 1
    async with sessions() as session:
        report = await session.get(Report, report_id)
        record = await session.get(Dossier, report_id)
        if record.status == R.RETURNED:
            assert report.returned == ["ind_i1", "progress"] and report.note
            await projects.move_report(session, report, record, R.RETURNED, R.SUBMITTED, OFFICIAL)
            assert report.returned == []
            await projects.move_report(session, report, record, R.SUBMITTED, R.APPROVED, STAFF)
        assert record.status == R.APPROVED and report.approved_at is not None
        await session.commit()
        [(listed, row)] = await projects.reports(session, project_id)
        assert listed.number == 1 and row.id == report_id


async def test_tranches_and_payments_belong_to_their_project(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A payment's tranche is unique: the table itself refuses a second payment."""
    project_id = await under_way(sessions)
    async with sessions() as session:
        tranche = await session.scalar(select(Tranche).where(Tranche.project_id == project_id))
        session.add(Payment(tranche_id=tranche.id, project_id=project_id, paid_on=date.today(),
                            amount="1", bank_reference="a", by_user=STAFF))  # fmt: skip
        await session.flush()
        session.add(Payment(tranche_id=tranche.id, project_id=project_id, paid_on=date.today(),
                            amount="1", bank_reference="b", by_user=STAFF))  # fmt: skip
        with pytest.raises(IntegrityError):
            await session.flush()
