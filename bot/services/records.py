"""The two records a person answers, their profile and their city's dossiers, behind one
interface (`RecordStore`, implemented by `Profiles` and `Dossiers`): the store is chosen once, by
the record's id or the conversation's state, and handlers never ask which one it is."""

from typing import Any, Protocol

from bot.domain.flow import Move
from bot.domain.navigation import Cursor
from bot.domain.records import PROFILE_RECORD, Record
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles
from bot.telegram.states import Flow


class RecordStore(Protocol):
    """Where one kind of record is kept, and how answering it goes."""

    answering: str  # the conversation state typed answers to it come in
    closes_at_review: bool  # reaching its review ends the conversation (the registration)

    async def load_files(self, record: Record) -> None: ...

    async def activate(self, record: Record) -> None:
        """Make it the record typed answers go to."""

    async def move_to(self, record: Record, cursor: Cursor) -> Record: ...

    async def apply(self, record: Record, move: Move) -> Record:
        """Store a move (answers and position) in one transaction."""


class Conversation(Protocol):
    async def get_state(self) -> str | None: ...

    async def get_data(self) -> dict[str, Any]: ...


class Records:
    def __init__(self, profiles: Profiles, dossiers: Dossiers) -> None:
        self.profiles = profiles
        self.dossiers = dossiers

    def of(self, record: Record) -> RecordStore:
        return self.profiles if record.id == PROFILE_RECORD else self.dossiers

    async def record(self, record_id: int, files: bool = True) -> Record | None:
        """A record the person may open: their profile, or one of their city's dossiers."""
        if record_id == PROFILE_RECORD:
            return self.profiles.record()
        return await self.dossiers.load(record_id, files=files)

    async def current(self, conversation: Conversation) -> Record | None:
        """The record typed answers go to now, from the conversation state."""
        state = await conversation.get_state()
        if state == Flow.registering.state:
            data = await conversation.get_data()
            return self.profiles.record(short=bool(data.get("short")))
        if state == Flow.dossier.state:
            return await self.dossiers.active()
        return None

    async def apply(self, record: Record, move: Move) -> Record:
        return await self.of(record).apply(record, move)
