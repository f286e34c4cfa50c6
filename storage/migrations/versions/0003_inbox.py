"""The Telegram inbox: updates stored before they are confirmed; outbox for strangers.

* ``telegram_update`` keeps the JSON of an update (``payload``) until it is
  handled (``done_at``); rows already there were handled: they are marked done.
* ``outbox.person_id`` may be NULL: answers to someone not linked yet (how to
  link, a wrong code) go through the outbox too.
* Partial indexes on what is still to do (pending updates, due messages) keep
  those queries as fast on a year of history as on a new database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = "done_at IS NULL"
_DUE = "sent_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("telegram_update") as table:
        table.add_column(sa.Column("payload", sa.Text(), nullable=True))
        table.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE telegram_update SET done_at = at")
    op.create_index(
        "ix_telegram_update_pending",
        "telegram_update",
        ["update_id"],
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )
    op.drop_index("ix_outbox_not_before", table_name="outbox")
    with op.batch_alter_table("outbox") as table:
        table.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
    op.create_index(
        "ix_outbox_due",
        "outbox",
        ["not_before"],
        sqlite_where=sa.text(_DUE),
        postgresql_where=sa.text(_DUE),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.execute("DELETE FROM outbox WHERE person_id IS NULL")
    with op.batch_alter_table("outbox") as table:
        table.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
    op.create_index("ix_outbox_not_before", "outbox", ["not_before"], unique=False)
    op.drop_index("ix_telegram_update_pending", table_name="telegram_update")
    op.execute("DELETE FROM telegram_update WHERE done_at IS NULL")
    with op.batch_alter_table("telegram_update") as table:
        table.drop_column("done_at")
        table.drop_column("payload")
