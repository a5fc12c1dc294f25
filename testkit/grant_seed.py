"""A project (of Dakar, unless told) put straight into the database, where the process tests of
the grant start (their bots run in other processes: no in-process harness to approve it
through): two verified officials (French and Arabic), two Secretariat staff, the approved
dossier FC-2026-0077 and its project with the default schedule; its convention proposed
(version 1, a copy per language), or accepted and under way with tranche 1 due."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.project import ProjectStatus, TrancheStatus
from bot.domain.tranches import DEFAULT_SCHEDULE, default_tranches, parse_schedule
from bot.services.people import link_city
from storage.accounts import new_account
from storage.dossiers import create_dossier
from storage.models import ConventionCopy, Tranche
from storage.projects import create_project
from storage.types import utcnow
from testkit.factories import complete_answers

REFERENCE = "FC-2026-0077"
FRENCH, ARABIC = 720, 721  # the city's verified officials
STAFF = (921, 922)  # the Secretariat
GRANTED = Decimal(700000)


async def seeded_project(
    sessions: async_sessionmaker[AsyncSession],
    status: str = ProjectStatus.PROPOSED,
    city: str = "Dakar",
) -> tuple[int, int]:
    """The project in `status` (convention proposed, or under way with tranche 1 due); its id
    and tranche 1's. Another `city` of Senegal keeps Dakar's other records out of its way (a
    city with verified officials submits only from verified accounts)."""
    async with sessions() as session:
        officials = []
        for user_id, language, name in ((FRENCH, "fr", "Awa Ndiaye"), (ARABIC, "ar", "Layla")):
            account = new_account(session, user_id, name.split()[0])
            account.language, account.city_name, account.country = language, city, "SN"
            account.full_name, account.verification = name, "verified"
            account.registered_at = utcnow()
            await link_city(session, account)
            officials.append(account)
        for user_id in STAFF:
            staff = new_account(session, user_id, f"Staff {user_id}")
            staff.role, staff.language, staff.full_name = "secretariat", "fr", f"Staff {user_id}"
        dossier = await create_dossier(session, officials[0], complete_answers(city=city))
        dossier.status, dossier.reference, dossier.granted_amount = "approved", REFERENCE, "700000"
        await session.flush()
        schedule = default_tranches(GRANTED, "EUR", parse_schedule(DEFAULT_SCHEDULE))
        project, _made = await create_project(
            session, dossier, currency="EUR", granted=GRANTED, start_on=date(2027, 1, 15),
            months=24, report_months=6, framework=[], tranches=schedule,
        )  # fmt: skip
        project.status, project.convention_version = status, 1
        project.proposed_at = utcnow()
        for language in ("fr", "ar"):
            session.add(
                ConventionCopy(project_id=dossier.id, version=1, language=language,
                               sha256=language * 32, path=f"/nowhere/{language}.pdf")
            )  # fmt: skip
        first = await session.scalar(
            select(Tranche).where(Tranche.project_id == dossier.id, Tranche.number == 1)
        )
        assert first is not None
        if status != ProjectStatus.PROPOSED:
            first.status = TrancheStatus.DUE
        await session.commit()
        return dossier.id, first.id
