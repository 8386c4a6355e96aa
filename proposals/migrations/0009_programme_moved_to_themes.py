"""The programme is now ``themes.Programme`` (same table, renamed by themes 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0008_inbox_search_trigram"),
        ("themes", "0003_programmes_and_rubrics_move_here"),
        # Projects point at the programme too; they follow before it leaves this app's state.
        ("projects", "0003_programme_moved_to_themes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="proposal",
                    name="programme",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposals",
                        to="themes.programme",
                        verbose_name="programme",
                    ),
                ),
                migrations.DeleteModel(name="Programme"),
            ],
        ),
    ]
