"""Conversation states: which record typed answers go to, or which note the next message is. The
position inside a record is stored with its answers."""

from aiogram.fsm.state import State, StatesGroup


class Flow(StatesGroup):
    registering = State()  # the profile form: registering, or changing one profile answer
    dossier = State()
    note = State()  # the person's next message in this chat is a note (bot/conversation/notes.py)
    decide = State()  # a decision shown before it goes: waiting on its buttons (decisions.py)
    city_csv = State()  # an admin's next document in this chat is the member list (cities.py)
