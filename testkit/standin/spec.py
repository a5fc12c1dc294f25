"""Access to the Bot API 10.1 description stored next to this file (botapi.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SPEC_PATH = Path(__file__).with_name("botapi.json")

SCALARS = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})

# Abstract types whose subtypes do not share the abstract name as a prefix.
_MANUAL_SUBTYPES = {
    "InputMessageContent": [
        "InputTextMessageContent",
        "InputRichMessageContent",
        "InputLocationMessageContent",
        "InputVenueMessageContent",
        "InputContactMessageContent",
        "InputInvoiceMessageContent",
    ],
    "MaybeInaccessibleMessage": ["Message", "InaccessibleMessage"],
}
# Discriminator values that can't be derived from the class name.
_DISCRIMINATOR_OVERRIDES = {
    "ChatMemberOwner": "creator",
    "ChatMemberBanned": "kicked",
    "PassportElementErrorDataField": "data",
}
# The field holding the discriminator, when it is not "type".
_DISCRIMINATOR_FIELDS = {"PassportElementError": "source"}
# Abstract types whose discriminator values were not checked against the docs: an
# unknown value falls back to trying every subtype instead of being rejected.
LOOSE_ABSTRACTS = frozenset({"RichText", "RichBlock", "InputPollMedia", "InputPollOptionMedia"})


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class Entry:
    """A method or an object type: its name and its fields."""

    name: str
    fields: dict[str, Field]
    returns: tuple[str, ...] = ()


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class Spec:
    def __init__(self, raw: dict) -> None:
        self.version: str = raw.get("version", "")
        self.methods: dict[str, Entry] = {k: self._entry(v) for k, v in raw["methods"].items()}
        self.types: dict[str, Entry] = {k: self._entry(v) for k, v in raw["types"].items()}
        self._lower = {name.lower(): name for name in self.methods}
        self._subtypes: dict[str, list[str]] = {}
        self._parent: dict[str, str] = {}
        for name, entry in self.types.items():
            if entry.fields:
                continue
            key = self.discriminator_field(name)
            subs = _MANUAL_SUBTYPES.get(name) or [
                other
                for other, e in self.types.items()
                if other != name and other.startswith(name) and key in e.fields
            ]
            self._subtypes[name] = subs
            for sub in subs:
                self._parent.setdefault(sub, name)

    @staticmethod
    def _entry(raw: dict) -> Entry:
        fields = {
            f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]))
            for f in raw.get("fields") or []
        }
        return Entry(raw["name"], fields, tuple(raw.get("returns") or ()))

    def canonical_method(self, name: str) -> str | None:
        return self._lower.get(name.lower())

    def subtypes(self, type_name: str) -> list[str]:
        """Concrete types of an abstract type ([] for concrete or unknown-subtype types)."""
        return self._subtypes.get(type_name, [])

    def is_abstract(self, type_name: str) -> bool:
        return bool(self._subtypes.get(type_name))

    @staticmethod
    def discriminator_field(abstract: str) -> str:
        return _DISCRIMINATOR_FIELDS.get(abstract, "type")

    def discriminator_of(self, concrete: str) -> tuple[str, str] | None:
        """(field, value) identifying a concrete subtype of an abstract type, if any."""
        parent = self._parent.get(concrete)
        if parent is None or parent in _MANUAL_SUBTYPES:
            return None
        return self.discriminator_field(parent), self.discriminator(parent, concrete)

    @staticmethod
    def discriminator(abstract: str, concrete: str) -> str:
        """Best guess of the "type" value of a subtype (BotCommandScopeAllPrivateChats ->
        all_private_chats, InlineQueryResultCachedPhoto -> photo)."""
        if concrete in _DISCRIMINATOR_OVERRIDES:
            return _DISCRIMINATOR_OVERRIDES[concrete]
        suffix = concrete[len(abstract) :] if concrete.startswith(abstract) else concrete
        suffix = suffix.removeprefix("Cached") if abstract == "InlineQueryResult" else suffix
        return _snake(suffix)


@cache
def load_spec() -> Spec:
    return Spec(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
