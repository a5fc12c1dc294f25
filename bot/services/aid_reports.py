"""The report on the use of an emergency aid (DOMAIN.md §4, issue 17): once the Presidency
approved an aid, its report is due `EMERGENCY_REPORT_DAYS` later (a timer row planned with the
decision: bot/services/emergencies.py `decide`), asked of the city's verified officials as a
project's report is (`REPORT_NOTICE_DAYS` before its day, each in their language, reminded by
the same chases), filled in the questionnaire (saved per answer: the amounts by purpose, what
was done, photos), submitted and reviewed with the project reports' moves and use cases
(`Projects.submit_report`, `approve_report`, `return_report`: the report's parent is an
emergency instead of a project)."""

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.emergency import EmergencyStatus, granted_of
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.follow_up import ReportDue
from bot.domain.forms import AnswerRole
from bot.domain.grant_case import AidCase
from bot.domain.project import AID_REPORT_FORM_KEY
from bot.domain.report_form import AID_REPORT_FORM, seed_answers
from bot.notify.projects import Event, GrantEvent
from storage import emergencies as emergency_queries
from storage import projects as queries
from storage.models import City, Dossier

if TYPE_CHECKING:
    from bot.services.projects import GrantNotices

# An aid is accounted for once approved, whether the emergency is still open or closed since.
GRANTED = (EmergencyStatus.APPROVED, EmergencyStatus.CLOSED)


async def aid_case(session: AsyncSession, row: Dossier) -> AidCase | None:
    """The emergency's approved aid (None: no aid was approved)."""
    granted = granted_of(row.granted_amount)
    if row.form != EMERGENCY_FORM.key or granted is None:
        return None
    city = await session.get(City, row.city_id)
    proposal = await emergency_queries.last_proposal(session, row.id)
    return AidCase(
        id=row.id,
        reference=row.reference or "",
        event=EMERGENCY_FORM.read(row.answers or {}).text(AnswerRole.EVENT),
        city_id=row.city_id,
        city=city.name if city else "",
        country=city.country if city else "",
        granted=granted[0],
        currency=granted[1],
        purpose=proposal.purpose if proposal else "",
    )


async def open_aid_report(
    session: AsyncSession, row: Dossier, due: ReportDue, notices: "GrantNotices"
) -> bool:
    """The aid's report, asked of the city (its amounts checked against the aid approved);
    once. Whether it was opened now."""
    if row.status not in GRANTED:
        return False
    case = await aid_case(session, row)
    if case is None:
        return False
    report, made = await queries.open_report(
        session,
        row,
        form=AID_REPORT_FORM_KEY,
        form_version=AID_REPORT_FORM.version,
        kind=str(due.kind),
        number=due.number,
        due_on=due.due_on,
        plan=None,
        answers=seed_answers(case.currency, granted=case.granted),
        created_by=row.created_by,
    )
    if not made:
        return False
    event = Event(GrantEvent.REPORT_OPENED, case, report=due, record_id=report.dossier_id)
    await notices.send(session, event)
    return True
