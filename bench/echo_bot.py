"""`python -m bench.echo_bot`: a bare aiogram bot, the reference of the HTTP benchmark.

It is run exactly like the dossier bot (same environment variables: BOT_TOKEN, BOT_API_URL,
BOT_MODE, WEBHOOK_*): a text is echoed with one button, a press of that button is answered and
echoed too. No database, no middleware: what any aiogram bot pays for the same HTTP traffic.
"""

import asyncio
import os
import signal

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="◀ Back", callback_data="back")]]
)


def dispatcher() -> Dispatcher:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "", reply_markup=KEYBOARD)

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()
        if query.message is not None:
            await query.message.answer(query.data or "", reply_markup=KEYBOARD)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def main() -> None:
    env = os.environ
    session = AiohttpSession(api=TelegramAPIServer.from_base(env["BOT_API_URL"]))
    bot = Bot(env["BOT_TOKEN"], session=session)
    dp = dispatcher()
    if env.get("BOT_MODE", "polling") != "webhook":
        await bot.delete_webhook()
        await dp.start_polling(bot, handle_signals=True)
        return
    secret = env["WEBHOOK_SECRET"]

    async def on_startup() -> None:
        await bot.set_webhook(
            env["WEBHOOK_URL"],
            secret_token=secret,
            allowed_updates=dp.resolve_used_update_types(),
        )

    dp.startup.register(on_startup)
    app = web.Application()
    setup_application(app, dp, bot=bot)
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token=secret).register(
        app, path=env.get("WEBHOOK_PATH", "/webhook")
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(env["WEBHOOK_PORT"])).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
