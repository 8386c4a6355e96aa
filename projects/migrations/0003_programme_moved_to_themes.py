"""The programme is now ``themes.Programme`` (same table, renamed by themes 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_fields"),
        ("themes", "0003_programmes_and_rubrics_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="project",
                    name="programme",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="projects",
                        to="themes.programme",
                        verbose_name="programme",
                    ),
                ),
            ],
        ),
    ]
