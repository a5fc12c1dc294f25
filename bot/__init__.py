"""The AIMF dossier assistant: a Telegram bot for AIMF Cooperation Fund applications."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
