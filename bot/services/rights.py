"""The right to act, checked in the use case itself against the acting person's stored role:
a handler that forgot to check still cannot change anything."""

from bot.domain.refusals import Refused
from bot.domain.roles import Action, Role, effective_role, may
from storage.models import Account


class NotAllowed(Refused):
    """The person who pressed or typed may not take this action."""

    def __init__(self, action: Action) -> None:
        super().__init__("not_allowed", action=action)


def role_of(account: Account, admin_ids: tuple[int, ...]) -> Role:
    return effective_role(account.role, account.telegram_id, admin_ids)


def require(account: Account, admin_ids: tuple[int, ...], action: Action) -> None:
    if not may(role_of(account, admin_ids), action):
        raise NotAllowed(action)
