"""What the spreadsheets, the Bureau session's agenda and the charts are made of, for one person:
staff see every submitted dossier, a city official only their own city's. Each use case checks
the right itself, whatever the button or the command claimed, and refuses with a code (the
glue, bot/telegram/refusals.py, says why) rather than returning nothing."""

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import reach
from bot.domain.agenda import ON_AGENDA, Agenda, Budget, build_agenda
from bot.domain.fund_form import FUND_FORM, financing
from bot.domain.refusals import Gone, Refused
from bot.domain.review import QueueFilter
from bot.domain.roles import Action, Role, may
from bot.domain.sessions import BureauSession
from bot.domain.sheets import DossierFacts
from bot.domain.stats import Stats, compute_stats
from bot.domain.workflow import WAITING, Status
from bot.services.review import bureau_session
from bot.services.rights import NotAllowed
from storage import review as review_queries
from storage import sheets as queries
from storage.models import Account
from storage.models import BureauSession as SessionRow


def facts_of(row: queries.Row) -> DossierFacts:
    dossier, city, sender, session, changed, decided = row
    answers = dossier.answers or {}
    read = FUND_FORM.read(answers)
    return DossierFacts(
        id=dossier.id,
        reference=dossier.reference,
        city=city.name,
        country=city.country,
        title=read.title or None,
        sector=read.sector or None,
        status=dossier.status,
        plan=financing(answers),
        granted=Decimal(dossier.granted_amount) if dossier.granted_amount else None,
        session=bureau_session(session) if session is not None else None,
        submitted_at=dossier.submitted_at,
        changed_at=changed or dossier.updated_at,
        decided_at=decided,
        unverified=sender.verification != "verified",
    )


def budget_of(row: SessionRow) -> Budget | None:
    if not row.budget or not row.budget_currency:
        return None
    return Budget(Decimal(row.budget), row.budget_currency)


class Sheets:
    def __init__(self, session: AsyncSession, account: Account, role: Role) -> None:
        self.session = session
        self.account = account
        self.role = role

    @property
    def is_staff(self) -> bool:
        return may(self.role, Action.REVIEW_DOSSIERS)

    def _require_staff(self) -> None:
        if not self.is_staff:
            raise NotAllowed(Action.REVIEW_DOSSIERS)

    async def queue(self, wanted: QueueFilter, every: bool = False) -> list[DossierFacts]:
        """The queue as `/queue` filters it (every submitted dossier with `every`), for staff."""
        self._require_staff()
        if wanted.status:
            statuses: list[str] | None = [wanted.status]
        else:
            statuses = None if every else list(WAITING)
        rows = await queries.dossier_rows(
            self.session,
            statuses=statuses,
            exclude=(Status.DRAFT,),
            country=wanted.country,
            sector=wanted.sector,
            session_id=wanted.session_id,
            unverified=wanted.flagged,
            currency=wanted.currency,
        )
        return [facts_of(row) for row in rows]

    async def city(self) -> list[DossierFacts]:
        """The dossiers of the person's own city they reach (bot/domain/access.py: every one,
        drafts too, for a verified official; their own while unverified); refused for someone
        who reaches nothing of a city (`unregistered`: the caller tells a refused registration
        first)."""
        scope = reach(self.account)
        if scope is None:
            raise Gone("unregistered")
        rows = await queries.dossier_rows(self.session, scope=scope)
        return [facts_of(row) for row in rows]

    async def sessions(self, since: date | None = None) -> list[BureauSession]:
        if not self.is_staff:
            return []
        rows = await review_queries.bureau_sessions(self.session, since)
        return [bureau_session(row) for row in rows]

    async def agenda(self, session_id: int) -> Agenda:
        """A Bureau session's agenda, for staff; refused for one that does not exist."""
        self._require_staff()
        row = await queries.bureau_session(self.session, session_id)
        if row is None:
            raise Gone("bureau_session")
        rows = await queries.dossier_rows(
            self.session, statuses=list(ON_AGENDA), session_id=session_id
        )
        return build_agenda(bureau_session(row), budget_of(row), [facts_of(r) for r in rows])

    async def set_budget(self, session_id: int, budget: Budget) -> BureauSession:
        """Set what the Bureau may commit at a session (staff only, a positive amount)."""
        self._require_staff()
        if budget.amount <= 0:
            raise Refused("number_zero")
        row = await queries.bureau_session(self.session, session_id)
        if row is None:
            raise Gone("bureau_session")
        row.budget, row.budget_currency = str(budget.amount), budget.currency
        await self.session.commit()
        return bureau_session(row)

    async def stats(self) -> Stats:
        self._require_staff()
        rows = await queries.dossier_rows(self.session, exclude=(Status.DRAFT,))
        return compute_stats(facts_of(row) for row in rows)
