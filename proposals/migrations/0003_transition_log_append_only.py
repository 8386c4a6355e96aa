"""Make the transition log append-only in the database itself.

Model code already refuses to update or delete a log row; these triggers make the database
refuse too. PostgreSQL refuses UPDATE and DELETE (TRUNCATE, which test isolation uses, fires no
row trigger). SQLite refuses UPDATE only: Django empties SQLite tables between transactional
tests with DELETE, which a delete trigger would block; the embedded database is for one desk
on one machine, and the model and queryset still refuse deletes there.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION proposals_transition_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'proposals_proposaltransition is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER proposals_transition_no_update BEFORE UPDATE OR DELETE
    ON proposals_proposaltransition FOR EACH ROW
    EXECUTE FUNCTION proposals_transition_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS proposals_transition_no_update ON proposals_proposaltransition;
DROP FUNCTION IF EXISTS proposals_transition_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER proposals_transition_no_update BEFORE UPDATE
       ON proposals_proposaltransition
       BEGIN SELECT RAISE(ABORT, 'proposals_proposaltransition is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS proposals_transition_no_update;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
