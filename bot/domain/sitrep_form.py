"""A situation report: a follow-up on a sent emergency (new figures, services and needs, photos,
what changed), answered on the same engine as the report itself. Its records are rows of
`dossiers` (form "sitrep") naming their emergency (`parent_id`). Every question may be skipped;
"🚨 Send now" is offered as soon as one is answered."""

from dataclasses import replace

from bot.domain.emergency import SITREP_FORM_KEY
from bot.domain.emergency_form import COUNTS, EMERGENCY_FORM
from bot.domain.forms import N_, AnswerRole, Answers, Form, Kind, Question, Section


def _reused(key: str) -> Question:
    """The report's own question, optional here."""
    return replace(EMERGENCY_FORM.questions[key], required=False)


SITREP_FORM = Form(
    key=SITREP_FORM_KEY,
    version=1,
    title=N_("Situation report"),
    sections=(
        Section("news", N_("What changed"), (
            Question("news", Kind.TEXT,
                     N_("What changed since the last report? A few lines (or skip)."),
                     N_("What changed"), required=False, min_len=2, max_len=3000),
        )),
        Section("people", N_("People"), tuple(_reused(key) for key in COUNTS)),
        Section("situation", N_("Services and needs"), tuple(
            _reused(key) for key in ("services", "needs", "needs_other", "photos")
        )),
    ),
    roles={AnswerRole.NEWS: "news"},
)  # fmt: skip


def sitrep_ready(answers: Answers) -> bool:
    """A situation report may be sent once anything is said in it."""
    return any(answers.get(key) not in (None, "", []) for key in SITREP_FORM.questions)
