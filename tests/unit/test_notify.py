"""What each event tells whom (bot/notify): pure calls, an event and its audience in, notices
out, each written in its reader's language."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.config import Settings
from bot.domain.emergency import Emergency, EmergencyStatus, Proposal
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.follow_up import ReportDue, ReportKind
from bot.domain.grant_case import AidCase
from bot.domain.navigation import Cursor
from bot.domain.people import Registration, Verification
from bot.domain.records import Person, Record
from bot.domain.review import Change, HistoryEntry, ThreadMessage
from bot.notify import dossiers, emergencies, people
from bot.notify.notice import CardMode
from bot.notify.projects import Event, GrantEvent, Readers, notices
from bot.notify.readers import Audience, Chat, Voice
from bot.screens.common import money
from bot.screens.home import status_label
from bot.screens.notices import city_update
from bot.screens.registrations import told_outcome
from bot.telegram.callbacks import menu_data, staff_data
from bot.telegram.i18n import build_i18n
from testkit.factories import full_case
from testkit.standin.server import DEFAULT_TOKEN

SECRETARIAT, COMMISSION, PRESIDENCY = -1001, -1002, -1003
FRENCH = Person(701, "Awa", "fr", {"full_name": "Awa Ndiaye"}, 1, verification="verified")
ARABIC = Person(702, "Karim", "ar", {"full_name": "كريم"}, 1, verification="verified")
ENGLISH = Person(703, "John", "en", {"full_name": "John Smith"}, 1, verification="verified")
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def audience() -> Audience:
    """The Secretariat's chat reads English, the commission's French, the Presidency's Arabic."""
    settings = Settings(
        _env_file=None,
        bot_token=DEFAULT_TOKEN,
        secretariat_chat_id=SECRETARIAT,
        secretariat_language="en",
        commission_chat_id=COMMISSION,
        commission_language="fr",
        presidency_chat_id=PRESIDENCY,
        presidency_language="ar",
    )
    return Audience.of(settings, build_i18n("fr"))


def approved():
    case = full_case("fr")
    history = [*case.history, HistoryEntry(AT, "scheduled", "approved", "John Smith")]
    record = replace(case.record, status="approved")
    return replace(case, record=record, history=history, granted=Decimal("800000"))


def test_approving_a_dossier_tells_each_official_in_their_language_and_edits_the_card(
    audience: Audience,
) -> None:
    case = approved()
    told = dossiers.moved(case, [FRENCH, ARABIC], audience)
    by_chat = {n.chat_id: n for n in told}
    assert set(by_chat) == {FRENCH.telegram_id, ARABIC.telegram_id, SECRETARIAT}
    french, arabic = by_chat[FRENCH.telegram_id].text, by_chat[ARABIC.telegram_id].text
    assert french == audience.voice("fr", lambda: city_update(case))
    assert arabic == audience.voice("ar", lambda: city_update(case))
    assert "Dossier FC-" in french and " : " in french and "الملف" in arabic
    card = by_chat[SECRETARIAT]
    assert card.card == f"dossier:{case.record.id}" and card.topic and card.mode == CardMode.KEEP
    assert "Approved" in card.text and card.markup is not None  # the Secretariat reads English
    assert all(n.card is None and not n.urgent for n in told if n.chat_id > 0)


def test_a_first_submission_sends_the_card_a_second_tells_the_others_what_changed(
    audience: Audience,
) -> None:
    case = full_case("fr")
    (card,) = dossiers.submitted(case, None, [ARABIC], audience)
    assert card.chat_id == SECRETARIAT and card.text.startswith("<b>📥 New dossier FC-")
    again = dossiers.submitted(case, [], [ARABIC], audience)
    assert [n.chat_id for n in again] == [ARABIC.telegram_id, SECRETARIAT, SECRETARIAT]
    assert "الملف" in again[0].text and "submitted again" in again[1].text
    assert "No answer changed since the last submission." in again[1].text


def test_a_message_on_a_dossier_goes_to_the_other_side(audience: Audience) -> None:
    case = full_case("fr")
    from_city = ThreadMessage(AT, False, "Awa Ndiaye", "Voici le budget <révisé>")
    (to_staff,) = dossiers.written(case, from_city, [FRENCH], audience)
    assert to_staff.chat_id == SECRETARIAT and to_staff.topic
    assert "&lt;révisé&gt;" in to_staff.text and "Answer the city" in str(to_staff.markup)
    from_staff = ThreadMessage(AT, True, "John Smith", "Merci")
    told = dossiers.written(case, from_staff, [FRENCH, ARABIC], audience)
    assert [n.chat_id for n in told] == [FRENCH.telegram_id, ARABIC.telegram_id]
    assert "Secrétariat permanent" in told[0].text and told[0].text != told[1].text


def test_with_no_secretariat_chat_only_people_are_told(audience: Audience) -> None:
    alone = replace(audience, secretariat=None)
    told = dossiers.moved(approved(), [FRENCH], alone)
    assert [n.chat_id for n in told] == [FRENCH.telegram_id]


def emergency(status: str = EmergencyStatus.REPORTED) -> Emergency:
    answers = {"event": "flood", "place": "Toamasina", "location": {"lat": -18.1, "lon": 49.4}}
    record = Record(41, EMERGENCY_FORM, answers, Cursor("review"), status=status,
                    reference="FU-2026-0001", submitted_at=AT)  # fmt: skip
    proposal = Proposal(Decimal("50000"), "EUR", "relief", "Abris", "Marie Dupont")
    return Emergency(
        record, 1, "Toamasina", "MG", FRENCH, officials=[FRENCH, ARABIC], proposal=proposal
    )


def test_an_alert_is_urgent_in_both_chats_in_their_languages_and_the_city_is_told(
    audience: Audience,
) -> None:
    told = emergencies.reported(emergency(), FRENCH.telegram_id, audience)
    cards = [n for n in told if n.card is not None]
    assert [n.chat_id for n in cards] == [SECRETARIAT, COMMISSION]
    assert all(n.urgent and n.card == "dossier:41" for n in cards)
    assert cards[0].text != cards[1].text  # English, French
    located = [n for n in told if n.location is not None]
    assert [n.chat_id for n in located] == [SECRETARIAT, COMMISSION]
    (city,) = [n for n in told if n.chat_id > 0]  # the sender reads it on their screen
    assert city.chat_id == ARABIC.telegram_id and not city.urgent and "FU-2026-0001" in city.text


def test_an_escalation_replaces_the_cards_and_reaches_the_presidency_and_the_users(
    audience: Audience,
) -> None:
    waited = datetime(2026, 12, 1, 9, 45, tzinfo=UTC) - AT
    told = emergencies.escalated(emergency(), 2, 3, waited, [(900, "en")], audience)
    replaced = [n for n in told if n.mode == CardMode.REPLACE]
    assert [n.chat_id for n in replaced] == [SECRETARIAT, COMMISSION]
    others = [n for n in told if n.card is None]
    assert [n.chat_id for n in others] == [PRESIDENCY, 900] and all(n.urgent for n in told)
    assert others[0].markup is None and others[1].markup is not None


def test_a_decision_edits_the_presidency_card_only_once_it_has_one(audience: Audience) -> None:
    proposed = emergencies.moved(emergency(EmergencyStatus.PROPOSED), "propose", audience)
    (card,) = [n for n in proposed if n.chat_id == PRESIDENCY]
    assert card.mode == CardMode.KEEP and card.card == "dossier:41"
    decided = emergencies.moved(emergency(EmergencyStatus.APPROVED), "approve", audience)
    (edit,) = [n for n in decided if n.chat_id == PRESIDENCY]
    assert edit.mode == CardMode.EDIT_ONLY
    city = {n.chat_id: n.text for n in decided if n.chat_id > 0}
    assert set(city) == {FRENCH.telegram_id, ARABIC.telegram_id}
    assert city[FRENCH.telegram_id] != city[ARABIC.telegram_id]


def test_the_preview_shows_each_language_once_with_its_readers(audience: Audience) -> None:
    case = approved()
    foreseen = dossiers.foreseen(
        case, [FRENCH, ARABIC, replace(FRENCH, telegram_id=9)], audience.voice
    )
    assert [(language, count) for language, count, _text in foreseen] == [("fr", 2), ("ar", 1)]
    told = dossiers.moved(case, [FRENCH], audience)
    assert foreseen[0][2] == told[0].text  # the preview is the notice


def test_a_registration_card_then_the_person_told_and_the_card_without_buttons(
    audience: Audience,
) -> None:
    registration = Registration(702, "Karim", "ar", {"full_name": "كريم"}, True, city_id=3)
    (card,) = people.registered(registration, audience)
    assert card.chat_id == SECRETARIAT and card.card == "registration:702"
    assert card.mode == CardMode.NEW and card.markup is not None
    decided = replace(registration, verification=Verification.VERIFIED)
    told, edit = people.verified(decided, audience)
    assert told.chat_id == 702 and told.text == audience.voice("ar", lambda: told_outcome(decided))
    assert told.text != audience.voice("fr", lambda: told_outcome(decided))
    assert edit.chat_id == SECRETARIAT and edit.card == "registration:702"
    assert edit.mode == CardMode.EDIT_ONLY and edit.text == "" and edit.markup is None


def test_a_role_is_told_in_the_persons_language(audience: Audience) -> None:
    (french,) = people.role_changed(701, "fr", "commission", audience.voice)
    (english,) = people.role_changed(703, "en", "commission", audience.voice)
    assert french.chat_id == 701 and english.chat_id == 703 and french.text != english.text
    (unknown,) = people.role_changed(704, "xx", "commission", audience.voice)
    assert unknown.text == french.text  # a language the bot does not speak: the default


def test_the_approval_tells_the_city_what_was_granted_asked_and_left_to_cover(
    audience: Audience,
) -> None:
    case = approved()  # 800 000 granted of the 1 000 000 asked
    told = dossiers.moved(case, [FRENCH, ARABIC, ENGLISH], audience)
    by_chat = {n.chat_id: n.text for n in told}

    def figures(language: str) -> list[str]:
        amounts = ("800000", "1000000", "200000")
        return audience.voice(language, lambda: [money(Decimal(a), "EUR") for a in amounts])

    for person, words in (
        (FRENCH, "Le Bureau a accordé"),
        (ENGLISH, "The Bureau granted"),
        (ARABIC, "منح المكتب"),
    ):
        text = by_chat[person.telegram_id]
        assert words in text
        assert all(amount in text for amount in figures(person.language))
    assert "votre ville doit désormais couvrir la différence" in by_chat[FRENCH.telegram_id]
    assert "your city must now cover the difference" in by_chat[ENGLISH.telegram_id]
    whole = replace(case, granted=Decimal("1000000"))
    (english,) = dossiers.moved(whole, [ENGLISH], replace(audience, secretariat=None))
    assert "the whole amount asked of the Fund" in english.text
    assert "difference" not in english.text


def test_a_change_request_reaches_each_official_with_a_way_into_the_dossier(
    audience: Audience,
) -> None:
    case = full_case("fr")
    asked = HistoryEntry(AT, "in_review", "changes_requested", "John Smith", "Budget détaillé")
    case = replace(
        case,
        record=replace(case.record, status="changes_requested"),
        history=[*case.history, asked],
    )
    told = dossiers.moved(case, [FRENCH, ENGLISH, ARABIC], audience)
    by_chat = {n.chat_id: n.markup for n in told}
    for person, label in ((FRENCH, "✏️ Ouvrir et modifier"), (ENGLISH, "✏️ Open and edit"),
                          (ARABIC, "✏️ افتحوا الملف وعدّلوه")):  # fmt: skip
        (row,) = by_chat[person.telegram_id]["inline_keyboard"]
        assert row == [{"text": label, "callback_data": menu_data(case.record.id, "edit")}]
    (plain,) = dossiers.moved(approved(), [FRENCH], replace(audience, secretariat=None))
    assert plain.markup is None  # only a change request asks the city to edit


def resubmitted_and_withdrawn():
    case = full_case("fr")
    resubmitted = replace(case, record=replace(case.record, status="in_review"))
    gone = HistoryEntry(AT, "in_review", "withdrawn", "Awa Ndiaye")
    withdrawn = replace(
        case, record=replace(case.record, status="withdrawn"), history=[*case.history, gone]
    )
    return resubmitted, withdrawn


@pytest.mark.parametrize(
    "language, again, asked, gone, move",
    [
        ("en", "submitted dossier", "2 answers changed", "withdrew dossier",
         "In review → Withdrawn, by Awa Ndiaye"),
        ("fr", "a soumis à nouveau le dossier", "2 réponses ont changé", "a retiré le dossier",
         "En cours d’examen → Retiré, par Awa Ndiaye"),
        ("ar", "من جديد الملف", "تغيرت إجابتان", "↩ سحبت",
         "قيد الدراسة ← مسحوب، من قِبل Awa Ndiaye"),
    ],
)  # fmt: skip
def test_a_resubmission_and_a_withdrawal_post_a_new_message_beside_the_card(
    audience: Audience, language: str, again: str, asked: str, gone: str, move: str
) -> None:
    """Telegram notifies no one of an edited card: the city's move is also a new message, in
    the dossier's topic, with what changed; the card stays the record, edited in place."""
    heard = replace(audience, secretariat=Chat(SECRETARIAT, language))
    resubmitted, withdrawn = resubmitted_and_withdrawn()
    fields = resubmitted.record.form.questions
    changes = [
        Change(fields["title"], "Éclairage", "Éclairage solaire"),
        Change(fields["fund_amount"], "500000", "480000"),
    ]
    *_, card, news = dossiers.submitted(resubmitted, changes, [], heard)
    assert card.card == f"dossier:{resubmitted.record.id}" and card.mode == CardMode.KEEP
    assert news.chat_id == SECRETARIAT and news.card is None and news.topic
    assert again in news.text and asked in news.text and "Éclairage solaire" in news.text
    assert heard.voice(language, lambda: money(Decimal("480000"), "EUR")) in news.text
    moved_from = heard.voice(language, lambda: status_label("changes_requested") + " ")
    assert moved_from in news.text and resubmitted.sender.name in news.text
    *_, card, news = dossiers.moved(withdrawn, [ARABIC], heard)
    assert card.card == f"dossier:{withdrawn.record.id}" and card.mode == CardMode.KEEP
    assert news.card is None and news.topic and gone in news.text and move in news.text
    assert staff_data("open", withdrawn.record.id) in str(news.markup)
    assert [n.chat_id for n in dossiers.moved(approved(), [], heard)] == [SECRETARIAT]


def test_an_aid_report_is_asked_in_each_language_and_submitted_with_the_review_buttons() -> None:
    """The report on an emergency aid's use (issue 17): its notices are the project reports',
    with the aid instead of the project (no tranche to wait for)."""
    aid = AidCase(52, "FU-2027-0003", "cyclone", 7, "Toamasina", "MG", Decimal(50000), "EUR",
                  "abris")  # fmt: skip
    voice = Voice(build_i18n("fr"), "fr")
    readers = Readers([FRENCH, ARABIC], SECRETARIAT, "fr", "fr")
    due = ReportDue(date(2027, 5, 1), ReportKind.AID, 1)
    asked = notices(Event(GrantEvent.REPORT_OPENED, aid, report=due, record_id=90), readers, voice)
    assert [n.chat_id for n in asked] == [701, 702]  # not the Secretariat's chat
    assert "Rapport sur l’utilisation de l’aide d’urgence de FU-2027-0003" in asked[0].text
    assert "FU-2027-0003" in asked[1].text and "تقرير" in asked[1].text
    assert asked[0].markup["inline_keyboard"][0][0]["callback_data"] == menu_data(90, "resume")
    sent = Event(GrantEvent.REPORT_SUBMITTED, aid, "Awa", report=due, record_id=90)
    *city, card = notices(sent, readers, voice)
    assert all("tranche" not in n.text for n in city)
    assert "a soumis Rapport sur l’utilisation" in card.text and "Cyclone" in card.text
    assert "50\u202f000\xa0€" in card.text and "abris" in card.text
    buttons = [b["callback_data"] for row in card.markup["inline_keyboard"] for b in row]
    assert sorted(buttons) == ["g:r:approve:90:report_submitted", "g:r:return:90:report_submitted"]
