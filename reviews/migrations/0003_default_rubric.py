"""The default rubric for always-open proposals: Fukuoka's six criteria (福岡市実証実験フルサポート
事業の評価基準), equal weights, scored 1–5."""

from django.db import migrations

NAME = "福岡市実証実験フルサポート評価基準"
CRITERIA = [
    ("社会性", "Social value", "社会課題の解決や市民生活の質の向上につながるか。"),
    ("先進性", "Advancement", "先端技術や新しい発想を用いた取り組みか。"),
    ("安全性", "Safety", "市民や利用者の安全が確保されているか。"),
    (
        "実証可能性",
        "Feasibility of the demonstration",
        "実施体制・計画・費用の面で実証実験を確実に行えるか。",
    ),
    ("市場性", "Market potential", "製品・サービスに市場性や需要が見込めるか。"),
    (
        "事業化可能性",
        "Commercialisation potential",
        "実証後の事業化・社会実装の道筋が描けているか。",
    ),
]


def create_default(apps, schema_editor):
    Rubric = apps.get_model("reviews", "Rubric")
    Criterion = apps.get_model("reviews", "Criterion")
    if Rubric.objects.filter(name=NAME).exists():
        return
    has_default = Rubric.objects.filter(is_default=True).exists()
    rubric = Rubric.objects.create(
        name=NAME,
        name_en="Fukuoka demonstration full-support criteria",
        description="福岡市実証実験フルサポート事業の審査項目（各項目1〜5点、同じ重み）。",
        scale_min=1,
        scale_max=5,
        is_default=not has_default,
    )
    for order, (name, name_en, description) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(
            rubric=rubric,
            name=name,
            name_en=name_en,
            description=description,
            weight=1,
            sort_order=order,
        )


def remove_default(apps, schema_editor):
    Rubric = apps.get_model("reviews", "Rubric")
    Criterion = apps.get_model("reviews", "Criterion")
    Score = apps.get_model("reviews", "Score")
    for rubric in Rubric.objects.filter(name=NAME):
        if not Score.objects.filter(criterion__rubric=rubric).exists():
            Criterion.objects.filter(rubric=rubric).delete()
            rubric.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_rubrics_scores"),
    ]

    operations = [
        migrations.RunPython(create_default, remove_default),
    ]
