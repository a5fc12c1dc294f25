"""Member cities as the Secretariat keeps them, and finding one from what a focal point types."""

from dataclasses import dataclass, field

from bot.domain.countries import fold
from bot.domain.text import one_line, visible_length

MAX_NAME = 100
MAX_ALIASES = 10
MAX_MATCHES = 6  # buttons offered at registration
PAGE_SIZE = 10  # cities per page of the list
ALIAS_SEPARATORS = ";|"


@dataclass(frozen=True)
class MemberCity:
    """A city of the list (or one a registration created: `listed=False`)."""

    id: int
    name: str
    country: str
    aliases: tuple[str, ...] = field(default_factory=tuple)
    listed: bool = True

    def keys(self) -> tuple[str, ...]:
        """Its folded name and aliases, the name first."""
        return (fold(self.name), *(fold(a) for a in self.aliases))


@dataclass(frozen=True)
class CityPage:
    cities: list[MemberCity]
    number: int  # from 0
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def split_aliases(text: str) -> tuple[str, ...]:
    """`"Ndakaaru; داكار | Dakar-Plateau"` → three aliases, blanks and repeats dropped."""
    for separator in ALIAS_SEPARATORS[1:]:
        text = text.replace(separator, ALIAS_SEPARATORS[0])
    seen: set[str] = set()
    aliases = []
    for part in text.split(ALIAS_SEPARATORS[0]):
        alias = one_line(part)
        if visible_length(alias) and fold(alias) not in seen:
            seen.add(fold(alias))
            aliases.append(alias)
    return tuple(aliases)


def _score(query: str, keys: tuple[str, ...]) -> int | None:
    """How well a folded query names a city (lower is better), None when it does not."""
    best = None
    for key in keys:
        if key == query:
            score = 0
        elif key.startswith(query) or any(w.startswith(query) for w in key.split()):
            score = 1
        elif len(query) >= 3 and query in key:
            score = 2
        else:
            continue
        best = score if best is None else min(best, score)
    return best


def matching(text: str, cities: list[MemberCity], limit: int = MAX_MATCHES) -> list[MemberCity]:
    """Listed cities named (or aliased) like `text`: exact first, then by start, then inside."""
    query = fold(text)
    if not query:
        return []
    scored = []
    for city in cities:
        if not city.listed:
            continue
        score = _score(query, city.keys())
        if score is not None:
            scored.append((score, fold(city.name), city.country, city))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]
