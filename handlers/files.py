"""Downloading a file a person sent, as bytes."""

import io

from aiogram import Bot


async def download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, destination=buffer)
    return buffer.getvalue()
