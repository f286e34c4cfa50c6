"""Appointments, their history, their reminders, and the flags counsellors look at.

* ``appointment``: what, when (UTC), where, with whom, what to bring, who entered
  it, where it stands (``status``) and how many times it moved (``sequence``).
* ``appointment_change``: every change of an appointment, append-only.
* ``reminder``: each reminder as a row, due at ``not_before``; a partial index
  on the ones still to do keeps the worker's query as fast on years of history
  as on a new database.
* ``flag``: what a counsellor must look at; a partial index on the open ones.

Written by hand (following 0003), checked by tests/storage/test_migrations.py on
SQLite and PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("planned", "confirmed", "cannot_come", "cancelled", "done", "missed")
_PENDING = "done_at IS NULL"
_OPEN = "dealt_at IS NULL"


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _status() -> sa.Enum:
    return sa.Enum(*_STATUSES, name="appointmentstatus", native_enum=False, length=16)


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(16), nullable=False),
        _moment("start_at", nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("place", _text(200), nullable=False),
        sa.Column("address", _text(300), nullable=False),
        sa.Column("directions", _text(500), nullable=False),
        sa.Column("with_whom", _text(200), nullable=False),
        sa.Column("bring", _text(500), nullable=False),
        sa.Column("inside", sa.Boolean(), nullable=False),
        sa.Column(
            "origin",
            sa.Enum("counsellor", "person", "import", name="origin", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_by", _text(100), nullable=True),
        sa.Column("status", _status(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_appointment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
    )
    op.create_index(op.f("ix_appointment_person_id"), "appointment", ["person_id"], unique=False)

    op.create_table(
        "appointment_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        _moment("at", nullable=False),
        sa.Column("status", _status(), nullable=False),
        _moment("start_at", nullable=False),
        sa.Column("actor_kind", _text(32), nullable=False),
        sa.Column("actor_id", _text(100), nullable=True),
        sa.Column("note", _text(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_appointment_change_appointment_id_appointment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_change")),
    )
    op.create_index(
        op.f("ix_appointment_change_appointment_id"),
        "appointment_change",
        ["appointment_id"],
        unique=False,
    )

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("label", _text(16), nullable=False),
        _moment("due_at", nullable=False),
        _moment("not_before", nullable=False),
        _moment("created_at", nullable=False),
        _moment("done_at", nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "sent",
                "dropped",
                "cancelled",
                "failed",
                name="reminderoutcome",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("detail", _text(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_reminder_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_reminder_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
    )
    op.create_index(
        op.f("ix_reminder_appointment_id"), "reminder", ["appointment_id"], unique=False
    )
    op.create_index(op.f("ix_reminder_person_id"), "reminder", ["person_id"], unique=False)
    op.create_index(
        "ix_reminder_due",
        "reminder",
        ["not_before"],
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )

    op.create_table(
        "flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "counsellor",
                "distress",
                "cannot_come",
                "missed",
                "unreachable",
                name="flagreason",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        _moment("at", nullable=False),
        _moment("last_at", nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _moment("dealt_at", nullable=True),
        sa.Column("dealt_by", _text(100), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointment.id"], name=op.f("fk_flag_appointment_id_appointment")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_flag_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag")),
    )
    op.create_index(op.f("ix_flag_person_id"), "flag", ["person_id"], unique=False)
    op.create_index(
        "ix_flag_open",
        "flag",
        ["at"],
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_flag_open", table_name="flag")
    op.drop_index(op.f("ix_flag_person_id"), table_name="flag")
    op.drop_table("flag")
    op.drop_index("ix_reminder_due", table_name="reminder")
    op.drop_index(op.f("ix_reminder_person_id"), table_name="reminder")
    op.drop_index(op.f("ix_reminder_appointment_id"), table_name="reminder")
    op.drop_table("reminder")
    op.drop_index(op.f("ix_appointment_change_appointment_id"), table_name="appointment_change")
    op.drop_table("appointment_change")
    op.drop_index(op.f("ix_appointment_person_id"), table_name="appointment")
    op.drop_table("appointment")
