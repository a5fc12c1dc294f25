"""The pure rules and forms: no aiogram, no SQLAlchemy, no storage (checked by import-linter)."""
