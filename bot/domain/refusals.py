"""Why something a person typed or pressed cannot be used: a code and the figures for the message
that `bot.screens.errors.refusal` shows in their language."""

from typing import Any


class Refused(ValueError):
    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


class Gone(Refused):
    """What a button or a typed answer is about is no longer there (or never was: forged), or
    is not this person's: `button` (nothing left to do with it), `bureau_session`,
    `unregistered` (no city of theirs yet), `emergency` (none they may see),
    `emergency_reference` (no sent emergency they may see has it), `dossier` (none they may see
    has this id), `project` (likewise a project)."""
