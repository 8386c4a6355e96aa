"""A trigram index for the inbox's keyword search (PostgreSQL only).

The inbox searches ``search_text`` (lower-cased receipt number, title and summary) with
``LIKE '%word%'``; a GIN index with ``gin_trgm_ops`` answers that for words of three characters
or more. Words of one or two characters (防災, 福祉) have no trigram and are matched by a scan:
still correct, and fast enough at the desk's scale.

pg_trgm extracts trigrams from Japanese only in a database whose LC_CTYPE is UTF-8 aware
(e.g. ``C.UTF-8``); with LC_CTYPE ``C`` it skips non-ASCII characters, and the index then
cannot narrow a Japanese search down (results stay correct, only slower).

SQLite has no such index: ``LIKE`` on the ordinary table is used there.
"""

from django.db import migrations

INDEX = "proposal_search_text_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON proposals_proposal "
        "USING gin (search_text gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_back_office")]
    operations = [migrations.RunPython(forward, backward)]
