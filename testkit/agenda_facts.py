"""Dossiers as the spreadsheets and the agenda see them (`DossierFacts`), and a session's agenda
of thirteen: shared by the sheet and agenda tests and by `bench/documents.py`."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bot.domain.agenda import Agenda, Budget, build_agenda
from bot.domain.rules import Financing
from bot.domain.sessions import BureauSession
from bot.domain.sheets import DossierFacts

APRIL = BureauSession(date(2027, 4, 28), date(2027, 3, 1), "Paris", 1)


SENT = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def facts(
    n: int,
    status: str = "scheduled",
    currency: str = "EUR",
    fund: int = 800_000,
    *,
    total: int = 1_000_000,
    session: BureauSession | None = APRIL,
    sector: str = "water",
    country: str = "SN",
    granted: int | None = None,
    decided_days: int | None = None,
    city: int | None = None,
) -> DossierFacts:
    return DossierFacts(
        id=n,
        reference=f"FC-2027-{n:04d}",
        city="Dakar",
        country=country,
        title=f"Projet {n}",
        sector=sector,
        status=status,
        plan=Financing(
            currency,
            Decimal(total),
            Decimal(fund),
            Decimal(city if city is not None else total - fund),
            Decimal(0),
        ),
        granted=Decimal(granted) if granted is not None else None,
        session=session,
        submitted_at=SENT,
        changed_at=SENT,
        decided_at=SENT + timedelta(days=decided_days) if decided_days is not None else None,
    )


AR_TITLE = "ترميم مركز صحي في حي النبعة"


AR_CITY = "بيروت"


def session_agenda() -> Agenda:
    """Thirteen dossiers (a session's usual count): EUR, XOF at the peg, one in USD (not
    counted against the budget), one approved, one rejected, one deferred; one in Arabic."""
    dossiers = [facts(n, sector=("water", "markets", "health")[n % 3]) for n in range(1, 10)]
    dossiers += [
        facts(10, "approved", granted=650_000, country="CI"),
        facts(11, "rejected", "XOF", 524_765_600, total=655_957_000, country="CI"),
        replace(
            facts(12, "deferred", "USD", 56_000, total=70_000, country="LB", sector="health"),
            title=AR_TITLE,
            city=AR_CITY,
        ),
        facts(13, "scheduled", "XOF", 262_382_800, total=327_978_500, country="SN"),
        facts(14, "withdrawn"),  # no longer on the agenda
    ]
    return build_agenda(APRIL, Budget(Decimal(10_000_000), "EUR"), dossiers)
