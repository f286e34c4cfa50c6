"""Sealed columns, and the transcript's search on a blind index.

What people said, answered and were sent, and the counsellors' notes, are stored
sealed (`storage.sealed`): on PostgreSQL the columns that were JSON (or VARCHAR)
become TEXT, their values kept as their JSON text; SQLite stores text in them
already. The service seals new values; `filrouge keys rotate` seals the rows
written before.

The console's search index of migration 0007 read the text itself, which is now
ciphertext: the FTS5 table and its triggers (SQLite), the generated tsvector column,
its index and ``filrouge_fold`` (PostgreSQL) go. ``transcript_word`` replaces them:
keyed hashes of the words of each entry (`storage.search`), written by the service
with each entry; a migration has no key, so the entries written before are indexed
by `filrouge keys rotate`, which seals them.

The downgrade makes 0007's index again (on the text as it then is: sealed values
are not words) and turns the columns back into JSON, which fails on sealed values
(open them first: they are not JSON).

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
# As migration 0007 made them (frozen here: a migration must not change when the code does).
_ACCENTED = (
    "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšșţťŧțùúûüũūŭůűųŵýÿŷźżž"
    "ÀÁÂÃÄÅĀĂĄÇĆĈĊČĎĐÈÉÊËĒĔĖĘĚĜĞĠĢĤĦÌÍÎÏĨĪĬĮİĴĶĹĻĽĿŁÑŃŅŇÒÓÔÕÖØŌŎŐŔŖŘŚŜŞŠȘŢŤŦȚÙÚÛÜŨŪŬŮŰŲŴÝŸŶŹŻŽ"
)
_PLAIN = (
    "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssssttttuuuuuuuuuuwyyyzzz"
    "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssssttttuuuuuuuuuuwyyyzzz"
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP INDEX ix_transcript_entry_search")
        op.execute("ALTER TABLE transcript_entry DROP COLUMN search_vector")
        op.execute("DROP FUNCTION filrouge_fold(text)")
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
    else:
        op.execute("DROP TRIGGER transcript_search_insert")
        op.execute("DROP TRIGGER transcript_search_delete")
        op.execute("DROP TABLE transcript_search")
    op.create_table(
        "transcript_word",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "digest", "entry_id", name=op.f("pk_transcript_word")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("transcript_word")
    if op.get_bind().dialect.name != "postgresql":
        _sqlite_index()
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


def _sqlite_index() -> None:
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
