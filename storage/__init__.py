"""Persistence: models, engine and sessions, queries per aggregate, Alembic migrations."""
