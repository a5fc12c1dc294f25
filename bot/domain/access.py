"""What an account reaches of a city's records (its dossiers, its emergency reports and their
situation reports), and who is told about one of them. One rule, used by every query, use case
and notice (issue 14 §1); typing a city's name gives no access to anything of that city:

- a **verified** official of the city (verified by the Secretariat, or joined through a city
  invite) reaches every record of the city: list, view, PDF, XLSX, write, withdraw, edit,
  resubmit, reminders and notices;
- an account the Secretariat has not looked at yet (**pending**) reaches only the records it
  created itself;
- a **refused** account reaches nothing of the city, not even the drafts it started (they stay
  the city's: its verified officials reach them).

Staff reach submitted dossiers through their role (bot/domain/roles.py), not through this rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.domain.people import Verification


class Member(Protocol):
    """Anyone who may act for a city: an account as stored, or a `Person`."""

    @property
    def telegram_id(self) -> int: ...

    @property
    def city_id(self) -> int | None: ...

    @property
    def verification(self) -> str: ...


M = TypeVar("M", bound=Member)


@dataclass(frozen=True)
class Reach:
    """The records of `city_id` an account reaches: all of them (`author` None), or only those
    `author` created."""

    city_id: int
    author: int | None = None

    @property
    def whole_city(self) -> bool:
        return self.author is None

    def covers(self, city_id: int, created_by: int) -> bool:
        return city_id == self.city_id and (self.author is None or created_by == self.author)


def reach(member: Member) -> Reach | None:
    """What `member` reaches of its city; None: nothing (no city, or refused)."""
    if member.city_id is None:
        return None
    if member.verification == Verification.VERIFIED:
        return Reach(member.city_id)
    if member.verification == Verification.PENDING:
        return Reach(member.city_id, member.telegram_id)
    return None  # refused, or a state this rule does not know: nothing


def reaches(member: Member, city_id: int, created_by: int) -> bool:
    """Whether `member` reaches the record of `city_id` that `created_by` created."""
    found = reach(member)
    return found is not None and found.covers(city_id, created_by)


def audience(members: Iterable[M], city_id: int, created_by: int) -> list[M]:
    """Who is told about a record (its status changes, reminders, the Secretariat's messages):
    the city's verified officials, and its author while unverified. Everyone else tied to the
    city by the name they typed hears nothing of it."""
    return [m for m in members if reaches(m, city_id, created_by)]


def submission_waits(member: Member, city_has_verified_official: bool) -> bool:
    """An unverified account's dossier waits for its verification before it goes to the
    Secretariat when its city already has a verified official (who can submit it, or vouch);
    the first official of a city that has none may submit (the card says the sender is not
    verified)."""
    return member.verification != Verification.VERIFIED and city_has_verified_official


def city_changed(before: int | None, after: int | None) -> bool:
    """A registration is for one city: tied to another (or to none while the country is asked
    again), the account is unverified again and its registration goes to the Secretariat anew."""
    return before is not None and after != before
