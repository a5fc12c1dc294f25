"""Who may do what on the review side, checked with the role of whoever presses or types, every
time: every role against every command and button, forged and stale ones included."""

import pytest
from sqlalchemy import func, select

from storage.models import Dossier, StatusChange
from testkit.harness import SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import (
    ADMIN,
    CITY,
    OTHER_CITY,
    REFUSED,
    SECRETARIAT,
    STAFF,
    submitted,
)

MAY_REVIEW = {SECRETARIAT, ADMIN}


async def status_of(app: InProcessBot, dossier_id: int) -> tuple[str, int]:
    async with app.sessions() as session:
        changes = await session.scalar(select(func.count()).select_from(StatusChange))
        return (await session.get(Dossier, dossier_id)).status, changes


@pytest.mark.parametrize("who", [CITY, OTHER_CITY, *STAFF])
async def test_commands_of_the_review(app: InProcessBot, who: int) -> None:
    dossier_id, reference = await submitted(app)
    user = app.user(who)
    queue = await user.send("/queue")
    sessions = await user.send("/sessions")
    dossier = await user.send(f"/dossier {reference}")
    if who in MAY_REVIEW:
        assert "1 dossier en attente" in queue.texts[0] and reference in queue.texts[0]
        assert "Aucune session du Bureau" in sessions.texts[0]
        assert "📂 Dossier FC-2026-0042" in dossier.texts[0]
        assert "🔎 Commencer l’examen" in user.buttons(dossier[-1])
    else:
        assert queue.texts == [REFUSED] and sessions.texts == [REFUSED]
        if who == CITY:  # its own city's dossier, without the Secretariat's buttons
            assert "📂 Dossier FC-2026-0042" in dossier.texts[0]
            assert "🔎 Commencer l’examen" not in user.buttons(dossier[-1])
            assert "✉️ Écrire au Secrétariat" in user.buttons(dossier[-1])
        else:
            assert dossier.texts == ["Aucun de vos dossiers n’a cette référence."]
    assert await status_of(app, dossier_id) == ("submitted", 0)


@pytest.mark.parametrize("who", [CITY, OTHER_CITY, *STAFF])
async def test_buttons_of_the_review_in_the_secretariats_chat(app: InProcessBot, who: int) -> None:
    dossier_id, _reference = await submitted(app)
    user = app.user(who, group=SECRETARIAT_GROUP)
    card = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "📥 card"}
    app.api.messages(SECRETARIAT_GROUP["id"])  # the chat exists for the stand-in
    for data in (f"s:open:{dossier_id}:", f"s:files:{dossier_id}:", f"s:write:{dossier_id}:"):
        reply = await user.press_data(card, data, expect=0)
        answer = app.api.callback_answer(reply.callback_query_id)
        if who in MAY_REVIEW:
            assert answer.get("text") is None
        else:
            assert answer["text"] == REFUSED and answer["show_alert"] is True
            assert reply.sent == []
    await user.send("/cancel", expect=0)  # leaves the note "write" asked for, if any
    stale = await user.press_data(card, f"s:mv:{dossier_id}:approve", expect=0)  # not now
    moved = await user.press_data(card, f"s:mv:{dossier_id}:review", expect=0)
    forged = await user.press_data(card, "s:mv:99999:review", expect=0)
    if who in MAY_REVIEW:
        assert stale.texts[0] == "Ce n’est plus possible : FC-2026-0042 est maintenant « Soumis »."
        assert moved.texts == ["✔ FC-2026-0042 : En cours d’examen"]
        assert app.api.callback_answer(forged.callback_query_id)["show_alert"] is True
        assert await status_of(app, dossier_id) == ("in_review", 1)
    else:
        assert stale.sent == moved.sent == forged.sent == []
        assert await status_of(app, dossier_id) == ("submitted", 0)


async def test_an_official_withdraws_only_their_own_citys_dossier(app: InProcessBot) -> None:
    dossier_id, _reference = await submitted(app)
    review = {"message_id": 1, "date": 1, "chat": {"id": OTHER_CITY, "type": "private"}}
    intruder = await app.user(OTHER_CITY).press_data(review, f"m:{dossier_id}:withdraw_ok:")
    assert app.api.callback_answer(intruder.callback_query_id)["show_alert"] is True
    assert await status_of(app, dossier_id) == ("submitted", 0)
    own = {"message_id": 1, "date": 1, "chat": {"id": CITY, "type": "private"}}
    withdrawn = await app.user(CITY).press_data(own, f"m:{dossier_id}:withdraw_ok:")
    assert "Retiré" in withdrawn.texts[0]
    assert await status_of(app, dossier_id) == ("withdrawn", 1)


async def test_staff_see_on_the_dossier_that_the_city_blocked_the_bot(app: InProcessBot) -> None:
    dossier_id, reference = await submitted(app)
    app.api.block(CITY)
    staff = app.user(SECRETARIAT, group=SECRETARIAT_GROUP)
    card = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "📥 card"}
    await staff.press_data(card, f"s:mv:{dossier_id}:review")  # the city is told: 403
    await app.drain_outbox()
    shown = await staff.send(f"/dossier {reference}")
    assert "🚫 Le robot ne peut pas joindre Awa Ndiaye" in shown.texts[0]
    refused = [c for c in app.api.errors if c.status == 403]
    assert [c.params["chat_id"] for c in refused] == [CITY]  # tried once, then never again
    app.api.calls[:] = [c for c in app.api.calls if c not in refused]  # expected: set aside
