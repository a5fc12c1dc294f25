"""Every notice, card and alert the bot sends, built with every free-text answer as long as a
person can type it (in French, English and Arabic, and with emoji, which count two UTF-16 units),
goes through the bot's one way to Telegram (the request middleware, and the outbox's way in) to
the stand-in, which refuses what Telegram refuses: nothing is refused. Several of them are far
over the limit as built (the alert of the incident was 4,178 characters), so the test fails
without the fitting."""

import html
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.domain import fitting
from bot.domain.emergency import Emergency, EmergencyStatus, Event, EventKind, Proposal
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.forms import Form, Kind
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import Cursor
from bot.domain.people import Registration
from bot.domain.records import Person, Record
from bot.domain.reminders import Waiting
from bot.domain.review import Case, HistoryEntry, ThreadMessage, changed_answers
from bot.domain.rules import FundingRules, check_record
from bot.domain.sessions import BureauSession
from bot.domain.sitrep_form import SITREP_FORM
from bot.domain.workflow import Status
from bot.notify import emergencies as notify
from bot.notify.readers import Audience
from bot.screens import emergency as alerts_text
from bot.screens.checklist import review_screens
from bot.screens.delivery import cut_pointer
from bot.screens.notices import city_update, statuses_screen, thread_notice
from bot.screens.question import question_screen
from bot.screens.registrations import decided_text, registration_card, told_outcome
from bot.screens.reminders import digest_screen, reminder_screen
from bot.screens.secretariat import card_text, changes_block, city_case_screens, dossier_screens
from bot.screens.secretariat import moves_keyboard as staff_moves
from bot.screens.team import invite_welcome
from bot.telegram import fitting as middleware
from bot.telegram.i18n import build_i18n
from storage import outbox
from testkit.factories import complete_answers
from testkit.standin import BotAPIStandIn
from testkit.standin.formatting import caption_text, message_text, utf16_len
from testkit.standin.inprocess import InProcessSession

TYPED = 4096  # one Telegram message: the most a person can type at once (UTF-16 units)
NOTE = 3000  # what staff may type for a note (bot/conversation/notes.py MAX_NOTE)
SECRETARIAT, COMMISSION, PRESIDENCY, PERSON = -1001234567890, -1009876543210, -1005555555555, 70
BIG_ID = 2_147_483_647  # record ids at their largest, for callback data
FILLERS = {
    "fr": "Réseau d’eau & <assainissement> des quartiers ",
    "en": "Solar street lighting for the old town’s markets ",
    "ar": "الإنارة الشمسية لحي المدينة القديمة ",
    "emoji": "🌊🌊🌊🌊🌊 ماء & ",
}
NOW = datetime(2027, 2, 1, 8, 0, tzinfo=UTC)


@cache
def longest(maximum: int, pattern: str) -> str:
    """`maximum` characters (code points, as the bot counts them) in one message at most."""
    out: list[str] = []
    size = 0
    while True:
        for ch in pattern:
            if len(out) + 1 > maximum or size + utf16_len(ch) > TYPED:
                return "".join(out).strip()
            out.append(ch)
            size += utf16_len(ch)


def maximal(form: Form, filler: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Answers to `form` with every free text at its longest, every choice with its longest
    label, every multi-select with all its choices, counts at their largest."""
    answers = dict(base or {})
    for question in form.questions.values():
        if question.kind == Kind.TEXT:
            answers[question.key] = longest(question.max_len, filler)
        elif question.kind == Kind.MULTI:
            answers[question.key] = [c.value for c in question.choices]
        elif question.kind == Kind.WHOLE:
            answers[question.key] = min(question.maximum, 10**12)
        elif question.kind == Kind.CHOICE and question.key not in answers:
            answers[question.key] = max(question.choices, key=lambda c: len(c.label)).value
        elif question.kind == Kind.LIST:
            entries = answers.get(question.key) or []
            texts = {f.key: f for f in question.fields if f.kind == Kind.TEXT}
            answers[question.key] = [
                {k: longest(texts[k].max_len, filler) if k in texts else v
                 for k, v in entry.items()}
                for entry in entries
            ]  # fmt: skip
    return answers


def person(filler: str, language: str, telegram_id: int = PERSON) -> Person:
    profile = {
        "city": longest(100, filler),
        "country": "MG",
        "full_name": longest(150, filler),
        "function": longest(150, filler),
        "phone": "+261340000000",
        "email": "a" * 64 + "@" + "b" * 60 + ".mg",
    }
    return Person(telegram_id, longest(64, filler), language, profile, 1, verification="pending")


def emergency(filler: str, language: str, status: str) -> Emergency:
    given = {"event": "conflict", "started": "2027-01-30", "currency": "XAF",
             "amount": "999999999999"}  # fmt: skip
    answers = maximal(EMERGENCY_FORM, filler, given)
    answers["location"] = {"lat": -18.149245, "lon": 49.402312}
    record = Record(BIG_ID, EMERGENCY_FORM, answers, Cursor("review"), status=status,
                    reference="FU-2027-9999", submitted_at=NOW)  # fmt: skip
    name = longest(150, filler)
    note = longest(NOTE, filler)
    details = {EventKind.APPROVED: "999999999999 XAF", EventKind.ESCALATED: "3",
               EventKind.SITREP: "99"}  # fmt: skip
    events = [Event(NOW + timedelta(minutes=n), kind, name, details.get(kind, note))
              for n, kind in enumerate(EventKind)]  # fmt: skip
    return Emergency(
        record=record, city_id=1, city=longest(100, filler), country="MG",
        sender=person(filler, language), acknowledged_by=name,
        officials=[person(filler, language, 71), person(filler, "ar", 72)],
        proposal=Proposal(Decimal("999999999999"), "XAF", "post", note, name),
        decided_by=name, decision_note=note, granted=(Decimal("999999999999"), "XAF"),
        closed_by=name, closed_note=note, escalations=3, events=events, sitreps=99,
        sender_registered=False, sender_verified=False,
    )  # fmt: skip


def case(filler: str, language: str, status: str) -> Case:
    answers = maximal(FUND_FORM, filler, complete_answers())
    record = Record(BIG_ID, FUND_FORM, answers, Cursor("review"), status=status,
                    reference="FC-2027-9999", submitted_at=NOW)  # fmt: skip
    note = longest(NOTE, filler)
    name = longest(150, filler)
    history = [
        HistoryEntry(NOW, "in_review", status, name, note=note, amount=Decimal("999999999999"))
    ]
    thread = [ThreadMessage(NOW, staff, name, note) for staff in (True, False)]
    session = BureauSession(NOW.date() + timedelta(days=60), NOW.date(), longest(100, filler))
    return Case(record, 1, longest(100, filler), "MG", person(filler, language), history=history,
                thread=thread, session=session, granted=Decimal("999999999999"),
                unreachable=[person(filler, language, 71)])  # fmt: skip


Built = tuple[str, str, Any, bool]  # (what, text, markup, card: edited later)


def every_message(i18n: I18n, settings: Settings, filler: str, language: str) -> list[Built]:
    """Everything the bot sends, in `language`, with the answers at their longest."""
    built: list[Built] = []

    def add(what: str, text: str, markup: Any = None, card: bool = False) -> None:
        if isinstance(markup, dict):
            markup = InlineKeyboardMarkup.model_validate(markup)
        built.append((what, text, markup, card))

    audience = Audience.of(settings, i18n)
    for status in (EmergencyStatus.REPORTED, EmergencyStatus.CLOSED):
        e = emergency(filler, language, status)
        waited = timedelta(minutes=45)
        for m in notify.reported(e, 0, audience) + notify.escalated(
            e, 3, 3, waited, [(80, language)], audience
        ):
            if m.text:
                add(f"alert {status}", m.text, m.markup, m.card is not None)
        for m in notify.presidency(e, audience, new=True):
            add("presidency card", m.text, m.markup, True)
        for key in ("propose", "approve", "close"):
            for m in notify.moved(e, key, audience):
                if m.chat_id in {p.telegram_id for p in e.officials}:
                    add("city told", m.text, m.markup)
        report = Record(BIG_ID, SITREP_FORM, maximal(SITREP_FORM, filler), Cursor("review"))
        for m in notify.sitrep(e, report, {}, e.sender.name, audience):
            if m.card is None and m.file_id is None:
                add("situation report", m.text)
    with i18n.context(), i18n.use_locale(language):
        note = longest(NOTE, filler)
        name = longest(150, filler)
        e = emergency(filler, language, EmergencyStatus.PROPOSED)
        add("question to the city", alerts_text.question_to_city("FU-2027-9999", note),
            alerts_text.answer_markup(BIG_ID))  # fmt: skip
        add("presidency asks", alerts_text.presidency_asks("FU-2027-9999", name, note))
        add("answer to staff", alerts_text.answer_to_staff("FU-2027-9999", name, name, note))
        add("acknowledged", alerts_text.acknowledged_text("FU-2027-9999", name))
        add("sitrep request", alerts_text.sitrep_request_text(e), alerts_text.sitrep_markup(BIG_ID))
        for screen in alerts_text.emergencies_screen([e, e]):
            add("/emergencies", screen.text, screen.markup)
        city_screen = alerts_text.city_emergency_screen(e)
        add("city's emergency", city_screen.text, city_screen.markup)
        rules = FundingRules(Decimal("0.8"), Decimal("0.2"))
        for status in Status:
            c = case(filler, language, status)
            add(f"city told {status}", city_update(c))
        add("card", card_text(c), staff_moves(c, []), True)
        for message in c.thread:
            add("thread", thread_notice(c, message))
        c = case(filler, language, Status.SUBMITTED)
        before = complete_answers()
        changes = changed_answers(FUND_FORM, before, c.record.answers)
        add("card resubmitted", card_text(c) + "\n\n" + changes_block(changes, "EUR"),
            staff_moves(c, []), True)  # fmt: skip
        for screen in dossier_screens(c, [], rules) + city_case_screens(c, [], rules):
            add("/dossier", screen.text, screen.markup)
        for screen in review_screens(c.record, rules):
            add("review", screen.text, screen.markup)
        add("/status", statuses_screen([c.record] * 25).text)
        for key, question in FUND_FORM.questions.items():  # a long answer on its screen
            if question.kind not in (Kind.TEXT, Kind.LIST):
                continue
            record = Record(BIG_ID, FUND_FORM, c.record.answers, Cursor(key), status="draft")
            screen = question_screen(record, rules)
            add(f"question {key}", screen.text, screen.markup)
        profile = {k: v for k, v in c.sender.profile.items()}
        registration = Registration(BIG_ID, name, language, profile, listed=False,
                                    verification="refused", refusal_reason=note)  # fmt: skip
        card = registration_card(registration)
        add("registration card", card.text, card.markup, True)
        add("registration decided", decided_text(registration, name))
        add("registration told", told_outcome(registration))
        draft = Record(BIG_ID, FUND_FORM, c.record.answers, Cursor("title"), status="draft")
        checks = check_record(FUND_FORM, draft.answers, {}, rules)
        reminder = reminder_screen(draft, checks, c.session, NOW.date())
        add("reminder", reminder.text, reminder.markup)
        waiting = [Waiting(BIG_ID, "FC-2027-9999", longest(100, filler), "in_review",
                           NOW - timedelta(days=400))] * 40  # fmt: skip
        digest = digest_screen(waiting, 7, NOW)
        add("digest", digest.text, digest.markup)
        add("invite welcome", invite_welcome(None, None))
    return built


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n("fr")


@pytest.mark.parametrize("language,filler", [("fr", "emoji"), ("ar", "ar")])
async def test_every_message_at_its_longest_fits_telegram(
    i18n: I18n, tmp_path: Path, language: str, filler: str
) -> None:
    settings = Settings(
        _env_file=None, bot_token="123456:" + "A" * 35, secretariat_chat_id=SECRETARIAT,
        commission_chat_id=COMMISSION, presidency_chat_id=PRESIDENCY, files_dir=tmp_path,
        secretariat_language=language, commission_language="en", presidency_language="ar",
    )  # fmt: skip
    api = BotAPIStandIn()
    for chat in (SECRETARIAT, COMMISSION, PRESIDENCY):
        api.add_group(chat, "staff")
    bot = Bot(api.token, session=InProcessSession(api), default=DefaultBotProperties(
        parse_mode="HTML"))  # fmt: skip

    async def language_of(_chat: Any) -> str:
        return language

    middleware.install(bot, middleware.reader_pointer(i18n, language_of, cut_pointer))
    built = every_message(i18n, settings, FILLERS[filler], language)
    too_long = [what for what, text, _m, _c in built if not fitting.fits(text)]
    assert too_long, "nothing over the limit: the test would prove nothing"
    for what, _text, markup, _card in built:  # callback data is built to fit, never cut
        for row in markup.inline_keyboard if markup is not None else ():
            for button in row:
                data = button.callback_data or ""
                assert len(data.encode()) <= fitting.CALLBACK_DATA_BYTES, (what, data)
    for what, text, markup, card in built:
        chat = PERSON
        api.add_private(chat)
        # The outbox's way in: the rows written fit, each.
        row = outbox.enqueue(Rows(), chat, text, markup and markup.model_dump(exclude_none=True))
        for part in [row.text, *(row.payload or {}).get("more", [])]:
            message_text(part, "HTML", None)  # refused: raises (Bad Request)
        # A direct reply, and an edit of a card: the stand-in refuses what Telegram refuses.
        sent = await bot.send_message(chat, text, reply_markup=markup)
        if card:
            placeholder = await bot.send_message(chat, "…")
            await bot.edit_message_text(
                text, chat_id=chat, message_id=placeholder.message_id, reply_markup=markup
            )
        assert sent.message_id, what
    api.add_group(-1001111111111, "forum", forum=True)  # a dossier's topic, its name too long
    name = "FC-2027-9999 · " + longest(100, FILLERS[filler])
    topic = await bot.create_forum_topic(-1001111111111, name)
    assert utf16_len(topic.name) <= fitting.TOPIC_NAME_LIMIT  # emoji: 100 of them are 200
    caption = html.escape(longest(TYPED, FILLERS[filler]), quote=False)
    await bot.send_document(PERSON, BufferedInputFile(b"%PDF-1.4", "a.pdf"), caption=caption)
    assert not api.errors, [(c.method, c.description) for c in api.errors][:3]
    assert all(caption_text(c.params.get("caption"), "HTML", None) for c in
               api.calls_of("sendDocument"))  # fmt: skip
    await bot.session.close()


class Rows:
    """Stands for a session where `enqueue` adds its rows."""

    def __init__(self) -> None:
        self.info: dict[str, Any] = {}

    def add(self, _row: Any) -> None:
        pass


def test_every_button_label_fits() -> None:
    """Labels are cut to 64 characters and callback data over 64 bytes is left out, so a long
    city name or title on a button never makes its message refused."""
    long_label = "📂 " + longest(500, FILLERS["ar"])
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=long_label, callback_data="ok"),
        InlineKeyboardButton(text="x", callback_data="é" * 40),
    ]])  # fmt: skip
    fitted = middleware.fit_markup(markup)
    (row,) = fitted.inline_keyboard
    assert len(row) == 1 and utf16_len(row[0].text) <= 64 and row[0].text.endswith("…")
