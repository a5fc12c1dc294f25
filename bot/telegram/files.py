"""A file a person sent: what its message says of it, and its bytes."""

import io

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.types import Message

from bot.domain.uploads import DownloadFailed, SentFile, file_name


def sent_file(message: Message) -> SentFile | None:
    """The document, or the largest size of the photo; None if the message has neither."""
    if message.document is not None:
        doc = message.document
        # No bidirectional controls, nothing invisible in the name.
        return SentFile(file_name(doc.file_name), doc.mime_type, doc.file_size, doc.file_id)
    if message.photo:
        photo = message.photo[-1]
        name = f"photo_{photo.file_unique_id}.jpg"
        return SentFile(name, "image/jpeg", photo.file_size, photo.file_id)
    return None


async def download(bot: Bot, file_id: str) -> bytes:
    """The file's bytes; DownloadFailed if Telegram does not give them."""
    try:
        file = await bot.get_file(file_id)
        buffer = io.BytesIO()
        await bot.download_file(file.file_path, destination=buffer)
    except (TelegramBadRequest, TelegramNetworkError) as error:
        raise DownloadFailed(too_big="too big" in str(error)) from error
    return buffer.getvalue()
