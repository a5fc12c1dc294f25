"""The HTTP side: /healthz, /readyz, /metrics, and in webhook mode Telegram's endpoint.

Webhook mode serves all four on WEBHOOK_HOST:PORT|WEBHOOK_PORT; polling mode serves the first
three on METRICS_PORT when it is set. `serve` runs until SIGTERM/SIGINT, then stops taking
requests, lets the updates in progress finish (the dispatcher's shutdown: `InflightMiddleware`
drains, the workers release their claims) and returns within the grace period.
"""

import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot import metrics
from bot.services.health import Health
from bot.telegram.webhook import CommittedRequestHandler

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT = 28.0  # aiohttp's wait for open requests, after the dispatcher's own drain

HEALTH_KEY = web.AppKey("health", Health)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    state = await request.app[HEALTH_KEY].readiness()
    body = {
        "ready": state.ready,
        "database": state.database,
        "migrations": state.migrations,
        "redis": state.redis,
        # A staff chat that refuses the bot (removed from the group): its cards wait (and the
        # admins were paged). Reported here; the process is still ready to serve updates.
        "unreachable_chats": state.unreachable,
    }
    return web.json_response(body, status=200 if state.ready else 503)


async def metrics_page(request: web.Request) -> web.Response:
    try:
        figures = await request.app[HEALTH_KEY].figures()
    except Exception as error:  # the counters are still worth reading
        log.warning("metrics: database figures unavailable", extra={"error": type(error).__name__})
    else:
        metrics.OUTBOX_DEPTH.set(figures.outbox_pending)
        metrics.OUTBOX_OLDEST.set(figures.outbox_oldest_seconds)
        metrics.OPEN_EMERGENCIES.set(figures.open_emergencies)
    body, content_type = metrics.exposition()
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type
    return response


def health_app(health: Health) -> web.Application:
    app = web.Application()
    app[HEALTH_KEY] = health
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    return app


def webhook_app(
    health: Health, dispatcher: Dispatcher, bot: Bot, path: str, secret: str
) -> web.Application:
    """Health routes plus Telegram's endpoint; the dispatcher starts and stops with the app."""
    app = health_app(health)
    # First the dispatcher's shutdown (drain the updates, stop the workers), then the bot's
    # session: aiohttp runs on_shutdown callbacks in order.
    setup_application(app, dispatcher, bot=bot)
    CommittedRequestHandler(dispatcher, bot, secret, bots=[bot]).register(app, path=path)
    return app


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("http server listening", extra={"host": host, "port": port})
    return runner


async def until_signal() -> None:
    """Returns at SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    log.info("stopping: no new updates, finishing those in progress")


async def serve_webhook(app: web.Application, host: str, port: int) -> None:
    runner = await start_site(app, host, port)
    try:
        await until_signal()
    finally:
        await runner.cleanup()
