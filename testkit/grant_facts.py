"""A project after the vote, as data, for the convention's and the reports' tests and benchmark:
the full dossier of `testkit.factories` in French or Arabic, its indicators with numbers (one that
counts people), the default schedule, a progress report answered and an emergency aid's report."""

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.domain.convention import Convention, convention_of
from bot.domain.follow_up import ReportKind
from bot.domain.navigation import Cursor
from bot.domain.records import FileInfo, Record
from bot.domain.report_form import (
    AID_REPORT_FORM,
    ReportCase,
    men_key,
    plan_of,
    reached_key,
    report_form,
    seed_answers,
    spent_key,
    women_key,
)
from bot.domain.results import indicators_of
from bot.domain.tranches import default_tranches, parse_schedule
from testkit.factories import AR_CONTEXT, LONG_FR, REFERENCE, answers_for

GRANT = Decimal("950000")
AR_INDICATOR = "عدد الأسر المستفيدة من الإنارة"
FR_INDICATOR = "Ménages bénéficiant de l’éclairage"


def project_answers(language: str) -> dict:
    answers = answers_for(language)
    people = answers["indicators"][1]
    arabic = language == "ar"
    people.update(
        counts_people=True,
        women=650,
        men=550,
        unit="أسرة" if arabic else "ménages",
        indicator=AR_INDICATOR if arabic else FR_INDICATOR,
    )
    return answers


def convention_for(language: str, version: int = 1) -> Convention:
    answers = project_answers(language)
    return convention_of(
        answers,
        reference=REFERENCE,
        version=version,
        city="Dakar" if language != "ar" else "داكار",
        country="SN",
        granted=GRANT,
        start_on=date(2027, 3, 15),
        months=18,
        report_months=6,
        tranches=default_tranches(GRANT, "EUR", parse_schedule("50:convention,40:report,10:final")),
        indicators=tuple(indicators_of(answers)),
        made_on=date(2027, 5, 2),
        session_on=date(2027, 4, 28),
    )


def report_case(language: str, status: str = "report_submitted") -> ReportCase:
    answers = project_answers(language)
    plan = plan_of(answers, indicators_of(answers))
    form = report_form(plan)
    people = plan.indicators[1]
    given = seed_answers("EUR") | {
        reached_key(i.id): "900" for i in plan.indicators
    } | {
        women_key(people.id): 500,
        men_key(people.id): 400,
        spent_key("b1"): "640000",
        spent_key("b2"): "0",
        "city_mobilised": "80000",
        "progress": (AR_CONTEXT * 6) if language == "ar" else LONG_FR[:1200],
        "difficulties": "تأخر توريد الألواح الشمسية." if language == "ar"
        else "Retard de livraison des panneaux solaires.",
        "next_steps": "Pose des 200 derniers lampadaires.",
        "location": {"lat": 14.6937, "lon": -17.4441},
    }  # fmt: skip
    files = [
        FileInfo(11, "photos", "chantier-1.jpg", 1_234_567, "d4" * 32),
        FileInfo(12, "photos", "chantier-2.jpg", 987_654, "e5" * 32),
    ]
    record = Record(41, form, given, Cursor("review"), status=status, files=files,
                    submitted_at=datetime(2027, 9, 10, 8, 0, tzinfo=UTC))  # fmt: skip
    return ReportCase(
        record, REFERENCE, "Dakar", "SN", answers["title"], ReportKind.PROGRESS, 1,
        date(2027, 9, 15), plan=plan, previous={reached_key(plan.indicators[0].id): "400"},
        returned=("ind_" + people.id, "progress") if status == "report_returned" else (),
        note="Les chiffres des femmes sont à vérifier." if status == "report_returned" else None,
    )  # fmt: skip


def aid_case(language: str) -> ReportCase:
    answers = seed_answers("EUR", granted=Decimal(50000)) | {
        "uses": [
            {"id": "u1", "purpose": "خيام للأسر المهجرة" if language == "ar" else "Tentes",
             "amount": "30000"},
            {"id": "u2", "purpose": "Eau potable", "amount": "15000"},
        ],
        "summary": "Abris pour 300 familles et eau potable pendant six semaines.",
    }  # fmt: skip
    record = Record(52, AID_REPORT_FORM, answers, Cursor("review"), status="report_submitted",
                    files=[FileInfo(13, "photos", "abris.jpg", 456_789, "f6" * 32)])  # fmt: skip
    return ReportCase(record, "FU-2027-0003", "Toamasina", "MG", "Cyclone", ReportKind.AID, 1,
                      date(2027, 5, 1), granted=Decimal(50000))  # fmt: skip


def old_indicator(level: str) -> dict:
    """An indicator saved under version 1: baseline and target as text."""
    return {
        "id": f"v1-{level}", "level": level, "result": "Streets are lit",
        "indicator": "Lamps installed", "baseline": "none", "target": "about 400",
        "counts_people": False, "source": "Services", "frequency": "Yearly",
        "measured_by": "Lighting service", "gender": level == "ultimate",
    }  # fmt: skip
