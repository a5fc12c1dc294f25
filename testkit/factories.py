"""A complete, valid dossier as data, for tests that need one."""

from datetime import UTC, datetime
from typing import Any

from bot.domain.fund_form import FUND_FORM, confirmed_partners
from bot.domain.navigation import Cursor
from bot.domain.records import FileInfo, Person, Record
from bot.domain.review import Case, HistoryEntry
from bot.domain.rules import letter_slot

LONG = "A sufficiently long narrative answer for the dossier."


def indicator(level: str, gender: bool = False) -> dict[str, Any]:
    return {
        "id": f"i-{level}",
        "level": level,
        "result": "Households have drinking water",
        "indicator": "Households connected",
        "unit": "households",
        "baseline_value": "0",
        "target_value": "1200",
        "counts_people": False,
        "source": "Water utility",
        "frequency": "Yearly",
        "measured_by": "Technical services",
        "gender": gender,
    }


def complete_answers(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "city": "Dakar",
        "country": "SN",
        "mayor": "Barthélémy Dias",
        "focal_name": "Awa Ndiaye",
        "focal_function": "Head of technical services",
        "focal_phone": "+221771234567",
        "focal_email": "awa@dakar.sn",
        "project_kind": "new",
        "title": "Solar street lighting in Medina",
        "sector": "lighting",
        "district": "Medina",
        "location": None,
        "start_date": "2027-03-15",
        "duration": 18,
        "collective": True,
        "context": LONG,
        "objectives": LONG,
        "activities": LONG,
        "beneficiaries": 12000,
        "beneficiaries_women": 6100,
        "beneficiaries_youth": 4000,
        "institutions": LONG,
        "sustainability": LONG,
        "risks": LONG,
        "gender_analysis": LONG,
        "gender_marker": "1",
        "gender_justification": LONG,
        "indicators": [
            indicator("ultimate", gender=True),
            indicator("intermediate"),
            indicator("immediate"),
            indicator("output"),
        ],
        "currency": "EUR",
        "budget_lines": [
            {"id": "b1", "label": "Solar lamps", "category": "equipment", "amount": "1000000"},
            {"id": "b2", "label": "Supervision", "category": "supervision", "amount": "250000"},
        ],
        "fund_amount": "1000000",
        "city_amount": "250000",
        "city_kind": "cash",
        "partners": [],
    }
    answers.update(overrides)
    return answers


def complete_files(answers: dict[str, Any]) -> dict[str, int]:
    files = {"att_resolution": 1, "att_technical": 1}
    files.update(
        {
            letter_slot(FUND_FORM.questions["att_letters"], p["id"]): 1
            for p in confirmed_partners(answers)
        }
    )
    return files


# A full dossier as the Secretariat reviews it (the PDF's tests and benchmark).
REFERENCE = "FC-2026-0042"
MARKUP = "Réseau <b>existant</b> & **vétuste** <script>x</script> [lien](http://x)"
LONG_FR = "Les quartiers populaires de Dakar manquent d’éclairage public la nuit. " * 40
AR_CONTEXT = (
    "تعاني الأحياء الشعبية في المدينة من غياب الإنارة العمومية ليلا، مما يهدد سلامة النساء. "
)
AR_TITLE = "الإنارة الشمسية لحي المدينة القديمة"
MIXED = "Partenariat avec la Ville de Lyon — شراكة مع مدينة ليون"


def answers_for(language: str) -> dict:
    partners = [
        {"id": "p1", "name": "Ville de Lyon", "type": "decentralised", "amount": "125000",
         "status": "confirmed"},
    ]  # fmt: skip
    if language == "ar":
        return complete_answers(
            title=AR_TITLE,
            district="المدينة القديمة",
            mayor="خالد بن سعيد",
            context=AR_CONTEXT * 15,
            objectives=MIXED,
            activities="تركيب 400 عمود إنارة شمسية في الشوارع الرئيسية.",
            fund_amount="1000000",
            city_amount="125000",
            partners=partners,
        )
    return complete_answers(
        context=LONG_FR, activities=MARKUP, city_amount="125000", partners=partners
    )


def full_case(language: str) -> Case:
    """A submitted dossier in review, every answer given, in `language` (Arabic answers for
    "ar"), with files and a history: what the PDF tests and the benchmark draw."""
    answers = answers_for(language)
    files = [
        FileInfo(1, "att_resolution", "délibération du conseil.pdf", 234_567, "a1" * 32),
        FileInfo(2, "att_technical", "étude technique.pdf", 3_456_789, "b2" * 32),
        FileInfo(3, "att_letters:p1", "lettre de Lyon.pdf", 12_000, "c3" * 32),
    ]
    record = Record(
        7, FUND_FORM, answers, Cursor("review"), status="in_review", reference=REFERENCE,
        files=files, submitted_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
    )  # fmt: skip
    sender = Person(700, "Awa", language, {"full_name": "Awa Ndiaye", "function": "Cheffe"}, 1)
    history = [
        HistoryEntry(datetime(2026, 11, 2, 9, 30, tzinfo=UTC), "draft", "submitted", "Awa Ndiaye"),
        HistoryEntry(
            datetime(2026, 11, 5, 14, 0, tzinfo=UTC), "submitted", "in_review", "John Smith",
            note="Bien reçu <i>merci</i>",
        ),
    ]  # fmt: skip
    return Case(record, 1, "Dakar", "SN", sender, history=history)
