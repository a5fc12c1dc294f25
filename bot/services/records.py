"""The two records a person answers, their profile and their city's dossiers, behind one
interface: loaded by id, found from the conversation's state, moved in their own store."""

from typing import Any, Protocol

from bot.domain.records import PROFILE_RECORD, Record
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles
from bot.telegram.states import Flow


class Conversation(Protocol):
    async def get_state(self) -> str | None: ...

    async def get_data(self) -> dict[str, Any]: ...


class Records:
    def __init__(self, profiles: Profiles, dossiers: Dossiers) -> None:
        self.profiles = profiles
        self.dossiers = dossiers

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

    async def apply(self, record: Record, move: Any) -> Record:
        """Store a move in the record's own store (one transaction)."""
        if record.is_profile:
            return await self.profiles.apply(record, move)
        return await self.dossiers.apply(record, move)
