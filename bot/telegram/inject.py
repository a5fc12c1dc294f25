"""Calling a step a generic handler chose (a note's purpose, a decision's step, a room of the
move handler) the way aiogram calls a handler: with the arguments given, and, from this update's
data, the dependencies the step names (its keyword parameters: `reply`, `review`, …)."""

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from aiogram.dispatcher.event.handler import CallableObject


@lru_cache(maxsize=1024)
def _callable(step: Callable[..., Any]) -> CallableObject:
    return CallableObject(step)  # reads the signature once


class Inject:
    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    async def __call__(self, step: Callable[..., Any], *args: Any) -> Any:
        return await _callable(step).call(*args, **self._data)
