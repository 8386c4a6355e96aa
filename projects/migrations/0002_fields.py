"""The policy fields (分野) projects are listed under; the desk can add more in the admin."""

from django.db import migrations

FIELDS = [
    ("disaster", "防災・安全", "Disaster prevention and safety"),
    ("welfare", "福祉・健康・医療", "Welfare, health and medical care"),
    ("childcare", "子育て・教育", "Childcare and education"),
    ("mobility", "交通・モビリティ", "Transport and mobility"),
    ("environment", "環境・エネルギー", "Environment and energy"),
    ("tourism", "観光・文化・スポーツ", "Tourism, culture and sport"),
    ("industry", "産業・雇用", "Industry and employment"),
    ("community", "まちづくり・地域", "Urban development and communities"),
    ("digital", "行政DX・データ活用", "Digital government and data"),
    ("agriculture", "農林水産", "Agriculture, forestry and fisheries"),
]


def add_fields(apps, schema_editor):
    Field = apps.get_model("projects", "Field")
    for order, (code, name, name_en) in enumerate(FIELDS, start=1):
        Field.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
