"""Staff invite links (issue 14 §5, issue 18): made and shown only in the admin's private chat,
never in the Secretariat's group; a link for admin or presidency gives its role only once the
admin who made it confirms who opened it; a link never lowers nor swaps the role of a staff member
who opens it; a one-time link opened by two people at the same moment is used once (two
sessions, repeated, on SQLite and PostgreSQL)."""

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.roles import Role
from bot.services.invites import InviteRefused, Invites
from storage.accounts import new_account
from storage.models import Account, Invite
from storage.types import utcnow
from testkit.harness import (
    SECRETARIAT,
    SECRETARIAT_GROUP,
    InProcessBot,
    admins_bot,
    check_clean,
    no_staff_chats,
)

ADMIN = 500  # in ADMIN_IDS, French
STORED_ADMIN = 501  # an admin by a stored role, English
LINK = re.compile(r"https://t\.me/aimf_test_bot\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    bot = await admins_bot(tmp_path, ADMIN)
    yield bot
    await bot.close()
    check_clean(bot.api)


async def role_of(app: InProcessBot, telegram_id: int) -> str:
    async with app.sessions() as session:
        account = await session.get(Account, telegram_id)
        return account.role if account else ""


async def make_link(app: InProcessBot, admin_id: int, role_button: str) -> str:
    """/staff → "Invite link" → the role, in the admin's private chat; the token."""
    admin = app.user(admin_id, language_code="fr")
    listing = await admin.send("/staff")
    menu = await admin.press(listing[-1], "🔗 Lien d’invitation")
    created = await admin.press(menu[-1], role_button)
    found = LINK.search(created.texts[-1])
    assert found is not None, created.texts
    return found.group(1)


async def test_invite_links_are_never_made_or_shown_in_a_group(app: InProcessBot) -> None:
    in_group = app.user(ADMIN, group=SECRETARIAT_GROUP)
    listing = await in_group.send("/staff")
    refused = await in_group.press(listing[-1], "🔗 Lien d’invitation", expect=0)
    answer = app.api.callback_answer(refused.callback_query_id)
    assert answer["show_alert"] and "conversation privée" in answer["text"]
    for forged in ("sf:inv_role:0:admin:0", "sf:inv_role:0:secretariat:0", "sf:inv_city:0::1"):
        reply = await in_group.press_data(listing[-1], forged, expect=0)
        assert "conversation privée" in app.api.callback_answer(reply.callback_query_id)["text"]
    async with app.sessions() as session:
        assert list(await session.scalars(select(Invite))) == []
    assert not any("t.me/" in m.get("text", "") for m in app.api.messages(SECRETARIAT))


async def test_an_admin_link_waits_for_the_confirmation_of_its_maker(app: InProcessBot) -> None:
    token = await make_link(app, ADMIN, "Administrateur")
    sophie = app.user(770, language_code="en", first_name="Sophie Martin")
    reply = await sophie.send(f"/start {token}")
    assert "asked to confirm that it is you" in reply.texts[0]
    assert await role_of(app, 770) == "applicant"  # not before the confirmation
    other = app.user(771)
    used = await other.send(f"/start {token}")
    assert "déjà été utilisé" in used.texts[0]
    await app.drain_outbox()
    request = app.api.messages(ADMIN)[-1]  # privately, in the admin's language
    assert "Sophie Martin, id 770, veut utiliser votre lien" in request["text"]
    admin = app.user(ADMIN)
    intruder = app.user(STORED_ADMIN, language_code="en")  # an admin, but not the link's maker
    await app.add_staff(STORED_ADMIN, "admin", "en", "John Admin")
    forged = await intruder.press_data(request, request_data(request, "ok"), expect=0)
    assert "not valid" in app.api.callback_answer(forged.callback_query_id)["text"]
    assert await role_of(app, 770) == "applicant"
    done = await admin.press(request, "✅ Confirmer")
    assert "Sophie Martin a maintenant le rôle « Administrateur »" in done.texts[-1]
    assert await role_of(app, 770) == "admin"
    await app.drain_outbox()
    assert "You now have the role “Administrator”" in app.api.messages(770)[-1]["text"]
    menu = {
        c["command"]: c["description"] for c in app.api.commands({"type": "chat", "chat_id": 770})
    }
    assert menu["staff"] == "Staff and invite links"  # her tools, in her language
    again = await admin.press_data(request, request_data(request, "no"), expect=0)
    assert "déjà reçu une réponse" in app.api.callback_answer(again.callback_query_id)["text"]
    assert await role_of(app, 770) == "admin"

    token = await make_link(app, ADMIN, "Présidence")
    reply = await app.user(772, language_code="en").send(f"/start {token}")
    await app.drain_outbox()
    request = app.api.messages(ADMIN)[-1]
    declined = await admin.press(request, "✖ Refuser")
    assert "ne peut plus servir" in declined.texts[-1]
    await app.drain_outbox()
    assert "did not confirm it" in app.api.messages(772)[-1]["text"]
    assert await role_of(app, 772) == "applicant"
    reused = await app.user(773).send(f"/start {token}")
    assert "déjà été utilisé" in reused.texts[0]


def request_data(message: dict, action: str) -> str:
    (data,) = [
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if b["callback_data"].startswith(f"iv:{action}:")
    ]
    return data


async def test_an_invite_never_lowers_nor_swaps_a_role(app: InProcessBot) -> None:
    """The last stored admin opening a commission link stays admin (and the link stays unused for
    the person it was meant for); so does an ADMIN_IDS admin; a role is not given twice."""
    await app.add_staff(STORED_ADMIN, "admin", "en", "John Admin")
    await app.add_staff(780, "presidency", "fr", "Paul Président")
    token = await make_link(app, ADMIN, "Commission d’aide humanitaire")
    for person in (STORED_ADMIN, ADMIN, 780):
        reply = await app.user(person, language_code="en").send(f"/start {token}")
        assert "this link would replace it" in reply.texts[0] or "remplacerait" in reply.texts[0]
    assert (await role_of(app, STORED_ADMIN), await role_of(app, 780)) == ("admin", "presidency")
    await app.add_staff(781, "commission", "fr", "Léa Commission")
    same = await app.user(781).send(f"/start {token}")
    assert "Vous avez déjà ce rôle" in same.texts[0]
    welcome = await app.user(782).send(f"/start {token}")  # the person it was meant for
    assert "rôle « Commission d’aide humanitaire »" in welcome.texts[0]
    assert await role_of(app, 782) == "commission"


ROUNDS = 12


async def test_a_link_opened_by_two_people_at_once_is_used_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Two sessions redeem the same one-time link at the same moment, again and again: one gets
    the role, the other is told it was used; never both."""
    async with sessions() as session:
        for n in range(2 * ROUNDS):
            new_account(session, 9000 + n, f"P{n}")
        for n in range(ROUNDS):
            session.add(
                Invite(
                    token=f"race-{n}",
                    role=Role.SECRETARIAT,
                    created_by=ADMIN,
                    expires_at=utcnow() + timedelta(days=1),
                )
            )
        await session.commit()

    async def redeem(person: int, token: str) -> bool:
        async with sessions() as session:
            account = await session.get(Account, person)
            try:
                await Invites(session, account, (ADMIN,), no_staff_chats()).redeem(token)
            except InviteRefused as problem:
                assert problem.code == "used"
                return False
            return True

    for n in range(ROUNDS):
        first, second = 9000 + 2 * n, 9001 + 2 * n
        outcomes = await asyncio.gather(redeem(first, f"race-{n}"), redeem(second, f"race-{n}"))
        assert sorted(outcomes) == [False, True], n
    async with sessions() as session:
        staff = [a for a in await session.scalars(select(Account)) if a.role == "secretariat"]
        used = [i.used_by for i in await session.scalars(select(Invite))]
    assert len(staff) == ROUNDS and len(set(used)) == ROUNDS and None not in used
    assert {a.telegram_id for a in staff} == set(used)
