"""Give the moved tables this app's names, and move their content types (and with them the
admin's permissions and history) to this app."""

from django.db import migrations

MOVED = [("proposals", "programme"), ("reviews", "rubric"), ("reviews", "criterion")]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old_app, model in MOVED:
        if ContentType.objects.using(db).filter(app_label="themes", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=old_app, model=model).update(
            app_label="themes"
        )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old_app, model in MOVED:
        ContentType.objects.using(db).filter(app_label="themes", model=model).update(
            app_label=old_app
        )


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0003_programmes_and_rubrics_move_here"),
        ("proposals", "0009_programme_moved_to_themes"),
        ("reviews", "0004_rubrics_moved_to_themes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="programme", table=None),
        migrations.AlterModelTable(name="rubric", table=None),
        migrations.AlterModelTable(name="criterion", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
