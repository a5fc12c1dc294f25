"""Drives a person through the bot the way a mayor's office would: reads the screen, answers."""

import asyncio
from typing import Any

from testkit.harness import SECRETARIAT
from testkit.standin import BotAPIStandIn, TelegramUser

LONG = {
    "fr": "La Médina n’a pas d’éclairage public : insécurité la nuit, commerces fermés tôt.",
    "en": "The Medina district has no public lighting: unsafe at night and shops close early.",
    "ar": "لا توجد إنارة عمومية في حي المدينة، مما يسبب انعدام الأمن ليلاً وإغلاق المحلات مبكراً.",
}
AMOUNTS = {
    "fr": {"1000000": "1 000 000", "250000": "250 000 €", "800000": "800 000", "200000": "200000"},
    "en": {"1000000": "1,000,000", "250000": "€250,000", "800000": "800,000", "200000": "200000"},
    "ar": {"1000000": "١٠٠٠٠٠٠", "250000": "٢٥٠٠٠٠", "800000": "٨٠٠٠٠٠", "200000": "200000"},
}
REGISTRATION = {
    "fr": [
        "Dakar",
        "Sénégal",
        "Awa Ndiaye",
        "Directrice des services techniques",
        "+221 77 123 45 67",
        "awa.ndiaye@villededakar.sn",
    ],
    "en": [
        "Kigali",
        "Rwanda",
        "Jean Mugabo",
        "Head of planning",
        "+250 788 123 456",
        "jean@kigalicity.gov.rw",
    ],
    "ar": ["بيروت", "لبنان", "ليلى حداد", "مديرة التخطيط", "+961 1 123 456", "layla@beirut.gov.lb"],
}
CHOICES = {
    "project_kind": "new",
    "sector": "lighting",
    "collective": "1",
    "gender_marker": "1",
    "currency": "EUR",
    "city_kind": "cash",
    "level": None,
    "counts_people": "0",
    "gender": "0",
    "category": None,
    "type": "decentralised",
    "status": "confirmed",
}
LEVELS = ["ultimate", "intermediate", "immediate", "output"]
PDF = b"%PDF-1.4\n% dossier attachment\n"


def step_buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b]


def position(message: dict) -> str | None:
    """The question a screen asks, read from its buttons (`q:<dossier>:<at>:<action>:<value>`)."""
    for _text, data in step_buttons(message):
        if data.startswith("q:"):
            return data.split(":")[2]
    return None


def screen(reply: list[dict]) -> dict:
    """The last message of a reply that carries buttons of the questionnaire or the menu."""
    for message in reversed(reply):
        if any(d.startswith(("q:", "m:")) for _t, d in step_buttons(message)):
            return message
    raise AssertionError(f"no questionnaire screen in {[m.get('text') for m in reply]}")


async def open_draft(user: TelegramUser, dossier_id: int) -> dict:
    """/dossiers, then the dossier's "open" button: the screen where the draft resumes."""
    listing = await user.send("/dossiers")
    return screen(await user.press_data(listing[-1], f"m:{dossier_id}:open:"))


def find(message: dict, prefix: str, action: str, value: str = "") -> str:
    for _text, data in step_buttons(message):
        parts = data.split(":")
        if data.startswith(prefix + ":") and parts[-2:] == [action, value]:
            return data
    raise AssertionError(f"no {action!r} button in {step_buttons(message)}")


class Applicant:
    """A focal point filling a whole dossier in one language."""

    def __init__(self, user: TelegramUser, language: str, partners: int = 0) -> None:
        self.user = user
        self.language = language
        self.partners = partners
        self.with_partner = partners > 0
        self.levels = list(LEVELS)
        self.lines = [
            ("Lampadaires solaires", "equipment", "1000000"),
            ("Supervision des travaux", "supervision", "250000"),
        ]
        self.last: dict = {}

    async def act(self, coro: Any) -> list[dict]:
        reply = await coro
        self.last = screen(reply)
        return reply

    async def press(self, prefix: str, action: str, value: str = "") -> list[dict]:
        data = find(self.last, prefix, action, value)
        return await self.act(self.user.press_data(self.last, data))

    async def register(self) -> list[dict]:
        """From /start: the welcome's "Start a dossier" button, then the six profile answers."""
        welcome = (await self.user.send("/start"))[-1]
        reply = await self.user.press_data(welcome, "h:new")
        *answers, last = REGISTRATION[self.language]
        for answer in answers:
            reply = await self.user.send(answer)
        reply = await self.user.send(last, expect=2)  # thanks, then the dossier's first question
        self.last = screen(reply)
        return reply

    def typed(self, at: str) -> str:
        amounts = AMOUNTS[self.language]
        field = at.split(".")[-1]
        texts = {
            "mayor": "Barthélémy Dias",
            "title": "Éclairage solaire de la Médina",
            "district": "Médina",
            "start_date": "15/03/2027",
            "duration": "18",
            "beneficiaries": "12 000",
            "beneficiaries_women": "6100",
            "beneficiaries_youth": "4000",
            "fund_amount": amounts["800000" if self.with_partner else "1000000"],
            "city_amount": amounts["250000"],
            "result": "Les rues sont éclairées",
            "indicator": "Points lumineux installés",
            "unit": "points lumineux",
            "baseline_value": "0",
            "target_value": "400",
            "source": "Services techniques",
            "frequency": "Annuelle",
            "measured_by": "Service de l’éclairage",
            "label": self.lines[0][0] if self.lines else "",
            "name": "Ville de Lyon",
            "women": "10",
            "men": "10",
        }
        if at.endswith(".amount") and at.startswith("budget_lines"):
            return amounts[self.lines[0][2]]
        if at == "partners.amount":
            return amounts["200000"]
        return texts.get(field, LONG[self.language])

    async def answer_current(self) -> str:
        """Answer whatever the current screen asks; returns the position answered."""
        at = position(self.last)
        assert at is not None, self.last.get("text")
        field = at.split(".")[-1]
        buttons = [d for _t, d in step_buttons(self.last)]
        if any(d.endswith(":keep:") for d in buttons):
            await self.press("q", "keep")
        elif at in ("indicators", "budget_lines", "partners"):
            await self._list(at)
        elif at.startswith("att_"):
            await self._files(at)
        elif at == "location":
            await self.press("q", "skip")
        elif field == "level":
            await self.press("q", "c", self.levels.pop(0))
        elif field == "category":
            await self.press("q", "c", self.lines[0][1])
        elif field == "gender":
            await self.press("q", "c", "1" if len(self.levels) == 3 else "0")
        elif field in CHOICES and any(":c:" in d for d in buttons):
            value = CHOICES[field]
            await self.press("q", "c", value)
        else:
            await self.act(self.user.send(self.typed(at)))
            if any(":amt:" in d for _t, d in step_buttons(self.last)):
                await self.press("q", "amt", "0")  # `800,000` reads two ways: the larger meant
            if at.endswith("amount") and at.startswith("budget_lines"):
                self.lines.pop(0)
        return at

    async def _list(self, at: str) -> None:
        wanted = {
            "indicators": bool(self.levels),
            "budget_lines": bool(self.lines),
            "partners": self.partners > 0,
        }[at]
        if at == "partners" and wanted:
            self.partners -= 1
        await self.press("q", "add" if wanted else "done")

    async def _files(self, at: str) -> None:
        if at == "att_photos" or "📄" in self.last.get("text", ""):
            await self.press("q", "done")
            return
        name = {
            "att_resolution": "deliberation.pdf",
            "att_technical": "etude.pdf",
            "att_letters": "lettre-lyon.pdf",
            "att_land": "terrain.pdf",
        }[at]
        await self.act(self.user.send_document(PDF, name, "application/pdf"))

    async def fill(self, limit: int = 200) -> list[str]:
        """Answer until the review screen; returns the positions visited."""
        visited = []
        for _ in range(limit):
            if position(self.last) is None:
                return visited
            visited.append(await self.answer_current())
        raise AssertionError(f"questionnaire did not end: {visited[-10:]}")


async def wait_for_card(api: BotAPIStandIn, after: int = 0, heading: str = "📥") -> dict:
    """The newest card (a message starting with `heading`) in the Secretariat's chat among its
    messages after the first `after`."""
    for _ in range(100):
        shown = api.messages(SECRETARIAT)[after:]
        cards = [m for m in shown if m.get("text", "").startswith(heading)]
        if cards:
            return cards[-1]
        await asyncio.sleep(0.05)
    raise AssertionError("no card reached the Secretariat's chat")


async def wait_for_card_pdf(api: BotAPIStandIn) -> dict:
    """The dossier's PDF that follows its card (`CARD_PDF`) in the Secretariat's chat."""
    for _ in range(100):
        for m in api.messages(SECRETARIAT):
            if m.get("document", {}).get("file_name", "").endswith(".pdf"):
                return m
        await asyncio.sleep(0.05)
    raise AssertionError("no PDF followed the card")


async def submit(applicant: Applicant) -> str:
    """Fill from /start to the review, submit, confirm; returns the confirmation's text."""
    await applicant.register()
    visited = await applicant.fill()
    assert visited[0] == "city"
    assert ("att_letters" in visited) == applicant.with_partner
    review = applicant.last
    assert "✅" in review["text"] and "❌" not in review["text"]
    await applicant.press("m", "submit")
    reply = await applicant.user.press_data(applicant.last, find(applicant.last, "m", "submit_ok"))
    return reply[-1]["text"]
