"""Staff see their tools (issue 16 §8): in /start, in /help and in their own command menu
(setMyCommands for their chat), in their language, as their role allows, set again when an
admin changes their role."""

from typing import Any

import pytest

from testkit.harness import InProcessBot

ADMIN, SECRETARY, PRESIDENT, OFFICIAL = 751, 752, 753, 754
ROLES = {ADMIN: ("admin", "en"), SECRETARY: ("secretariat", "fr"), PRESIDENT: ("presidency", "ar")}


def menu(app: InProcessBot, user_id: int) -> dict[str, str]:
    shown = app.api.commands({"type": "chat", "chat_id": user_id})
    return {c["command"]: c["description"] for c in shown}


@pytest.fixture
async def staffed(app: InProcessBot) -> Any:
    for user_id, (role, language) in ROLES.items():
        await app.add_staff(user_id, role, language, f"Staff {user_id}")
    return app


async def test_each_staff_member_sees_their_tools_in_their_language(staffed: InProcessBot) -> None:
    app = staffed
    admin = app.user(ADMIN, "en")
    started = (await admin.send("/start")).texts[0]
    assert "Your tools (Administrator): /queue, /dossier," in started and "/outbox" in started
    assert menu(app, ADMIN)["queue"] == "Dossiers waiting on the Secretariat"
    assert {"staff", "outbox", "new", "help"} <= set(menu(app, ADMIN))

    secretary = app.user(SECRETARY, "fr")
    helped = (await secretary.send("/help")).texts[-1]
    assert "/queue — Dossiers en attente du Secrétariat" in helped
    assert "/registrations" in helped and "/staff" not in helped and "/outbox" not in helped
    assert "staff" not in menu(app, SECRETARY) and "registrations" in menu(app, SECRETARY)

    president = app.user(PRESIDENT, "ar")
    helped = (await president.send("/help")).texts[-1]
    assert "/emergencies" in helped and "/queue" not in helped
    assert list(menu(app, PRESIDENT))[-1] == "emergencies"
    assert "queue" not in menu(app, PRESIDENT)

    official = app.user(OFFICIAL, "fr")
    said = (await official.send("/help")).texts[-1]
    assert "/queue" not in said and "/emergencies" not in said
    assert menu(app, OFFICIAL) == {}  # the menu every chat has


async def test_a_role_changed_changes_the_menu(staffed: InProcessBot) -> None:
    app = staffed
    await app.user(OFFICIAL, "fr").send("/start")
    assert menu(app, OFFICIAL) == {}
    admin = app.user(ADMIN, "en")
    listing = await admin.send("/staff")
    await admin.press(listing[-1], "➕")
    roles = await admin.send(str(OFFICIAL))
    confirm = await admin.press(roles[-1], "Permanent Secretariat")
    await admin.press(confirm[-1], "✅")
    assert menu(app, OFFICIAL)["queue"] == "Dossiers en attente du Secrétariat"  # theirs: French

    listing = await admin.send("/staff")
    (remove,) = [b for b in admin.buttons(listing[-1]) if f"Staff {OFFICIAL}" in b or "Awa" in b]
    confirm = await admin.press(listing[-1], remove)
    await admin.press(confirm[-1], "✖ Yes, revoke")
    assert menu(app, OFFICIAL) == {}
