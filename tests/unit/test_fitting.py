"""Fitting texts into Telegram's limits (bot/domain/fitting.py), checked by the stand-in's own
parser: what is cut or split is valid HTML, within the limit as Telegram counts it (after
parsing, in UTF-16 units), cut at a word, and a split loses nothing."""

import html
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import fitting
from testkit.standin.errors import ApiError
from testkit.standin.formatting import message_text, parse_text, utf16_len

LIMIT = 4096


def shown(text: str) -> str:
    """What Telegram shows of a message (the stand-in's checks: raise when it is refused)."""
    visible, _entities = message_text(text, "HTML", None)
    return visible


def parsed(text: str) -> str:
    """The text Telegram reads in HTML of any length."""
    return parse_text(text, "HTML", None)[0]


def test_tags_count_nothing_an_entity_one_character_an_emoji_two() -> None:
    assert fitting.visible_length("<b>a&amp;b</b> &lt;i&gt;") == 7
    assert fitting.visible_length("😀") == 2 and fitting.visible_length("مرحبا") == 5
    text = "<b>" + "&amp;" * 4096 + "</b>"  # 20 kB of source, 4,096 characters shown
    assert fitting.fits(text) and fitting.split(text) == [text]
    assert not fitting.fits("😀" * 2049)


def test_a_long_alert_is_cut_in_its_long_lines_and_keeps_every_short_one() -> None:
    lines = [
        "<b>🚨 Urgence FU-2026-0001 : Toamasina (Madagascar)</b>",
        "Où : " + html.escape("Nord & Sud <centre> ") * 10,
        "",
        html.escape("La rivière a débordé, les écoles sont inondées. ") * 100,
        "",
        "Envoyé par Awa Rasoa. Statut : signalé",
        "⏰ Escaladé à la Présidence (1×)",
    ]
    text = "\n".join(lines)
    assert fitting.visible_length(text) > LIMIT
    cut = fitting.cut(text, LIMIT, "<i>✂️ Le rapport entier : /emergencies FU-2026-0001</i>")
    visible = shown(cut)
    assert utf16_len(visible) <= LIMIT
    for line in (lines[0], lines[1], lines[5], lines[6]):
        assert shown(line) in visible  # the short lines, whole
    description = visible.split("\n")[3]
    assert description.endswith("…") and description[-2] != " "
    assert description[:-1].split()[-1] in html.unescape(lines[3]).split()  # a whole word
    assert visible.endswith("✂️ Le rapport entier : /emergencies FU-2026-0001")


def test_a_cut_is_at_a_word_and_never_inside_a_tag_or_an_entity() -> None:
    word = "d&#233;bord&amp;"  # "débord&": entities inside a word
    text = "<b>Titre</b>\n<i>" + " ".join([word] * 1500) + "</i>\nfin"
    cut = fitting.cut(text, 1024)
    visible = shown(cut)
    assert utf16_len(visible) <= 1024
    body = visible.split("\n")[1]
    assert body.endswith("débord&…")  # a whole word, then "…"
    assert "<i>" in cut and cut.count("<i>") == cut.count("</i>")


def test_a_split_loses_nothing_and_numbers_its_parts() -> None:
    arabic = "وصف الوضع: فاضت المياه في الأحياء الشمالية 😀 " * 120
    text = "<b>🚨 طوارئ FU-2026-0001</b>\n" + html.escape(arabic) + "\nالحالة: مُبلَّغ"
    parts = fitting.split(text)
    assert len(parts) == 2
    visible = [shown(p) for p in parts]
    assert all(utf16_len(v) <= LIMIT for v in visible)
    assert visible[0].endswith("✂️ 1/2") and visible[1].startswith("✂️ 2/2")
    assert "الحالة: مُبلَّغ" in visible[0]  # the last line stays in the first message
    assert letters(visible) == letters([parsed(text)])


def letters(texts: list[str]) -> Counter:
    """The characters of texts, without the cuts' marks and spaces."""
    joined = re.sub(r"✂️ \d+/\d+", "", "".join(texts))
    return Counter(ch for ch in joined if not ch.isspace() and ch != "…")


def test_plain_labels_are_shortened_at_a_word() -> None:
    label = "📂 Dossier de la commune de Saint-Louis du Sénégal pour l’assainissement des quartiers"
    short = fitting.shorten(label, 64)
    assert utf16_len(short) <= 64 and short.endswith("…") and short[-2] != " "
    assert label.startswith(short[:-1])
    assert fitting.shorten("court", 64) == "court"
    assert utf16_len(fitting.shorten("😀" * 100, 128)) <= 128


WORDS = st.text(
    alphabet=st.sampled_from(list("abcdéè &<>\"'😀مرحبا\u064e\u200d👍🏽\n")),
    min_size=1,
    max_size=60,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """HTML as the bot writes it: escaped text in nested tags, on several lines."""
    pieces = []
    for _ in range(draw(st.integers(1, 12))):
        text = html.escape(draw(WORDS), quote=False)
        tag = draw(st.sampled_from(["", "b", "i", "u", "code", 'a href="https://aimf.asso.fr"']))
        if tag:
            name = tag.split()[0]
            inner = draw(st.sampled_from(["", "b", "i"])) if name != "code" else ""
            if inner and inner != name:
                text = f"<{inner}>{text}</{inner}>"
            text = f"<{tag}>{text}</{name}>"
        pieces.append(text)
        pieces.append(draw(st.sampled_from(["\n", " ", "\n\n", ""])))
    return "".join(pieces)


@settings(max_examples=60, deadline=None)
@given(documents(), st.integers(min_value=130, max_value=400))
def test_any_text_split_or_cut_is_valid_html_within_the_limit(text: str, limit: int) -> None:
    try:
        if not parsed(text).strip():
            return  # an empty message is refused whatever its length
    except ApiError:
        return  # only what Telegram accepts as HTML is fitted
    parts = fitting.split(text, limit)
    for part in parts:
        assert utf16_len(message_text(part, "HTML", None)[0]) <= limit, part
    assert letters([shown(p) for p in parts]) == letters([parsed(text)])
    cut = fitting.cut(text, limit, "<i>→ /dossier FC-2026-0001</i>")
    assert utf16_len(message_text(cut, "HTML", None)[0]) <= limit
