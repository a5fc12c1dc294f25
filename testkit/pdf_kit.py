"""Reading a generated PDF back (shared by the PDF tests and the bench): each page's text, text
compared whitespace- and direction-tolerantly, and the glyphs its embedded fonts really draw."""

import re
import unicodedata
from functools import cache
from io import BytesIO

from fontTools.ttLib import TTFont
from pypdf import PdfReader

PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


# A word with Arabic vowel marks (e.g. the label مؤكَّدة) is drawn right, but fpdf2 gives the text
# of a letter and its marks to the marks' glyph, and an extractor reads that cluster out of order:
# such words are not looked for letter by letter (user answers rarely carry marks).
VOWELLED = re.compile("[\u064b-\u065f]")


@cache
def pages(data: bytes) -> list[str]:
    """Each page's text (read once per document)."""
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


@cache  # the same page's text is compared with dozens of expected strings
def flat(text: str) -> str:
    """Whitespace of any kind (line breaks of wrapped lines, no-break spaces) as one space;
    marks in canonical order; control characters (an extractor's stand-in for a glyph that
    has no text of its own, e.g. the second glyph of a shadda cluster) dropped."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n\t")
    return unicodedata.normalize("NFC", re.sub(r"[\s\u202f\xa0]+", " ", text)).strip()


def found(expected: str, text: str, rtl: bool = False, cell: bool = False) -> bool:
    """`expected` in `text`. In a table cell (wrapped inside its column while the extractor
    reads the row line by line across the cells), and in a right-to-left document (where runs
    of numbers or Latin in an Arabic line come out in visual order), each of its words."""
    expected, text = flat(expected), flat(text)
    if expected in text:
        return True
    if not (rtl or cell):
        return False
    words = [letters(w) for w in expected.split() if not VOWELLED.search(w)]
    squeezed = letters(text)
    return all(word in squeezed for word in words)


def letters(text: str) -> str:
    """Only letters and digits: for runs an extractor may put in visual order."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def words_of(text: str) -> str:
    """The text without its punctuation: an extractor may put a sentence's full stop at the start
    of a right-to-left line (where it is drawn)."""
    return flat("".join(" " if unicodedata.category(ch)[0] == "P" else ch for ch in text))


def embedded_glyphs(data: bytes) -> dict[str, bool]:
    """Every character the PDF's fonts draw, and whether its glyph is a real one (not .notdef,
    with an outline unless it is a space or an invisible mark)."""
    drawn: dict[str, bool] = {}
    reader = PdfReader(BytesIO(data))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            program = descendant["/FontDescriptor"]["/FontFile2"].get_data()
            ttf = TTFont(BytesIO(program))
            order, glyf = ttf.getGlyphOrder(), ttf["glyf"]
            cid_to_gid = descendant["/CIDToGIDMap"].get_data()
            cmap = font["/ToUnicode"].get_data().decode()
            for cid, chars in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
                code = int(cid, 16)
                if code == 0:
                    continue
                gid = int.from_bytes(cid_to_gid[2 * code : 2 * code + 2], "big")
                glyph = glyf[order[gid]] if gid < len(order) else None
                text = bytes.fromhex(chars).decode("utf-16-be")
                blank = all(unicodedata.category(c) in ("Zs", "Cf") for c in text)
                real = gid != 0 and glyph is not None and (blank or glyph.numberOfContours != 0)
                for ch in text:
                    drawn[ch] = drawn.get(ch, True) and real
    return drawn
