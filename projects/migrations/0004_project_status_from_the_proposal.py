"""A project's status is read from its proposal's lifecycle (the one owner of what follows
adoption) instead of being kept in step in a column of its own."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_programme_moved_to_themes"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="project",
            name="status",
        ),
    ]
