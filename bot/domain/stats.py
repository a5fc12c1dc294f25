"""The Secretariat's figures for `/stats`: the pipeline by status, amounts asked and granted per
Bureau session, dossiers and amounts by sector and by country, and the days from submission to
the Bureau's decision. Amounts are in euros: a dossier in a currency with no fixed rate to the
euro is counted in the numbers of dossiers, not in the amounts (`not_converted` says how many)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from bot.domain.sessions import BureauSession
from bot.domain.sheets import DossierFacts, convert
from bot.domain.workflow import Status

UNIT = "EUR"
PIPELINE = tuple(s for s in Status if s != Status.DRAFT)


@dataclass
class Share:
    count: int = 0
    asked: Decimal = Decimal(0)  # in euros


@dataclass
class SessionFigures:
    session: BureauSession
    asked: Decimal = Decimal(0)
    granted: Decimal = Decimal(0)
    days: list[int] = field(default_factory=list)  # submission to decision, per decided dossier

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None


@dataclass
class Stats:
    by_status: dict[str, int]
    sessions: list[SessionFigures]
    by_sector: dict[str, Share]
    by_country: dict[str, Share]
    days: list[int]
    not_converted: int = 0

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None

    @property
    def empty(self) -> bool:
        return not any(self.by_status.values())


def compute_stats(dossiers: Iterable[DossierFacts]) -> Stats:
    """Figures over every submitted dossier (drafts are not in the Secretariat's pipeline)."""
    by_status = dict.fromkeys(PIPELINE, 0)
    sessions: dict[object, SessionFigures] = {}
    by_sector: defaultdict[str, Share] = defaultdict(Share)
    by_country: defaultdict[str, Share] = defaultdict(Share)
    days: list[int] = []
    not_converted = 0
    for facts in dossiers:
        if facts.status not in by_status:
            continue
        by_status[facts.status] += 1
        asked = convert(facts.plan.fund, facts.currency, UNIT)
        granted = convert(facts.granted or Decimal(0), facts.currency, UNIT)
        if asked is None or granted is None:
            not_converted += 1
            asked = granted = Decimal(0)
        for share in (by_sector[facts.sector or "other"], by_country[facts.country]):
            share.count += 1
            share.asked += asked
        waited = facts.days_to_decision()
        if waited is not None:
            days.append(waited)
        if facts.session is not None:
            key = facts.session.id if facts.session.id is not None else facts.session.held_on
            figures = sessions.setdefault(key, SessionFigures(facts.session))
            figures.asked += asked
            figures.granted += granted
            if waited is not None:
                figures.days.append(waited)
    return Stats(
        by_status=by_status,
        sessions=sorted(sessions.values(), key=lambda f: f.session.held_on),
        by_sector=dict(sorted(by_sector.items(), key=lambda kv: (-kv[1].count, kv[0]))),
        by_country=dict(sorted(by_country.items(), key=lambda kv: (-kv[1].count, kv[0]))),
        days=days,
        not_converted=not_converted,
    )
