"""The Secretariat's verification of registrations: a card when a profile is first complete, then
"verified" or "refused" (with a reason), the person told in their own language."""

from bot.domain.people import Registration, Verification, VerificationRefused
from bot.domain.roles import Action
from bot.notify import people as notify
from bot.services.acting import PeopleUseCase
from bot.services.people import registration_of
from bot.services.rights import require
from storage.accounts import decide_registration, pending_registrations
from storage.models import Account
from storage.outbox import post
from storage.types import utcnow


class Verifications(PeopleUseCase):
    async def registration(self, account: Account) -> Registration:
        return await registration_of(self.session, account)

    async def waiting(self, telegram_id: int, city_id: int) -> Registration:
        """A finished registration still waiting for a decision, for the city its card showed
        (`city_id`); refused as `decide` would refuse it otherwise."""
        require(self.actor, self.admin_ids, Action.VERIFY_PEOPLE)
        account = await self.session.get(Account, telegram_id)
        if account is None or account.registered_at is None:
            raise VerificationRefused("unknown")
        registration = await self.registration(account)
        if registration.city_id != city_id:
            raise VerificationRefused("changed")
        if registration.verification != Verification.PENDING:
            raise VerificationRefused("decided", registration=registration)
        return registration

    async def pending(self, limit: int = 20) -> list[Registration]:
        require(self.actor, self.admin_ids, Action.VERIFY_PEOPLE)
        accounts = await pending_registrations(self.session, limit)
        return [await self.registration(a) for a in accounts]

    async def decide(
        self,
        telegram_id: int,
        city_id: int,
        verified: bool,
        reason: str | None = None,
    ) -> Registration:
        """Verify or refuse a pending registration for `city_id` (the city its card showed);
        the person is told through the outbox, in the same transaction. A compare-and-set on the
        pending state: of two staff deciding at once, one decision is recorded and the other
        gets `VerificationRefused("decided")` with what was decided, and nobody is told twice.
        A refused account loses what it reached of the city: its active draft too."""
        require(self.actor, self.admin_ids, Action.VERIFY_PEOPLE)
        account = await self.session.get(Account, telegram_id)
        if account is None:
            raise VerificationRefused("unknown")
        target = Verification.VERIFIED if verified else Verification.REFUSED
        done = account.verification == Verification.PENDING and await decide_registration(
            self.session,
            telegram_id,
            city_id,
            target,
            self.actor.telegram_id,
            utcnow(),
            None if verified else reason,
        )
        if not done:
            if account.registered_at is None and account.verification == Verification.PENDING:
                raise VerificationRefused("changed" if account.city_id != city_id else "unknown")
            if account.city_id != city_id:
                raise VerificationRefused("changed")
            raise VerificationRefused("decided", registration=await self.registration(account))
        if not verified:
            account.active_dossier_id = None
        registration = await self.registration(account)
        await post(self.session, notify.verified(registration, self.audience))
        await self.session.commit()
        return registration
