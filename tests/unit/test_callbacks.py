"""Button payloads packed by hand read back exactly as aiogram's CallbackData packs them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.callbacks import Menu, Step, menu_data, step_data

names = st.text(st.characters(exclude_characters=":"), max_size=12)


@given(record=st.integers(1, 10**9), at=names, action=names, value=names)
def test_step_data_is_what_aiogram_packs_and_reads_back(
    record: int, at: str, action: str, value: str
) -> None:
    try:
        expected = Step(record=record, at=at, action=action, value=value).pack()
    except ValueError:
        with pytest.raises(ValueError):
            step_data(record, at, action, value)
        return
    packed = step_data(record, at, action, value)
    assert packed == expected
    assert Step.unpack(packed) == Step(record=record, at=at, action=action, value=value)


def test_menu_data_is_what_aiogram_packs() -> None:
    assert menu_data(42, "sections") == Menu(record=42, action="sections").pack()
    assert menu_data(42, "open", "7") == Menu(record=42, action="open", value="7").pack()


@pytest.mark.parametrize(
    "values",
    [(1, "q:x", "back", ""), (1, "title", "c", "a:b"), (1, "title", "c", "é" * 40)],
)
def test_a_separator_or_more_than_64_bytes_is_refused(values: tuple) -> None:
    with pytest.raises(ValueError):
        step_data(*values)
