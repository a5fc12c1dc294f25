"""A complete, valid dossier as data, for tests that need one."""

from typing import Any

from bot.domain.fund_form import FUND_FORM, confirmed_partners
from bot.domain.rules import letter_slot

LONG = "A sufficiently long narrative answer for the dossier."


def indicator(level: str, gender: bool = False) -> dict[str, Any]:
    return {
        "id": f"i-{level}",
        "level": level,
        "result": "Households have drinking water",
        "indicator": "Households connected",
        "baseline": "0",
        "target": "1200",
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
