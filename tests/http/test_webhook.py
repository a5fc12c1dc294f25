"""Webhook mode over real HTTP: the stand-in posts updates with the secret; health and metrics."""

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp.web
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.config import Settings, describe_error
from bot.services.health import Health
from bot.web import health_app, start_site
from storage.db import create_engine, migrate, session_factory
from storage.models import Account, ProcessedUpdate
from testkit.driver import Applicant, submit, wait_for_card
from testkit.harness import SECRETARIAT, WEBHOOK_SECRET, WebhookBot
from testkit.standin import BotAPIStandIn

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"


@pytest.fixture
async def hooked(tmp_path: Path) -> AsyncIterator[WebhookBot]:
    async with BotAPIStandIn() as api:
        api.add_group(SECRETARIAT, "Secrétariat permanent")
        bot = WebhookBot(api, tmp_path)
        await bot.start()
        yield bot
        await bot.close()
        assert not api.errors, [(c.method, c.description) for c in api.errors]


async def count(bot: WebhookBot, model: type) -> int:
    async with bot.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_dossier_over_the_webhook_and_no_update_without_the_secret(
    hooked: WebhookBot,
) -> None:
    api = hooked.api
    (call,) = api.calls_of("setWebhook")
    assert call.params["url"] == f"{hooked.base}/webhook"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert {"message", "callback_query"} <= set(call.params["allowed_updates"])
    assert "inline_query" not in call.params["allowed_updates"]  # nothing handles it
    assert call.params["max_connections"] == 40 and call.params["drop_pending_updates"] is False
    assert not api.calls_of("deleteWebhook")

    forged = api.register_update({"message": hooked.user(900)._message(text="/start")})
    for secret in ("", "wrong-secret-0123456789abcdefghijklmnop"):
        assert await api.post_update(f"{hooked.base}/webhook", forged, secret=secret) == 401
    assert await count(hooked, ProcessedUpdate) == 0 and await count(hooked, Account) == 0
    assert not api.calls_of("sendMessage")

    applicant = Applicant(hooked.user(500), "fr", partners=1)
    text = await submit(applicant)
    assert "FC-" in text
    card = await wait_for_card(api)
    assert "Éclairage solaire de la Médina" in card["text"]
    assert all(200 <= status < 300 for _, status in api.webhook_answers)

    async with aiohttp.ClientSession() as client:
        async with client.get(f"{hooked.base}/metrics") as response:
            page = await response.text()
        async with client.get(f"{hooked.base}/healthz") as response:
            assert response.status == 200
        async with client.get(f"{hooked.base}/readyz") as response:
            assert response.status == 200 and (await response.json())["migrations"] is True
    assert 'bot_updates_total{kind="callback_query",outcome="handled"}' in page
    assert 'bot_outbox_deliveries_total{result="sent"}' in page
    assert "bot_outbox_pending " in page and "bot_emergencies_open " in page
    assert "bot_update_handling_seconds_bucket" in page
    assert WEBHOOK_SECRET not in page and api.token not in page and "Awa" not in page


def test_webhook_settings_are_checked_in_one_line() -> None:
    base = {"_env_file": None, "bot_token": TOKEN, "bot_mode": "webhook"}
    bad = ["short", "x" * 40 + "!", "é" * 40]
    for secret in bad:
        with pytest.raises(ValidationError) as error:
            Settings(**base, webhook_url="https://bot.example.org/webhook", webhook_secret=secret)
        line = describe_error(error.value)
        assert line.startswith("WEBHOOK_SECRET ") and secret not in line and "\n" not in line
    with pytest.raises(ValidationError) as error:
        Settings(**base)
    assert "WEBHOOK_URL" in describe_error(error.value)
    good = Settings(
        **base, webhook_url="https://b.example.org/w", webhook_secret="A-z_0" * 7, port=5000
    )
    assert good.listen_port == 5000 and "A-z_0" * 7 in good.secrets


class Proxy:
    """A TCP proxy to the database that the test stops and starts again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in list(self.pipes):
            task.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            finally:
                sink.close()

        for task in (
            asyncio.create_task(pipe(reader, up_writer)),
            asyncio.create_task(pipe(up_reader, writer)),
        ):
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL not set")
async def test_readyz_follows_the_database(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    engine = create_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
    await migrate(engine)
    runner = await start_site(health_app(Health(engine, session_factory(engine))), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as client:

            async def ready() -> tuple[int, dict]:
                async with client.get(f"http://{host}:{port}/readyz") as response:
                    return response.status, await response.json()

            assert (await ready())[0] == 200
            await proxy.stop()
            status, body = await ready()
            assert status == 503 and body["database"] is False and body["ready"] is False
            async with client.get(f"http://{host}:{port}/healthz") as response:
                assert response.status == 200  # alive, only not ready
            await proxy.start()  # the same port again
            assert await ready() == (
                200,
                {
                    "ready": True,
                    "database": True,
                    "migrations": True,
                    "redis": None,
                    "unreachable_chats": {},
                },
            )
    finally:
        await runner.cleanup()
        await engine.dispose()
        await proxy.stop()


async def test_a_slow_update_gets_503_and_still_finishes_a_failing_one_500() -> None:
    """Past `answer_within` the answer is 503 (Telegram sends it again; the update id check drops
    the copy once the first commits), never a 200 before the update is done."""
    from aiogram import Bot, Dispatcher

    from bot.telegram.webhook import CommittedRequestHandler

    finished: list[str] = []
    dp = Dispatcher()

    @dp.message()
    async def handle(message) -> None:
        if message.text == "boom":
            raise RuntimeError("handler failed")
        await asyncio.sleep(0.3)
        finished.append(message.text)

    bot = Bot(TOKEN)
    app = aiohttp.web.Application()
    CommittedRequestHandler(dp, bot, WEBHOOK_SECRET, answer_within=0.1).register(app, path="/w")
    runner = await start_site(app, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}

    def update(update_id: int, text: str) -> dict:
        chat = {"id": 5, "type": "private", "first_name": "Awa"}
        sender = {"id": 5, "is_bot": False, "first_name": "Awa"}
        message = {"message_id": update_id, "date": 0, "chat": chat, "from": sender, "text": text}
        return {"update_id": update_id, "message": message}

    try:
        async with aiohttp.ClientSession() as client:
            url = f"http://{host}:{port}/w"
            async with client.post(url, json=update(1, "slow"), headers=headers) as response:
                assert response.status == 503 and finished == []
            async with client.post(url, json=update(2, "boom"), headers=headers) as response:
                assert response.status == 500
            async with client.post(url, data=b"not json", headers=headers) as response:
                assert response.status == 400
        await asyncio.sleep(0.4)
        assert finished == ["slow"]
    finally:
        await runner.cleanup()
        await bot.session.close()
