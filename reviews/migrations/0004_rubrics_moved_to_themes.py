"""Rubrics and criteria are now ``themes.Rubric`` and ``themes.Criterion`` (same tables,
renamed by themes 0004); scores stay here and point at them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_default_rubric"),
        ("themes", "0003_programmes_and_rubrics_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="score",
                    name="criterion",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scores",
                        to="themes.criterion",
                    ),
                ),
                migrations.DeleteModel(name="Criterion"),
                migrations.DeleteModel(name="Rubric"),
            ],
        ),
    ]
