"""How each language is written, in the catalogs and in what the screens build from them: Arabic in
the plural of politeness throughout, with the Arabic comma in lists and the arrow that points at
what comes after; French with its elision ("d’Awa") and a space before ":" and the other high
punctuation, as the screens already write it."""

import re

import pytest
from babel.messages.pofile import read_po

from bot import PROJECT_ROOT
from bot.domain.cities import MemberCity
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.fund_form import FUND_FORM
from bot.domain.people import Registration, Verification
from bot.domain.review import Change
from bot.screens.common import shown_answer
from bot.screens.registrations import decided_text, refusal_prompt
from bot.screens.secretariat import changes_block
from bot.screens.team import city_invite_label, invite_welcome
from bot.telegram.i18n import build_i18n

MARKS = re.compile("[\u064b-\u065f\u0670]")  # Arabic vowel marks
# Words addressing the reader in the singular ("you", "to you", "can you"…) and the singular
# imperatives the catalog used, as it wrote them (the passive "أُرسل", "was sent", and the noun
# "تخطٍّ", "skipping", are not among them); nouns that merely end in "ك" are allowed.
SINGULAR = {
    "أنت", "إليك", "لك", "معك", "لديك", "عليك", "منك", "بك", "يمكنك", "تُبلغك", "إبلاغك",
    "أرسل", "اضغط", "اختر", "اكتب", "أضف", "اطلب", "امنح", "أجب", "أزل", "أزله", "تخطَّ", "صِف",
    "عدّل", "أعد", "أكمله", "اسحب", "اسحبه", "احذفه", "أبقِه", "اسأل", "أخبرني", "اخترها",
    "أرسلها", "اكتبه", "استورد", "تحقق", "لتختار", "شئت", "أصبحت",
}  # fmt: skip
NOT_YOURS = {"ذلك", "بذلك", "كذلك", "هناك", "لذلك", "شريك", "الشريك", "المشترك", "مشترك"}


def catalog(language: str):
    with open(PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def translations(language: str):
    for message in catalog(language):
        if message.id:
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            yield from ((message.id, text) for text in texts)


def test_arabic_speaks_to_the_reader_in_the_plural_of_politeness() -> None:
    """ "مدينتكم" here and "إليك" there: every Arabic text says "you" in the plural."""
    singular = []
    for msgid, text in translations("ar"):
        written = set(re.findall(r"[\u0621-\u064a\u064b-\u065f\u0670]+", text))
        bare = {MARKS.sub("", word) for word in written}
        found = written & SINGULAR | {w for w in bare if w.endswith("ك") and w not in NOT_YOURS}
        if found:
            singular.append((msgid, sorted(found)))
    assert not singular, singular


def test_french_puts_a_space_before_high_punctuation_and_curls_its_apostrophes() -> None:
    untidy = []
    for msgid, text in translations("fr"):
        glued = re.search(r"[^\s\u00a0\u202f][:;!?](?!//|\d)", text)
        if glued or "'" in text:
            untidy.append((msgid, text))
    assert not untidy, untidy


@pytest.fixture(scope="module")
def i18n():
    return build_i18n("fr")


def registration(name: str, verification: str = Verification.VERIFIED) -> Registration:
    return Registration(1, name, "fr", {"full_name": name}, True, verification, "Doublon")


def test_french_elides_de_before_a_name_that_starts_with_a_vowel(i18n) -> None:
    abidjan = MemberCity(1, "Abidjan", "CI")
    with i18n.context(), i18n.use_locale("fr"):
        assert decided_text(registration("Awa Ndiaye"), "Claire") == (
            "✅ L’inscription d’Awa Ndiaye est vérifiée (par Claire)."
        )
        refused = decided_text(registration("Élodie", Verification.REFUSED), "Claire")
        assert refused.startswith("✖ L’inscription d’Élodie est refusée")
        assert refusal_prompt(registration("Issa")).startswith("Pourquoi l’inscription d’Issa")
        assert city_invite_label(abidjan) == "Point focal d’Abidjan (Côte d’Ivoire)"
        assert invite_welcome(None, abidjan).endswith("le point focal d’Abidjan (Côte d’Ivoire).")
        # a consonant, and a name's own "H", keep "de"
        assert decided_text(registration("Moussa"), "C").startswith("✅ L’inscription de Moussa")
        assert decided_text(registration("Hamid"), "C").startswith("✅ L’inscription de Hamid")
    with i18n.context(), i18n.use_locale("en"):
        assert city_invite_label(abidjan) == "Focal point of Abidjan (Côte d’Ivoire)"
    with i18n.context(), i18n.use_locale("ar"):
        assert decided_text(registration("Awa Ndiaye"), "Claire").startswith(
            "✅ تم التحقق من تسجيل Awa Ndiaye"
        )


def test_lists_and_changed_answers_as_each_language_writes_them(i18n) -> None:
    """A multi-select answer is a list ("،" in Arabic); a changed answer reads "label : old →
    new" in French, and "label: old ← new" in Arabic, where it is read right to left."""
    questions = FUND_FORM.questions
    changes = [
        Change(questions["title"], "Éclairage", "Éclairage solaire"),
        Change(questions["fund_amount"], "500000", "480000"),
    ]
    expected = {
        "fr": ["• Titre : Éclairage → Éclairage solaire", "500\u202f000\u00a0€ → 480\u202f000"],
        "en": ["• Title: Éclairage → Éclairage solaire", "€500,000 → €480,000"],
        "ar": ["• العنوان: Éclairage ← Éclairage solaire", "\u00a0€ ← \u200f480,000"],
    }
    for language, lines in expected.items():
        with i18n.context(), i18n.use_locale(language):
            block = changes_block(changes, "EUR")
        for line in lines:
            assert line in block, (language, block)

    needs = EMERGENCY_FORM.questions["needs"]
    picked = [choice.value for choice in needs.choices[:3]]
    shown = {}
    for language in ("fr", "en", "ar"):
        with i18n.context(), i18n.use_locale(language):
            shown[language] = shown_answer(needs, picked)
    assert shown["ar"].count("، ") == 2 and "," not in shown["ar"], shown
    assert shown["fr"].count(", ") == 2 and shown["en"].count(", ") == 2, shown
