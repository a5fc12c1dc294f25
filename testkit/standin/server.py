"""A strict local Bot API stand-in served over real HTTP (aiohttp.web).

    async with BotAPIStandIn() as api:
        bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))

Every request is validated against the Bot API 10.1 description (botapi.json) and
recorded in `api.calls`. Unknown parameters are rejected on purpose (Telegram ignores
them) so that typos and removed parameters show up in tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.web_request import FileField

from .errors import ApiError, bad_request, conflict, default_description
from .files import FileStore
from .methods import HANDLERS, MethodsMixin
from .rules import check_reply_markup
from .spec import load_spec
from .validation import UploadedFile, Validator

DEFAULT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"
FIRST_UPDATE_ID = 1000
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CLIENT_MAX_SIZE = 64 * 1024 * 1024
_log = logging.getLogger(__name__)


@dataclass
class Call:
    """One request made by the bot."""

    method: str
    params: dict[str, Any]
    ok: bool
    status: int
    description: str | None
    result: Any
    at: float  # time.monotonic() when answered
    received: float = 0.0  # time.monotonic() when the request arrived


@dataclass
class Answer:
    """What the stand-in answers to one API request; status 0 = connection dropped."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] | None = None


ReadParams = Callable[[], Awaitable[tuple[dict[str, Any], dict[str, UploadedFile]]]]


@dataclass
class _Fault:
    status: int  # 0 = drop the connection
    retry_after: int | None = None
    description: str | None = None
    chat_id: int | None = None  # only a request to this chat (None: any request)


@dataclass
class _Queued:
    update: dict[str, Any]
    forced: bool = False
    delivered: bool = False
    retry_at: float = 0.0  # webhook: not posted again before this (time.monotonic())
    attempts: int = 0

    @property
    def update_id(self) -> int:
        return self.update["update_id"]


@dataclass
class _UpdateLog:
    status: dict[int, str] = field(default_factory=dict)  # queued/delivered/confirmed/filtered


class BotAPIStandIn(MethodsMixin):
    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        self.token = token
        self.spec = load_spec()
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "AIMF Test Bot",
            "username": "aimf_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.calls: list[Call] = []
        self.files = FileStore()
        self._init_state()
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._queue: list[_Queued] = []
        self._log = _UpdateLog()
        self._next_update_id = FIRST_UPDATE_ID
        self._confirmed_max: int | None = None
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._callback_seq = 0
        self._changed = asyncio.Event()
        self._inflight = 0
        self._activity_at = time.monotonic()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.url = ""
        # Webhook delivery (after setWebhook): each queued update is POSTed to the webhook URL
        # with the secret header, one at a time per chat (as Telegram does), up to
        # max_connections at once; any answer but 2xx (or no answer) is retried after
        # `webhook_retry` seconds, doubled each time up to 2 s. `webhook_targets`, set by a
        # test, stands for a load balancer: posts go to these URLs in turn instead.
        self.webhook_targets: list[str] | None = None
        self.webhook_retry = 0.05
        self.webhook_answers: list[tuple[int, int]] = []  # (update_id, HTTP status; 0 = none)
        self._deliverer: asyncio.Task[None] | None = None
        self._posting: set[int] = set()
        self._post_tasks: set[asyncio.Task[None]] = set()
        self._target_turn = 0
        self._client: aiohttp.ClientSession | None = None
        self._chat_inflight: dict[int, int] = {}
        self.max_concurrent_requests: dict[int, int] = {}  # per chat, over the whole run

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> str:
        app = web.Application(client_max_size=_CLIENT_MAX_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        if self._deliverer is not None:
            self._deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliverer
            self._deliverer = None
        for task in list(self._post_tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ inspection
    @property
    def errors(self) -> list[Call]:
        return [c for c in self.calls if not c.ok]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def idle_for(self) -> float:
        """Seconds since the bot last did anything (0 while a request is being served).
        getUpdates calls that returned nothing don't count as activity."""
        if self._inflight:
            return 0.0
        return time.monotonic() - self._activity_at

    def notify(self) -> None:
        """Wake whoever waits in `wait_change` (a test's own event happened)."""
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, timeout: float) -> None:  # noqa: ASYNC109
        """Sleep until any request/update event happens or `timeout` seconds pass."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), max(timeout, 0))

    async def _wait_until(self, predicate: Any, timeout: float, what: str) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            await self.wait_change(remaining)

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id` only, when given) fail with that
        HTTP status / error_code."""
        canonical = self._canonical(method)
        for _ in range(times):
            self._faults.setdefault(canonical, deque()).append(
                _Fault(status, retry_after, description, chat_id)
            )

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are answered only after `seconds` (slow network)."""
        canonical = self._canonical(method)
        for _ in range(times):
            self._delays.setdefault(canonical, deque()).append(seconds)

    def clear_delays(self) -> None:
        """Forget the delays `slow_next` set and no request has taken yet."""
        self._delays.clear()

    def clear_faults(self) -> None:
        """Forget the failures `fail_next` set and no request has taken yet."""
        self._faults.clear()

    def drop_connection_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` get their connection closed without answer."""
        canonical = self._canonical(method)
        for _ in range(times):
            self._faults.setdefault(canonical, deque()).append(_Fault(0))

    def _canonical(self, method: str) -> str:
        canonical = self.spec.canonical_method(method)
        if canonical is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        return canonical

    # ------------------------------------------------------------------ HTTP
    @staticmethod
    def _reply(body: dict, status: int, headers: dict | None = None) -> web.Response:
        return web.json_response(
            body,
            status=status,
            headers=headers,
            dumps=lambda o: json.dumps(o, ensure_ascii=False),
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        status, content = self.answer_file(request.match_info["token"], request.match_info["path"])
        if status != 200:
            return self._reply(json.loads(content), status)
        return web.Response(body=content, content_type="application/octet-stream")

    def answer_file(self, token: str, path: str) -> tuple[int, bytes]:
        """A file download (`/file/bot<token>/<path>`): (HTTP status, body bytes)."""
        if token != self.token:
            error = ApiError(401, "Unauthorized")
        else:
            stored = self.files.by_path(path)
            if stored is not None:
                return 200, stored.content
            error = ApiError(404, "Not Found: file not found")
        return error.status, json.dumps(error.body(), ensure_ascii=False).encode()

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = {}
        uploads: dict[str, UploadedFile] = {}

        def put(key: str, value: Any) -> None:
            if key in raw:
                raise bad_request(f'duplicate parameter "{key}"')
            raw[key] = value

        for key, value in request.query.items():
            put(key, value)
        if not request.body_exists:
            return raw, uploads
        content_type = request.content_type
        try:
            if content_type == "application/json":
                try:
                    body = json.loads(await request.read() or b"{}")
                except ValueError:
                    raise bad_request("can't parse JSON encoded request body") from None
                if not isinstance(body, dict):
                    raise bad_request("JSON request body must be an object")
                for key, value in body.items():
                    put(key, value)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                for key, value in (await request.post()).items():
                    if isinstance(value, FileField):
                        upload = UploadedFile(
                            key, value.filename, value.content_type, value.file.read()
                        )
                        uploads[key] = upload
                        put(key, upload)
                    else:
                        put(key, value)
            elif await request.read():
                raise bad_request(f"unsupported Content-Type {content_type}")
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(413, "Request Entity Too Large") from None
        return raw, uploads

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        answer = await self.answer_api(
            request.match_info["token"],
            request.match_info["method"],
            lambda: self._read_params(request),
        )
        if answer.status == 0:
            request.transport.abort()
            return web.Response()
        return self._reply(answer.body, answer.status, answer.headers)

    async def answer_api(self, token: str, method_name: str, read_params: ReadParams) -> Answer:
        """One Bot API request, whatever carried it (HTTP here, or an in-process session):
        token and method checked, injected delays and faults applied, parameters validated
        against the spec, the method dispatched and the call recorded."""
        received = time.monotonic()
        if token != self.token:
            return Answer(401, ApiError(401, "Unauthorized").body())
        method = self.spec.canonical_method(method_name)
        if method is None:
            return Answer(404, ApiError(404, "Not Found: method not found").body())
        polling = method == "getUpdates"
        if not polling:
            self._inflight += 1
            self._activity_at = time.monotonic()
        params: dict[str, Any] = {}
        try:
            try:
                raw, uploads = await read_params()
                params = raw
                delays = self._delays.get(method)
                if delays:
                    await asyncio.sleep(delays.popleft())
                injected = self._take_fault(method, raw)
                if injected is not None:
                    if injected.status == 0:
                        self._record(
                            method, params, 0, "connection dropped (injected)", None, received
                        )
                        return Answer(0, {})
                    raise self._injected(injected)
                params = self._validate(method, raw, uploads)
                chat = params.get("chat_id")
                tracked = chat if isinstance(chat, int) and not polling else None
                if tracked is not None:
                    count = self._chat_inflight.get(tracked, 0) + 1
                    self._chat_inflight[tracked] = count
                    top = max(self.max_concurrent_requests.get(tracked, 0), count)
                    self.max_concurrent_requests[tracked] = top
                try:
                    result = await self._dispatch(method, params)
                finally:
                    if tracked is not None:
                        self._chat_inflight[tracked] -= 1
            except ApiError as e:
                return self._error(method, params, e, received)
            except Exception as e:  # a bug in the stand-in: answer 500, keep a trace in calls
                _log.exception("stand-in failed on %s", method)
                bug = ApiError(500, f"stand-in bug: {e!r}")
                return self._error(method, params, bug, received)
            self._record(method, params, 200, None, result, received)
            return Answer(200, {"ok": True, "result": result})
        finally:
            if not polling:
                self._inflight -= 1
                self._activity_at = time.monotonic()
                self._notify()

    def _take_fault(self, method: str, raw: dict[str, Any]) -> _Fault | None:
        """The first fault waiting for this request (its method, and its chat if it names one)."""
        faults = self._faults.get(method)
        for fault in faults or ():
            if fault.chat_id is None or str(fault.chat_id) == str(raw.get("chat_id")):
                faults.remove(fault)  # type: ignore[union-attr]
                return fault
        return None

    def _error(
        self, method: str, params: dict, e: ApiError, received: float | None = None
    ) -> Answer:
        self._record(method, params, e.status, e.description, None, received)
        headers = None
        if e.parameters and e.parameters.get("retry_after"):
            headers = {"Retry-After": str(e.parameters["retry_after"])}
        return Answer(e.status, e.body(), headers)

    @staticmethod
    def _injected(fault: _Fault) -> ApiError:
        if fault.status == 429:
            retry_after = fault.retry_after or 1
            return ApiError(
                429,
                fault.description or default_description(429, retry_after),
                {"retry_after": retry_after},
            )
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        return ApiError(
            fault.status, fault.description or default_description(fault.status), parameters
        )

    def _record(
        self,
        method: str,
        params: dict,
        status: int,
        description: str | None,
        result: Any,
        received: float | None = None,
    ):
        now = time.monotonic()
        call = Call(
            method, params, status == 200, status, description, result, now,
            now if received is None else received,
        )  # fmt: skip
        self.calls.append(call)
        if not (method == "getUpdates" and status == 200 and not result):
            self._activity_at = call.at
        self._notify()

    def _validate(self, method: str, raw: dict, uploads: dict[str, UploadedFile]) -> dict:
        params = Validator(self.spec, uploads).method_params(self.spec.methods[method], raw)
        album = params.get("media") if method == "sendMediaGroup" else None
        for item in album or ():
            ref = item.get("media")  # InputMedia*.media is a String: "attach://<part>" or an id
            if isinstance(ref, str) and ref.startswith("attach://") and ref[9:] in uploads:
                item["media"] = uploads[ref[9:]]
        if params.get("reply_markup") is not None:
            check_reply_markup(params["reply_markup"])
        return params

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = HANDLERS.get(method)
        if handler is not None:
            return await handler(self, params)
        if params.get("chat_id") is not None:
            if method.startswith(("send", "copy", "forward")):
                self._sendable_chat(params["chat_id"])
            else:
                self._chat(params["chat_id"])
        if self.spec.methods[method].returns == ("Boolean",):
            return True
        raise bad_request("method not supported by the stand-in")

    # ------------------------------------------------------------------ updates
    def push_update(self, payload: dict[str, Any]) -> int:
        """Queue an update (validated against the spec); returns its update_id (assigned
        sequentially from 1000 unless the payload has one)."""
        update = copy.deepcopy(payload)
        update.setdefault("update_id", self._next_update_id)
        return self._enqueue(update, forced=False)

    def push_raw_update(self, update: dict[str, Any]) -> int:
        """Queue `update` verbatim, keeping its update_id, to simulate a redelivery.

        It is delivered by the next getUpdates even if the poller's offset has already
        moved past its id (an update_id seen twice), then confirmed normally."""
        if "update_id" not in update:
            raise ValueError("push_raw_update needs an update_id")
        return self._enqueue(copy.deepcopy(update), forced=True)

    def take_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """For in-process delivery: check and register an update like `push_update` (its
        messages and callback queries become known) and return it, with its update_id, to
        be fed to the dispatcher directly instead of being queued for getUpdates."""
        update = copy.deepcopy(payload)
        update.setdefault("update_id", self._next_update_id)
        kind = self._check_update(update)
        self._register_update(update[kind])
        self._log.status[update["update_id"]] = "confirmed"
        self._notify()
        return copy.deepcopy(update)

    def _check_update(self, update: dict[str, Any]) -> str:
        """Validate against the spec, advance the id counter; returns the payload's kind."""
        kinds = [k for k in update if k != "update_id"]
        if len(kinds) != 1:
            raise ValueError(f"an update must have exactly one payload field, got {kinds}")
        try:
            Validator(self.spec).check_object(update, "Update", "update")
        except ApiError as e:
            raise ValueError(f"invalid update: {e.description}") from None
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        return kinds[0]

    def _enqueue(self, update: dict[str, Any], forced: bool) -> int:
        kinds = [self._check_update(update)]
        update_id = update["update_id"]
        if not self._allowed(kinds[0]):  # like Telegram: not even stored
            self._log.status[update_id] = "filtered"
            return update_id
        self._register_update(update[kinds[0]])
        self._queue.append(_Queued(update, forced=forced))
        self._log.status[update_id] = "queued"
        self._notify()
        return update_id

    def _register_update(self, obj: dict[str, Any]) -> None:
        message = obj.get("message") if "chat_instance" in obj else obj
        if "chat_instance" in obj:
            self._pending_callbacks[obj["id"]] = obj
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            self._register_chat(message["chat"])
            chat_id = message["chat"]["id"]
            if "message_id" in message and message is obj:
                self._incoming.setdefault(chat_id, {})[message["message_id"]] = message
                seq = self._message_seq.get(chat_id, 0)
                self._message_seq[chat_id] = max(seq, message["message_id"])
        elif isinstance(obj.get("chat"), dict):
            self._register_chat(obj["chat"])

    def new_callback_query_id(self) -> str:
        self._callback_seq += 1
        return f"{4_200_000_000_000 + self._callback_seq * 7919}"

    @property
    def confirmed_update_id(self) -> int | None:
        """Highest update_id confirmed by a getUpdates offset (None if none yet)."""
        return self._confirmed_max

    @property
    def allowed_updates(self) -> list[str] | None:
        """Last allowed_updates passed to getUpdates (None/[] = Telegram's default set)."""
        return self._allowed_updates

    @property
    def polls_started(self) -> int:
        """getUpdates requests received so far, counted on arrival (`calls` records a long
        poll only when it is answered, up to its timeout later)."""
        return self._poll_generation

    @property
    def pending_update_count(self) -> int:
        return len(self._queue)

    def update_status(self, update_id: int) -> str | None:
        """ "queued", "delivered", "confirmed", "filtered" (dropped by allowed_updates),
        "skipped" (confirmed by an offset without ever being delivered) or None."""
        return self._log.status.get(update_id)

    async def wait_delivered(self, update_id: int, timeout: float = 10) -> None:  # noqa: ASYNC109
        def done() -> bool:
            return self.update_status(update_id) not in ("queued", None)

        await self._wait_until(done, timeout, f"update {update_id} to be fetched")

    async def wait_confirmed(self, update_id: int, timeout: float = 10) -> None:  # noqa: ASYNC109
        def done() -> bool:
            return self.update_status(update_id) in ("confirmed", "skipped", "filtered")

        await self._wait_until(done, timeout, f"update {update_id} to be confirmed")

    def _drop_pending(self) -> None:
        for queued in self._queue:
            self._log.status[queued.update_id] = "skipped"
        self._queue.clear()

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = self._queue[offset:]
            gone = self._queue[: len(self._queue) - len(keep)]
        else:
            keep, gone = [], []
            for q in self._queue:
                confirmable = q.delivered or not q.forced
                (gone if q.update_id < offset and confirmable else keep).append(q)
        for q in gone:
            self._log.status[q.update_id] = "confirmed" if q.delivered else "skipped"
            self._confirmed_max = max(self._confirmed_max or q.update_id, q.update_id)
        self._queue = keep

    def _allowed(self, kind: str) -> bool:
        """allowed_updates applies to updates created after it was set (as in Telegram)."""
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    def _ready(self, limit: int) -> list[_Queued]:
        return sorted(self._queue, key=lambda q: q.update_id)[:limit]

    async def _get_updates(self, p: dict[str, Any]) -> list[dict]:
        if self._webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        limit = min(max(p.get("limit", 100), 1), 100)
        timeout = min(max(p.get("timeout", 0), 0), 50)
        if "allowed_updates" in p:
            self._allowed_updates = list(p["allowed_updates"])
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        if p.get("offset"):
            self._confirm(p["offset"])
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
            ready = [] if self._closing else self._ready(limit)
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closing:
                break
            await self.wait_change(remaining)
        for q in ready:
            q.delivered = True
            self._log.status[q.update_id] = "delivered"
        return [copy.deepcopy(q.update) for q in ready]

    # ------------------------------------------------------------------ webhook delivery
    def _webhook_changed(self) -> None:
        if self._deliverer is not None and self._deliverer.done():
            self._deliverer = None
        if self._webhook is not None and self._deliverer is None and not self._closing:
            self._deliverer = asyncio.create_task(self._deliver_webhook())
        self._notify()

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The parameters of the last setWebhook (None when no webhook is set)."""
        return copy.deepcopy(self._webhook)

    @staticmethod
    def _order_key(update: dict[str, Any]) -> Any:
        """Telegram delivers one update at a time per chat (or per user, without a chat)."""
        kind = next(k for k in update if k != "update_id")
        obj = update[kind]
        message = obj.get("message") if kind == "callback_query" else obj
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return message["chat"]["id"]
        return (obj.get("from") or {}).get("id", kind)

    def _next_target(self) -> str:
        assert self._webhook is not None
        if not self.webhook_targets:
            return self._webhook["url"]
        url = self.webhook_targets[self._target_turn % len(self.webhook_targets)]
        self._target_turn += 1
        return url

    async def _deliver_webhook(self) -> None:
        while not self._closing and self._webhook is not None:
            now = time.monotonic()
            limit = self._webhook.get("max_connections", 40)
            busy: set[Any] = set()
            wake_at: float | None = None
            for queued in sorted(self._queue, key=lambda q: q.update_id):
                key = self._order_key(queued.update)
                if key in busy:
                    continue
                busy.add(key)
                if queued.update_id in self._posting or len(self._posting) >= limit:
                    continue
                if queued.retry_at > now:
                    wake_at = min(wake_at or queued.retry_at, queued.retry_at)
                    continue
                self._posting.add(queued.update_id)
                task = asyncio.create_task(self._post_queued(queued))
                self._post_tasks.add(task)
                task.add_done_callback(self._post_tasks.discard)
            timeout = 1.0 if wake_at is None else max(wake_at - time.monotonic(), 0.001)
            await self.wait_change(timeout)

    async def post_update(self, url: str, update: dict[str, Any], secret: str | None = None) -> int:
        """POST one update to `url` as Telegram's webhook would; returns the HTTP status (0:
        no answer). `secret` defaults to the registered secret_token; "" sends no header."""
        if secret is None:
            secret = (self._webhook or {}).get("secret_token") or ""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=70))
        try:
            async with self._client.post(url, json=update, headers=headers) as response:
                await response.read()
                return response.status
        except (TimeoutError, aiohttp.ClientError):
            return 0

    def register_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Check and register an update (its messages and callback queries become known) without
        queueing it, for a test that posts it itself (`post_update`)."""
        update = copy.deepcopy(payload)
        update.setdefault("update_id", self._next_update_id)
        kind = self._check_update(update)
        self._register_update(update[kind])
        return update

    async def _post_queued(self, queued: _Queued) -> None:
        self._log.status[queued.update_id] = "delivered"
        self._notify()
        try:
            status = await self.post_update(self._next_target(), queued.update)
        finally:
            self._posting.discard(queued.update_id)
        self.webhook_answers.append((queued.update_id, status))
        if 200 <= status < 300:
            self._queue = [q for q in self._queue if q is not queued]
            self._log.status[queued.update_id] = "confirmed"
        else:
            queued.attempts += 1
            queued.retry_at = time.monotonic() + min(
                self.webhook_retry * 2 ** (queued.attempts - 1), 2.0
            )
            self._log.status[queued.update_id] = "queued"
        self._notify()
