"""Bureau sessions: when the Bureau votes and the last day a dossier can be sent to each."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, order=True)
class BureauSession:
    held_on: date
    deadline: date
    place: str = field(default="", compare=False)
    id: int | None = field(default=None, compare=False)  # once the Secretariat has stored it


def parse_sessions(text: str) -> tuple[BureauSession, ...]:
    """Parse `2027-04-28:2027-03-01,2027-11-20:2027-09-30` (session date:submission deadline)."""
    sessions = []
    for chunk in text.replace(";", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        held, _, deadline = chunk.partition(":")
        held_on = date.fromisoformat(held.strip())
        last_day = date.fromisoformat(deadline.strip()) if deadline.strip() else held_on
        if last_day > held_on:
            raise ValueError(f"deadline after the session in {chunk!r}")
        sessions.append(BureauSession(held_on, last_day))
    return tuple(sorted(sessions))


def default_sessions(today: date) -> tuple[BureauSession, ...]:
    """The Bureau's usual rhythm: late April and November, dossiers due about two months before."""
    sessions = []
    for year in (today.year, today.year + 1, today.year + 2):
        sessions.append(BureauSession(date(year, 4, 28), date(year, 3, 1)))
        sessions.append(BureauSession(date(year, 11, 20), date(year, 9, 30)))
    return tuple(sessions)


def next_session(sessions: tuple[BureauSession, ...], today: date) -> BureauSession | None:
    """The first session whose submission deadline has not passed."""
    return next((s for s in sorted(sessions) if s.deadline >= today), None)


def schedulable(
    sessions: list[BureauSession] | tuple[BureauSession, ...],
    status: str,
    current: BureauSession | None,
    today: date,
) -> list[BureauSession]:
    """The sessions a dossier in `status` may be put on: not yet held, and for a dossier the
    Bureau deferred (`current` is the session that deferred it) only later ones."""
    deferred_from = current.held_on if status == "deferred" and current is not None else None
    return [
        s
        for s in sorted(sessions)
        if s.held_on >= today and (deferred_from is None or s.held_on > deferred_from)
    ]
