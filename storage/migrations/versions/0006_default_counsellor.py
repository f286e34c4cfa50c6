"""A facility's default counsellor: the one a new person of the facility is assigned to.

``counsellor.default_for_facility`` marks at most one enabled counsellor per
facility (kept so by ``storage.counsellors.set_default_counsellor``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("counsellor") as table:
        table.add_column(
            sa.Column(
                "default_for_facility", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("counsellor") as table:
        table.drop_column("default_for_facility")
