"""Sealed columns: what people said, answered and were sent is stored as sealed text.

On PostgreSQL the columns that were JSON (or VARCHAR) become TEXT, their values
kept as their JSON text; the service seals new values (`storage.sealed`), and
`filrouge keys rotate` seals the rows written before. SQLite stores text in these
columns already: nothing to change there.

The downgrade turns the columns back into JSON; it fails on sealed values (open
them first: they are not JSON).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_COLUMNS = (
    ("conversation_state", "data"),
    ("transcript_entry", "payload"),
    ("outbox", "payload"),
    ("outbox", "entry"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in JSON_COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.Text(),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using=f"{column}::text",
        )
    op.alter_column(
        "transcript_entry",
        "text",
        type_=sa.Text(),
        existing_type=sa.String(),
        existing_nullable=False,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "transcript_entry",
        "text",
        type_=sa.String(),
        existing_type=sa.Text(),
        existing_nullable=False,
    )
    for table, column in JSON_COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.JSON(),
            existing_type=sa.Text(),
            existing_nullable=False,
            postgresql_using=f"{column}::json",
        )
