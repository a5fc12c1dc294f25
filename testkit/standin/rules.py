"""Semantic checks on already type-checked parameters (keyboards, commands, codes)."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import bad_request
from .formatting import utf16_len

INLINE_BUTTON_KINDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
REPLY_BUTTON_KINDS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
BUTTON_STYLES = ("danger", "success", "primary")
MAX_INLINE_BUTTONS = 100
MAX_INLINE_ROW = 8
MAX_REPLY_ROW = 12
MAX_MARKUP_BYTES = 10 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")


def check_reply_markup(markup: dict[str, Any]) -> None:
    """reply_markup of any kind (the validator already picked the right type)."""
    if len(json.dumps(markup, ensure_ascii=False).encode()) > MAX_MARKUP_BYTES:
        raise bad_request("reply markup is too long")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup)
    elif "keyboard" in markup:
        check_reply_keyboard(markup)
    elif "remove_keyboard" in markup:
        if markup["remove_keyboard"] is not True:
            raise bad_request("can't parse reply_markup: remove_keyboard must be true")
    elif "force_reply" in markup:
        if markup["force_reply"] is not True:
            raise bad_request("can't parse reply_markup: force_reply must be true")
        _placeholder(markup)


def _placeholder(markup: dict[str, Any]) -> None:
    placeholder = markup.get("input_field_placeholder")
    if placeholder is not None and not 1 <= utf16_len(placeholder) <= 64:
        raise bad_request(
            "can't parse reply_markup: input_field_placeholder must be 1-64 characters"
        )


def check_inline_keyboard(markup: dict[str, Any]) -> None:
    rows = markup["inline_keyboard"]
    total = sum(len(row) for row in rows)
    if total > MAX_INLINE_BUTTONS:
        raise bad_request(
            f"reply markup is too long ({total} buttons, at most {MAX_INLINE_BUTTONS})"
        )
    for r, row in enumerate(rows):
        if len(row) > MAX_INLINE_ROW:
            raise bad_request(
                f"too many buttons in inline keyboard row {r}: {len(row)} "
                f"(at most {MAX_INLINE_ROW})"
            )
        for c, button in enumerate(row):
            where = f"inline keyboard button [{r}][{c}]"
            if not button["text"].strip():
                raise bad_request(f"can't parse {where}: button text is empty")
            kinds = [k for k in INLINE_BUTTON_KINDS if k in button]
            if not kinds:
                raise bad_request(
                    f"can't parse {where}: Text buttons are unallowed in the inline keyboard"
                )
            if len(kinds) > 1:
                raise bad_request(
                    f"can't parse {where}: exactly one of the button kinds must be used, "
                    f"got {', '.join(kinds)}"
                )
            if button.get("style") is not None and button["style"] not in BUTTON_STYLES:
                raise bad_request(f"can't parse {where}: unsupported style {button['style']!r}")
            kind = kinds[0]
            if kind == "callback_data" and not 1 <= len(button["callback_data"].encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            if kind == "url" and not re.match(r"(https?|tg)://\S", button["url"], re.I):
                raise bad_request("BUTTON_URL_INVALID")
            if kind in ("pay", "callback_game") and (r, c) != (0, 0):
                raise bad_request(f"can't parse {where}: a {kind} button must be the first one")
            if kind == "pay" and button["pay"] is not True:
                raise bad_request(f"can't parse {where}: pay must be true")


def check_reply_keyboard(markup: dict[str, Any]) -> None:
    _placeholder(markup)
    for r, row in enumerate(markup["keyboard"]):
        if len(row) > MAX_REPLY_ROW:
            raise bad_request(
                f"too many buttons in reply keyboard row {r}: {len(row)} (at most {MAX_REPLY_ROW})"
            )
        for c, button in enumerate(row):
            where = f"keyboard button [{r}][{c}]"
            if not button["text"].strip():
                raise bad_request(f"can't parse {where}: button text is empty")
            kinds = [k for k in REPLY_BUTTON_KINDS if k in button and button[k] is not False]
            if len(kinds) > 1:
                raise bad_request(f"can't parse {where}: at most one of {', '.join(kinds)} allowed")


def check_commands(commands: list[dict[str, Any]]) -> None:
    if len(commands) > 100:
        raise bad_request("too many commands: at most 100 commands can be specified")
    for command in commands:
        if not _COMMAND_RE.fullmatch(command["command"]):
            raise bad_request(
                f"BOT_COMMAND_INVALID: command {command['command']!r} must be 1-32 characters "
                "of a-z, 0-9 and _"
            )
        if not 1 <= utf16_len(command["description"]) <= 256:
            raise bad_request(
                "BOT_COMMAND_DESCRIPTION_INVALID: description must be 1-256 characters"
            )


def check_language_code(code: str | None) -> str:
    if code and not _LANGUAGE_RE.fullmatch(code):
        raise bad_request(
            f"invalid language_code {code!r}: expected two lowercase letters or empty"
        )
    return code or ""


def check_length(name: str, value: str | None, maximum: int) -> str:
    value = value or ""
    if utf16_len(value) > maximum:
        raise bad_request(f"{name} is too long (at most {maximum} characters)")
    return value
