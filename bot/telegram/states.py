"""Conversation states; the position inside a dossier itself is stored with the answers."""

from aiogram.fsm.state import State, StatesGroup


class Flow(StatesGroup):
    registering = State()
    profile_field = State()
    dossier = State()
