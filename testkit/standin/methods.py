"""Implementations of the Bot API methods the stand-in supports, with their state.

`MethodsMixin` is mixed into BotAPIStandIn; each handler receives the validated
parameters and returns the `result` of the response or raises ApiError.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, bad_request, forbidden
from .files import MAX_DOWNLOAD, MAX_PHOTO_UPLOAD, MAX_UPLOAD, FileStore, StoredFile
from .formatting import MAX_CALLBACK_ANSWER, caption_text, message_text, utf16_len
from .rules import CHAT_ACTIONS, check_commands, check_language_code, check_length
from .validation import UploadedFile

Handler = Callable[[Any, dict[str, Any]], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}
MEDIA_KEYS = ("animation", "audio", "document", "photo", "video", "voice", "live_photo")
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
# createForumTopic's icon_color: "one of 7322096 (0x6FB9F0), 16766590 (0xFFD67E), 13338331
# (0xCB86DB), 9367192 (0x8EEE98), 16749490 (0xFF93B2), or 16478047 (0xFB6F5F)" [SPEC].
TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
MAX_TOPIC_NAME = 128


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        return func

    return register


def _markup_key(markup: dict | None) -> str:
    return json.dumps(markup, sort_keys=True)


class MethodsMixin:
    """State of chats, messages, commands and files, and the method handlers."""

    files: FileStore
    bot_user: dict[str, Any]

    def _init_state(self) -> None:
        self._chats: dict[int, dict[str, Any]] = {}
        self._blocked: set[int] = set()
        self._message_seq: dict[int, int] = {}
        self._sent: dict[int, dict[int, dict]] = {}  # bot messages per chat, in order
        self._incoming: dict[int, dict[int, dict]] = {}  # user messages per chat
        self._sent_markups: dict[tuple[int, int], dict] = {}  # any reply_markup sent
        self._keyboards: dict[int, dict | None] = {}  # reply keyboard shown per chat
        self._pending_callbacks: dict[str, dict] = {}
        self._callback_answers: dict[str, dict] = {}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._texts: dict[tuple[str, str], str] = {}  # (kind, language) -> description/name
        self._webhook: dict[str, Any] | None = None
        self._topics: dict[int, dict[int, dict]] = {}  # forum chat -> thread id -> ForumTopic
        self._media_group_seq = 0

    # ------------------------------------------------------------------ chats
    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str | None = None,
        username: str | None = None,
        forum: bool = False,
    ) -> dict:
        """Register a group (id > -10**12) or supergroup (id <= -10**12) the bot is in;
        `forum=True`: a supergroup with topics enabled (Chat.is_forum), where the bot may
        create topics."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = type or ("supergroup" if chat_id <= -(10**12) else "group")
        if forum and kind != "supergroup":
            raise ValueError("only supergroups can be forums")
        chat: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}
        if username:
            chat["username"] = username
        if forum:
            chat["is_forum"] = True
        self._chats[chat_id] = chat
        return dict(chat)

    def add_private(self, user_id: int, first_name: str = "User") -> dict:
        """Register a person's private chat with the bot (as if they had written to it)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        chat = {"id": user_id, "type": "private", "first_name": first_name}
        self._chats[user_id] = chat
        return dict(chat)

    def block(self, chat_id: int) -> None:
        """Sends to this chat now fail with 403 (user blocked the bot / bot was kicked)."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def _register_chat(self, chat: dict) -> None:
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            self._chats.setdefault(chat["id"], dict(chat))

    def _chat(self, chat_id: int | str) -> dict:
        if isinstance(chat_id, str):
            name = chat_id.lstrip("@").lower()
            for chat in self._chats.values():
                public = chat["type"] != "private" and chat_id.startswith("@")
                if public and (chat.get("username") or "").lower() == name:
                    return chat
            raise bad_request("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _sendable_chat(self, chat_id: int | str) -> dict:
        chat = self._chat(chat_id)
        if chat["id"] in self._blocked:
            if chat["type"] == "private":
                raise forbidden("bot was blocked by the user")
            raise forbidden(f"bot was kicked from the {chat['type']} chat")
        return chat

    def next_message_id(self, chat_id: int) -> int:
        """Message ids are shared by the bot and the users of a chat, as in Telegram."""
        self._message_seq[chat_id] = self._message_seq.get(chat_id, 0) + 1
        return self._message_seq[chat_id]

    # ------------------------------------------------------------------ messages
    def messages(self, chat_id: int) -> list[dict]:
        """Current state of the bot's messages in a chat (edits applied, deleted removed)."""
        return [copy.deepcopy(m) for m in self._sent.get(chat_id, {}).values()]

    def last_message(self, chat_id: int) -> dict | None:
        sent = self._sent.get(chat_id)
        return copy.deepcopy(next(reversed(sent.values()))) if sent else None

    def get_message(self, chat_id: int, message_id: int) -> dict | None:
        msg = self._sent.get(chat_id, {}).get(message_id)
        return copy.deepcopy(msg) if msg is not None else None

    def sent_reply_markup(self, chat_id: int, message_id: int) -> dict | None:
        """reply_markup of any kind sent with a message (Message objects only echo inline ones)."""
        return copy.deepcopy(self._sent_markups.get((chat_id, message_id)))

    def current_reply_keyboard(self, chat_id: int) -> dict | None:
        """The ReplyKeyboardMarkup the user currently sees (None if none or removed)."""
        return copy.deepcopy(self._keyboards.get(chat_id))

    # ------------------------------------------------------------------ forum topics
    def topics(self, chat_id: int) -> list[dict]:
        """The forum topics created in a chat (ForumTopic objects), oldest first."""
        return [copy.deepcopy(t) for t in self._topics.get(chat_id, {}).values()]

    def has_topic(self, chat_id: int, thread_id: int) -> bool:
        return thread_id in self._topics.get(chat_id, {})

    def _thread(self, chat: dict, thread_id: int | None) -> int | None:
        """A message_thread_id the chat has: a topic of a forum (Telegram answers the same
        400 for a thread of a chat that is no forum)."""
        if thread_id is not None and not self.has_topic(chat["id"], thread_id):
            raise bad_request("message thread not found")
        return thread_id

    @handles("createForumTopic")
    async def _create_forum_topic(self, p: dict) -> Any:
        chat = self._sendable_chat(p["chat_id"])
        if not chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        name = p["name"]
        if not 1 <= utf16_len(name) <= MAX_TOPIC_NAME:
            raise bad_request(f"topic name must be 1-{MAX_TOPIC_NAME} characters")
        color = p.get("icon_color", TOPIC_COLORS[0])
        if color not in TOPIC_COLORS:
            raise bad_request("invalid icon_color specified")
        # A topic's id is the id of the service message that opens it, as in Telegram.
        thread_id = self.next_message_id(chat["id"])
        topic: dict[str, Any] = {"message_thread_id": thread_id, "name": name, "icon_color": color}
        if p.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = p["icon_custom_emoji_id"]
        self._topics.setdefault(chat["id"], {})[thread_id] = topic
        return copy.deepcopy(topic)

    @handles("deleteForumTopic")
    async def _delete_forum_topic(self, p: dict) -> Any:
        chat = self._chat(p["chat_id"])
        if not chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        if self._topics.get(chat["id"], {}).pop(p["message_thread_id"], None) is None:
            raise bad_request("TOPIC_ID_INVALID")
        return True

    def _new_message(self, chat: dict, params: dict, **content: Any) -> dict:
        chat_id = chat["id"]
        thread_id = self._thread(chat, params.get("message_thread_id"))
        msg: dict[str, Any] = {
            "message_id": self.next_message_id(chat_id),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": dict(chat),
            "date": int(time.time()),
        }
        if thread_id is not None:
            msg["message_thread_id"] = thread_id
            msg["is_topic_message"] = True
        reply = params.get("reply_parameters")
        if reply is not None:
            target = self._sent.get(chat_id, {}).get(reply["message_id"]) or self._incoming.get(
                chat_id, {}
            ).get(reply["message_id"])
            if target is not None:
                msg["reply_to_message"] = {
                    k: v for k, v in target.items() if k != "reply_to_message"
                }
            elif not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        msg.update({k: v for k, v in content.items() if v not in (None, [], "")})
        if params.get("protect_content"):
            msg["has_protected_content"] = True
        markup = params.get("reply_markup")
        if markup is not None:
            if "inline_keyboard" in markup:
                msg["reply_markup"] = markup
            elif "keyboard" in markup:
                self._keyboards[chat_id] = markup
            elif "remove_keyboard" in markup:
                self._keyboards[chat_id] = None
            self._sent_markups[(chat_id, msg["message_id"])] = markup
        self._sent.setdefault(chat_id, {})[msg["message_id"]] = msg
        return copy.deepcopy(msg)

    def _target(self, params: dict, action: str = "edit") -> dict:
        if params.get("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the stand-in")
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        chat = self._chat(params["chat_id"])
        msg = self._sent.get(chat["id"], {}).get(params["message_id"])
        if msg is None:
            if params["message_id"] in self._incoming.get(chat["id"], {}):
                raise bad_request(f"message can't be {action}ed")
            raise bad_request(f"message to {action} not found")
        return msg

    def _apply_edit(self, msg: dict, changes: dict[str, Any], markup: dict | None) -> dict:
        keys = (*changes, "reply_markup")
        before = {k: msg.get(k) for k in keys}
        after = {**{k: v or None for k, v in changes.items()}, "reply_markup": markup}
        if _markup_key(before) == _markup_key(after):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        for key, value in after.items():
            if value is None:
                msg.pop(key, None)
            else:
                msg[key] = value
        msg["edit_date"] = int(time.time())
        return copy.deepcopy(msg)

    @handles("getMe")
    async def _get_me(self, p: dict) -> Any:
        return dict(self.bot_user)

    @handles("sendMessage")
    async def _send_message(self, p: dict) -> Any:
        text, entities = message_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        chat = self._sendable_chat(p["chat_id"])
        return self._new_message(
            chat,
            p,
            text=text,
            entities=entities,
            link_preview_options=p.get("link_preview_options"),
        )

    @handles("editMessageText")
    async def _edit_message_text(self, p: dict) -> Any:
        if p.get("rich_message") is not None:
            raise bad_request("rich messages are not supported by the stand-in")
        text, entities = message_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        msg = self._target(p)
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        changes = {"text": text, "entities": entities}
        return self._apply_edit(msg, changes, p.get("reply_markup"))

    @handles("editMessageCaption")
    async def _edit_message_caption(self, p: dict) -> Any:
        caption, entities = caption_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities")
        )
        msg = self._target(p)
        if not any(k in msg for k in MEDIA_KEYS):
            raise bad_request("there is no caption in the message to edit")
        changes = {"caption": caption, "caption_entities": entities}
        return self._apply_edit(msg, changes, p.get("reply_markup"))

    @handles("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, p: dict) -> Any:
        return self._apply_edit(self._target(p), {}, p.get("reply_markup"))

    @handles("deleteMessage")
    async def _delete_message(self, p: dict) -> Any:
        chat = self._chat(p["chat_id"])
        if self._sent.get(chat["id"], {}).pop(p["message_id"], None) is not None:
            return True
        if self._incoming.get(chat["id"], {}).pop(p["message_id"], None) is not None:
            return True
        raise bad_request("message to delete not found")

    @handles("deleteMessages")
    async def _delete_messages(self, p: dict) -> Any:
        chat = self._chat(p["chat_id"])
        if not 1 <= len(p["message_ids"]) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        for message_id in p["message_ids"]:
            self._sent.get(chat["id"], {}).pop(message_id, None)
            self._incoming.get(chat["id"], {}).pop(message_id, None)
        return True

    # ------------------------------------------------------------------ media
    def _input_file(self, value: UploadedFile | str, *, photo: bool) -> StoredFile:
        if isinstance(value, UploadedFile):
            limit = MAX_PHOTO_UPLOAD if photo else MAX_UPLOAD
            if len(value.data) > limit:
                raise ApiError(413, "Request Entity Too Large")
            if not value.data:
                raise bad_request("file must be non-empty")
            mime = None if value.content_type == "application/octet-stream" else value.content_type
            return self.files.add(
                value.data, value.filename, mime, folder="photos" if photo else "documents"
            )
        if value.lower().startswith(("http://", "https://")):
            raise bad_request("sending files by URL is not supported by the stand-in")
        try:
            return self.files.get(value)
        except ApiError:
            raise bad_request("wrong file identifier/HTTP URL specified") from None

    @handles("sendDocument")
    async def _send_document(self, p: dict) -> Any:
        caption, entities = caption_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities")
        )
        chat = self._sendable_chat(p["chat_id"])
        stored = self._input_file(p["document"], photo=False)
        return self._new_message(
            chat, p, document=stored.document(), caption=caption, caption_entities=entities
        )

    @handles("sendPhoto")
    async def _send_photo(self, p: dict) -> Any:
        caption, entities = caption_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities")
        )
        chat = self._sendable_chat(p["chat_id"])
        stored = self._input_file(p["photo"], photo=True)
        return self._new_message(
            chat,
            p,
            photo=self.files.photo_sizes(stored),
            caption=caption,
            caption_entities=entities,
            has_media_spoiler=p.get("has_spoiler") or None,
            show_caption_above_media=p.get("show_caption_above_media") or None,
        )

    def add_file(
        self,
        content: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
    ) -> dict:
        """Store a file; returns {file_id, file_unique_id, file_size} (file_size may lie)."""
        stored = self.files.add(content, file_name, mime_type, file_size)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }

    def add_photo(self, content: bytes, file_size: int | None = None) -> list[dict]:
        """Store a photo; returns the list of 2 PhotoSize dicts of a Message.photo."""
        stored = self.files.add(content, None, "image/jpeg", file_size, folder="photos")
        return self.files.photo_sizes(stored)

    @handles("sendMediaGroup")
    async def _send_media_group(self, p: dict) -> Any:
        """An album: 2-10 photos (or 2-10 documents), one message each, one media_group_id;
        files given as `attach://<part>` arrive here as the uploaded parts (see `_validate`)."""
        chat = self._sendable_chat(p["chat_id"])
        media = p["media"]
        if not 2 <= len(media) <= 10:
            raise bad_request("media group must include 2-10 items")
        kinds = {item["type"] for item in media}
        if kinds - {"photo", "document"}:
            raise bad_request("the stand-in supports albums of photos or of documents only")
        if len(kinds) > 1:
            raise bad_request("documents can't be mixed with other media types in an album")
        self._media_group_seq += 1
        group = f"1{self._media_group_seq:017d}"
        results = []
        for item in media:
            caption, entities = caption_text(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            photo = item["type"] == "photo"
            stored = self._input_file(item["media"], photo=photo)
            content = (
                {"photo": self.files.photo_sizes(stored)}
                if photo
                else {"document": stored.document()}
            )
            results.append(
                self._new_message(
                    chat,
                    p,
                    media_group_id=group,
                    caption=caption,
                    caption_entities=entities,
                    **content,
                )
            )
        return results

    @handles("sendLocation")
    async def _send_location(self, p: dict) -> Any:
        chat = self._sendable_chat(p["chat_id"])
        location = {"latitude": p["latitude"], "longitude": p["longitude"]}
        return self._new_message(chat, p, location=location)

    @handles("getFile")
    async def _get_file(self, p: dict) -> Any:
        stored = self.files.get(p["file_id"])
        if stored.file_size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return stored.info()

    @handles("sendChatAction")
    async def _send_chat_action(self, p: dict) -> Any:
        if p["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._sendable_chat(p["chat_id"])
        return True

    @handles("getChat")
    async def _get_chat(self, p: dict) -> Any:
        chat = self._chat(p["chat_id"])
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    # ------------------------------------------------------------------ callbacks
    def unanswered_callback_queries(self) -> list[str]:
        return [q for q in self._pending_callbacks if q not in self._callback_answers]

    def callback_answer(self, query_id: str) -> dict | None:
        """Parameters of the answerCallbackQuery call for that query, or None."""
        return copy.deepcopy(self._callback_answers.get(query_id))

    @handles("answerCallbackQuery")
    async def _answer_callback_query(self, p: dict) -> Any:
        query_id = p["callback_query_id"]
        if query_id not in self._pending_callbacks or query_id in self._callback_answers:
            raise bad_request(QUERY_INVALID)
        if utf16_len(p.get("text") or "") > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG: callback answer text must be 0-200 characters")
        self._callback_answers[query_id] = dict(p)
        return True

    # ------------------------------------------------------------------ commands, profile
    def _scope_key(self, p: dict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if scope.get("chat_id") is not None:
            self._chat(scope["chat_id"])
        return json.dumps(scope, sort_keys=True), check_language_code(p.get("language_code"))

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Commands set for exactly that scope and language (default scope if None)."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        return copy.deepcopy(self._commands.get(key, []))

    @handles("setMyCommands")
    async def _set_my_commands(self, p: dict) -> Any:
        check_commands(p["commands"])
        key = self._scope_key(p)
        self._commands[key] = copy.deepcopy(p["commands"])
        return True

    @handles("getMyCommands")
    async def _get_my_commands(self, p: dict) -> Any:
        return copy.deepcopy(self._commands.get(self._scope_key(p), []))

    @handles("deleteMyCommands")
    async def _delete_my_commands(self, p: dict) -> Any:
        self._commands.pop(self._scope_key(p), None)
        return True

    def _set_text(self, p: dict, field: str, maximum: int) -> bool:
        language = check_language_code(p.get("language_code"))
        self._texts[(field, language)] = check_length(field, p.get(field), maximum)
        return True

    def _get_text(self, p: dict, field: str) -> dict:
        language = check_language_code(p.get("language_code"))
        return {field: self._texts.get((field, language), "")}

    def profile_text(self, field: str, language_code: str = "") -> str:
        """Stored "description", "short_description" or "name" for a language ("" = default)."""
        return self._texts.get((field, language_code), "")

    @handles("setMyDescription")
    async def _set_my_description(self, p: dict) -> Any:
        return self._set_text(p, "description", 512)

    @handles("getMyDescription")
    async def _get_my_description(self, p: dict) -> Any:
        return self._get_text(p, "description")

    @handles("setMyShortDescription")
    async def _set_my_short_description(self, p: dict) -> Any:
        return self._set_text(p, "short_description", 120)

    @handles("getMyShortDescription")
    async def _get_my_short_description(self, p: dict) -> Any:
        return self._get_text(p, "short_description")

    @handles("setMyName")
    async def _set_my_name(self, p: dict) -> Any:
        return self._set_text(p, "name", 64)

    @handles("getMyName")
    async def _get_my_name(self, p: dict) -> Any:
        return self._get_text(p, "name")

    # ------------------------------------------------------------------ webhook
    @handles("setWebhook")
    async def _set_webhook(self, p: dict) -> Any:
        url = p.get("url") or ""
        if url:
            # Telegram wants https on 443/80/88/8443; like a local Bot API server, the stand-in
            # also takes plain http to this machine (the bot under test).
            host = urlsplit(url).hostname or ""
            if not url.startswith("https://") and host not in ("127.0.0.1", "localhost"):
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            secret = p.get("secret_token")
            if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
                raise bad_request("bad webhook: secret token contains unallowed characters")
            if not 1 <= p.get("max_connections", 40) <= 100:
                raise bad_request("bad webhook: max_connections must be between 1 and 100")
            if "allowed_updates" in p:
                self._allowed_updates = list(p["allowed_updates"])
        self._webhook = dict(p) if url else None
        if p.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook_changed()
        return True

    @handles("deleteWebhook")
    async def _delete_webhook(self, p: dict) -> Any:
        self._webhook = None
        if p.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook_changed()
        return True

    @handles("getWebhookInfo")
    async def _get_webhook_info(self, p: dict) -> Any:
        return {
            "url": (self._webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }

    @handles("close")
    @handles("logOut")
    async def _true(self, p: dict) -> Any:
        return True

    def _drop_pending(self) -> None:  # implemented by the server
        raise NotImplementedError

    def _webhook_changed(self) -> None:  # implemented by the server
        raise NotImplementedError

    @property
    def pending_update_count(self) -> int:  # implemented by the server
        raise NotImplementedError
