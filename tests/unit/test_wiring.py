"""What each update's handlers may name (bot/wiring.py), and a step called with what it names."""

from typing import Any

from bot.telegram.inject import Inject


async def test_a_step_gets_its_arguments_and_only_the_dependencies_it_names() -> None:
    got: dict[str, Any] = {}

    async def step(target: int, text: str, *, reply: str, review: str) -> str:
        got.update(target=target, text=text, reply=reply, review=review)
        return "done"

    data = {"reply": "R", "review": "V", "dossiers": "D", "settings": "S"}
    assert await Inject(data)(step, 7, "why") == "done"
    assert got == {"target": 7, "text": "why", "reply": "R", "review": "V"}
