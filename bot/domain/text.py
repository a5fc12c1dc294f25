"""What typed text looks like once shown: characters that draw nothing do not count toward a
minimum length, and the bidirectional controls that would reorder what follows them (an
"override" makes `gpj.exe` read as `exe.jpg`) are removed before anything is stored or shown."""

import unicodedata

# Embeddings and overrides (LRE, RLE, PDF, LRO, RLO), and isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that look like nothing although Unicode does not call them spaces or format
# characters (the Hangul fillers, the Braille blank, the Khmer inherent vowels), and the
# zero-width ones that are (zero-width space, joiners, word joiner, marks, byte order mark).
BLANKS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f\u180b\u180c\u180d\u180e\u180f"
    "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
SHOWN = ("L", "N", "P", "S")  # letters, numbers, punctuation, symbols


def without_bidi_controls(text: str) -> str:
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)


def is_blank(ch: str) -> bool:
    """A character that draws nothing on its own: a space, a control, a format character, a
    mark without its letter, or one of the known blanks (fillers, Braille blank...)."""
    return ch in BLANKS or ch.isspace() or not unicodedata.category(ch).startswith(SHOWN)


def visible_length(text: str) -> int:
    """How many characters of `text` are seen (letters, digits, punctuation, symbols)."""
    return sum(1 for ch in text if not is_blank(ch))


def trimmed(text: str) -> str:
    """Without blanks at either end (invisible ones included), nor bidirectional controls, nor
    control characters other than line breaks and tabs."""
    kept = "".join(
        ch for ch in without_bidi_controls(text) if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    start, end = 0, len(kept)
    while start < end and _edge_blank(kept[start]):
        start += 1
    while end > start and _edge_blank(kept[end - 1]):
        end -= 1
    return kept[start:end]


def _edge_blank(ch: str) -> bool:
    # Combining marks stay: at the end they belong to the last letter (Arabic vowel marks).
    return ch in BLANKS or ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs")


def one_line(text: str) -> str:
    """A name: trimmed, its blanks and line breaks collapsed to single spaces."""
    return " ".join(trimmed(text).split())
