"""Login throttling: failed kiosk logins per code and screen, and per screen.

The lock kept on each kiosk identity (failed_attempts, locked_until) goes: it
told from outside which codes exist, and anyone could keep a person out.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("code_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("wait_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_index(
        op.f("ix_login_throttle_code_key"), "login_throttle", ["code_key"], unique=False
    )
    with op.batch_alter_table("channel_identity") as table:
        table.drop_column("locked_until")
        table.drop_column("failed_attempts")


def downgrade() -> None:
    with op.batch_alter_table("channel_identity") as table:
        table.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f("ix_login_throttle_code_key"), table_name="login_throttle")
    op.drop_table("login_throttle")
