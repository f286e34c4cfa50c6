"""Alembic migrations of the Fil rouge schema (run them with storage.migrate)."""
