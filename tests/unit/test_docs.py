"""The README stays short and the docs' relative links lead somewhere: a moved or renamed file,
page or heading fails here, not in a newcomer's browser."""

import re
from pathlib import Path

from bot import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
README_MAX_LINES = 300
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def pages() -> list[Path]:
    return [README, *sorted((PROJECT_ROOT / "docs").glob("*.md"))]


def prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    body = prose(text)
    return INLINE_LINK.findall(body) + DEFINITION.findall(body)


def anchors(text: str) -> set[str]:
    """The ids GitHub gives a page's headings: lower case, punctuation and emoji dropped, spaces
    as hyphens, a repeated one numbered."""
    ids: set[str] = set()
    counts: dict[str, int] = {}
    for heading in HEADING.findall(FENCE.sub("", text)):
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its words
        slug = re.sub(r"[^\w\- ]", "", words.lower()).replace(" ", "-")
        count = counts.get(slug, 0)
        counts[slug] = count + 1
        ids.add(slug if count == 0 else f"{slug}-{count}")
    return ids


def broken(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    found = []
    for target in links(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # https:, mailto:
            continue
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            found.append(f"{page.name}: {target} (no such file)")
        elif (
            fragment
            and linked.suffix == ".md"
            and fragment not in anchors(linked.read_text(encoding="utf-8"))
        ):
            found.append(f"{page.name}: {target} (no such heading)")
    return found


def test_every_relative_link_leads_to_a_file_and_heading_that_exist() -> None:
    assert [problem for page in pages() for problem in broken(page)] == []


def test_every_docs_page_is_listed_in_the_readme() -> None:
    """The README's "Where to read more" is how a newcomer finds a page."""
    listed = {Path(target.partition("#")[0]).name for target in links(README.read_text("utf-8"))}
    unlisted = [page.name for page in pages()[1:] if page.name not in listed]
    assert unlisted == []


def test_the_readme_stays_short() -> None:
    """What a newcomer reads in ten minutes; the rest belongs on a page under docs/."""
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move details to docs/"


def test_the_link_reader_sees_what_a_markdown_renderer_sees() -> None:
    """The checks above rely on this reader: links in prose count, code does not."""
    text = (
        'See [the outbox](docs/outbox.md#the-outbox) and ![a page](docs/p.png "title").\n'
        "`[not](a-link.md)` and\n```\n[nor](this.md)\n```\n[ref]: docs/ref.md\n"
    )
    assert links(text) == ["docs/outbox.md#the-outbox", "docs/p.png", "docs/ref.md"]
    headings = "# Who may see what\n## The Secretariat's review: `/queue`\n## Notes\n## Notes\n"
    assert anchors(headings) >= {
        "who-may-see-what",
        "the-secretariats-review-queue",
        "notes",
        "notes-1",
    }
