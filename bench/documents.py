"""The dossier's PDF: a full dossier (every answer, indicator and budget tables, long narrative
answers, attachments, history) drawn in French and in Arabic, one after the other in this process,
as the bot draws it in its worker thread. Goal: under a second each, p95 included. Then the same
for a Bureau session's agenda (thirteen dossiers, totals, budget), a project's convention (parties,
financing, tranches, calendar, results framework) and a progress report (results against targets,
women and men, spending, a long narrative, photos)."""

import time
from datetime import date
from statistics import median, quantiles
from typing import Any

from bot.documents.agenda import agenda_pdf
from bot.documents.convention import convention_pdf
from bot.documents.dossier import dossier_pdf
from bot.documents.report import report_pdf
from bot.domain.rules import FundingRules
from bot.telegram.i18n import build_i18n
from testkit.agenda_facts import session_agenda
from testkit.factories import full_case
from testkit.grant_facts import convention_for, report_case

GOAL_MS = 1000.0
LANGUAGES = ("fr", "ar")


def run(count: int = 20, warmup: bool = True) -> list[dict[str, Any]]:
    """For each document and language: milliseconds per PDF (p50, p95, max), pages and size."""
    i18n = build_i18n("fr")
    rows = []
    agenda = session_agenda()
    documents = ("dossier", "agenda", "convention", "report")
    for document, language in [(d, lang) for d in documents for lang in LANGUAGES]:
        case = full_case(language)
        convention, report = convention_for(language), report_case(language, "report_returned")

        def draw(case=case, document=document, convention=convention, report=report) -> bytes:
            if document == "agenda":
                return agenda_pdf(agenda, date(2026, 12, 2))
            if document == "convention":
                return convention_pdf(convention)
            if document == "report":
                return report_pdf(report, date(2027, 9, 20))
            return dossier_pdf(case, FundingRules(), date(2026, 12, 2))

        taken: list[float] = []
        with i18n.context(), i18n.use_locale(language):
            if warmup:  # imports and caches warmed
                draw()
            for _ in range(count):
                start = time.perf_counter()
                data = draw()
                taken.append((time.perf_counter() - start) * 1000)
        p95 = quantiles(taken, n=20, method="inclusive")[-1] if len(taken) >= 2 else taken[0]
        rows.append(
            {
                "document": document,
                "language": language,
                "pdfs": count,
                "p50_ms": median(taken),
                "p95_ms": p95,
                "max_ms": max(taken),
                "pages": data.count(b"/Type /Page\n"),
                "bytes": len(data),
                "goal_met": p95 < GOAL_MS,
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print("PDF of a full dossier, a session's agenda, a convention, a report (goal: p95 < 1 s)")
    header = ("document", "language", "PDFs", "p50 ms", "p95 ms", "max ms", "pages", "KB")
    print(f"{header[0]:<12}{header[1]:<10}" + "".join(f"{h:>9}" for h in header[2:]))
    for row in rows:
        print(
            f"{row['document']:<12}{row['language']:<10}{row['pdfs']:>9}{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}"
            f"{row['max_ms']:>9.0f}{row['pages']:>9}{row['bytes'] / 1024:>9.0f}"
            + ("" if row["goal_met"] else "  NOT met")
        )
