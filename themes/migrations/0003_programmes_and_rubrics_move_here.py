"""Programmes (from proposals) and rubrics with their criteria (from reviews) belong to themes.

A call names its programme and the rubric its proposals are judged on, so both are part of
what the city invites proposals for; keeping them in the apps above made themes depend on
proposals and reviews. The models move in Django's state only: their tables keep their rows
and are renamed in the next migration, so no data is copied.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0002_calls_documents_questions"),
        ("proposals", "0008_inbox_search_trigram"),
        ("reviews", "0003_default_rubric"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Programme",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "name_en",
                            models.CharField(max_length=150, verbose_name="name in English"),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "description_en",
                            models.TextField(blank=True, verbose_name="description in English"),
                        ),
                        (
                            "allows_sole_proprietors",
                            models.BooleanField(
                                default=True, verbose_name="sole proprietors may propose"
                            ),
                        ),
                        (
                            "startups_only",
                            models.BooleanField(default=False, verbose_name="startups only"),
                        ),
                        (
                            "review_required",
                            models.BooleanField(
                                default=False,
                                help_text="Themed calls always require a review; always-open proposals only if set here.",
                                verbose_name="scored review required before adoption",
                            ),
                        ),
                        (
                            "is_active",
                            models.BooleanField(default=True, verbose_name="accepting proposals"),
                        ),
                        (
                            "sort_order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="order"),
                        ),
                    ],
                    options={
                        "verbose_name": "programme",
                        "verbose_name_plural": "programmes",
                        "ordering": ["sort_order", "code"],
                        "db_table": "proposals_programme",
                    },
                ),
                migrations.CreateModel(
                    name="Rubric",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "name_en",
                            models.CharField(
                                blank=True, max_length=150, verbose_name="name in English"
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "scale_min",
                            models.PositiveSmallIntegerField(
                                default=1, verbose_name="lowest score"
                            ),
                        ),
                        (
                            "scale_max",
                            models.PositiveSmallIntegerField(
                                default=5, verbose_name="highest score"
                            ),
                        ),
                        (
                            "is_default",
                            models.BooleanField(
                                default=False,
                                help_text="Used when a proposal's themed call names no rubric.",
                                verbose_name="default for always-open proposals",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "rubric",
                        "verbose_name_plural": "rubrics",
                        "ordering": ["name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("scale_max__gt", models.F("scale_min"))),
                                name="rubric_scale_ordered",
                                violation_error_message="The highest score must be above the lowest.",
                            )
                        ],
                        "db_table": "reviews_rubric",
                    },
                ),
                migrations.CreateModel(
                    name="Criterion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "name_en",
                            models.CharField(
                                blank=True, max_length=150, verbose_name="name in English"
                            ),
                        ),
                        (
                            "description",
                            models.TextField(blank=True, verbose_name="what reviewers look for"),
                        ),
                        (
                            "weight",
                            models.DecimalField(
                                decimal_places=2,
                                default=1,
                                max_digits=5,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="weight",
                            ),
                        ),
                        (
                            "sort_order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="order"),
                        ),
                        (
                            "rubric",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="criteria",
                                to="themes.rubric",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "criterion",
                        "verbose_name_plural": "criteria",
                        "ordering": ["rubric", "sort_order", "pk"],
                        "db_table": "reviews_criterion",
                    },
                ),
                migrations.AlterField(
                    model_name="theme",
                    name="programme",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="themes",
                        to="themes.programme",
                        verbose_name="programme",
                    ),
                ),
                migrations.AlterField(
                    model_name="theme",
                    name="rubric",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="themes",
                        to="themes.rubric",
                        verbose_name="rubric",
                    ),
                ),
            ],
        ),
    ]
