"""Conversation states: which record typed answers go to. The position inside a record is stored
with its answers."""

from aiogram.fsm.state import State, StatesGroup


class Flow(StatesGroup):
    registering = State()  # the profile form: registering, or changing one profile answer
    dossier = State()
