"""The counsellors' console: sessions, notes, lock-out, release date, follow-up end,
erasure, transcript search, an append-only audit log.

* ``console_session``: a counsellor logged in (only the SHA-256 of the token).
* ``counsellor_note``: private notes on a person, never shown to them.
* ``counsellor.failed_logins`` / ``locked_until``: lock-out after wrong passwords.
* ``person.release_planned_on`` / ``followup_ended_at`` / ``erased_at``.
* ``transcript_entry``: the index on ``person_id`` becomes ``(person_id, id)``, which
  also gives a person's latest entries in order (PostgreSQL needs the id in it).
* Search, accents folded, outside the models (``storage.search``): on SQLite a
  contentless FTS5 table ``transcript_search(who, text)`` kept by triggers; on
  PostgreSQL an IMMUTABLE function ``filrouge_fold`` (``translate`` + ``lower``, no
  extension needed) and a generated ``search_vector`` column with a GIN index.
  Existing entries are indexed here.
* ``audit_event`` is append-only: triggers refuse UPDATE and DELETE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The letters folded by filrouge_fold (PostgreSQL), as storage.search describes them;
# SQLite's unicode61 tokenizer folds the same (remove_diacritics 2). Frozen here: a
# migration must not change when the code does.
_ACCENTED = (
    "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšșţťŧțùúûüũūŭůűųŵýÿŷźżž"
    "ÀÁÂÃÄÅĀĂĄÇĆĈĊČĎĐÈÉÊËĒĔĖĘĚĜĞĠĢĤĦÌÍÎÏĨĪĬĮİĴĶĹĻĽĿŁÑŃŅŇÒÓÔÕÖØŌŎŐŔŖŘŚŜŞŠȘŢŤŦȚÙÚÛÜŨŪŬŮŰŲŴÝŸŶŹŻŽ"
)
_PLAIN = (
    "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssssttttuuuuuuuuuuwyyyzzz"
    "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssssttttuuuuuuuuuuwyyyzzz"
)
_APPEND_ONLY = "audit_event is append-only: its rows are never changed nor deleted"


def upgrade() -> None:
    op.create_table(
        "console_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellor.id"],
            name=op.f("fk_console_session_counsellor_id_counsellor"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_session_token_hash")),
    )
    op.create_index(op.f("ix_console_session_counsellor_id"), "console_session", ["counsellor_id"])
    op.create_table(
        "counsellor_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellor.id"],
            name=op.f("fk_counsellor_note_counsellor_id_counsellor"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_counsellor_note_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_note")),
    )
    op.create_index(op.f("ix_counsellor_note_person_id"), "counsellor_note", ["person_id"])

    with op.batch_alter_table("counsellor") as table:
        table.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("person") as table:
        table.add_column(sa.Column("release_planned_on", sa.Date(), nullable=True))
        table.add_column(sa.Column("followup_ended_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))

    op.create_index(
        "ix_transcript_entry_person_id_id", "transcript_entry", ["person_id", "id"], unique=False
    )
    op.drop_index("ix_transcript_entry_person_id", table_name="transcript_entry")

    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE transcript_search USING fts5("
        "who, text, content='', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER transcript_search_insert AFTER INSERT ON transcript_entry BEGIN "
        "INSERT INTO transcript_search(rowid, who, text) "
        "VALUES (new.id, 'p' || new.person_id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER transcript_search_delete AFTER DELETE ON transcript_entry BEGIN "
        "INSERT INTO transcript_search(transcript_search, rowid, who, text) "
        "VALUES ('delete', old.id, 'p' || old.person_id, old.text); END"
    )
    op.execute(
        "INSERT INTO transcript_search(rowid, who, text) "
        "SELECT id, 'p' || person_id, text FROM transcript_entry"
    )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


def _postgresql_upgrade() -> None:
    op.execute(
        "CREATE FUNCTION filrouge_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
        f"PARALLEL SAFE AS $$ SELECT lower(translate($1, '{_ACCENTED}', '{_PLAIN}')) $$"
    )
    op.execute(
        "ALTER TABLE transcript_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple'::regconfig, filrouge_fold(text))) STORED"
    )
    op.execute(
        "CREATE INDEX ix_transcript_entry_search ON transcript_entry USING gin (search_vector)"
    )
    op.execute(
        "CREATE FUNCTION filrouge_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION filrouge_audit_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION filrouge_audit_append_only()")
        op.execute("DROP INDEX ix_transcript_entry_search")
        op.execute("ALTER TABLE transcript_entry DROP COLUMN search_vector")
        op.execute("DROP FUNCTION filrouge_fold(text)")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
        op.execute("DROP TRIGGER transcript_search_insert")
        op.execute("DROP TRIGGER transcript_search_delete")
        op.execute("DROP TABLE transcript_search")

    op.create_index(
        "ix_transcript_entry_person_id", "transcript_entry", ["person_id"], unique=False
    )
    op.drop_index("ix_transcript_entry_person_id_id", table_name="transcript_entry")
    # The tables that point at counsellor and person go first: SQLite copies those two
    # to drop their columns.
    op.drop_index(op.f("ix_counsellor_note_person_id"), table_name="counsellor_note")
    op.drop_table("counsellor_note")
    op.drop_index(op.f("ix_console_session_counsellor_id"), table_name="console_session")
    op.drop_table("console_session")
    with op.batch_alter_table("person") as table:
        table.drop_column("erased_at")
        table.drop_column("followup_ended_at")
        table.drop_column("release_planned_on")
    with op.batch_alter_table("counsellor") as table:
        table.drop_column("locked_until")
        table.drop_column("failed_logins")
