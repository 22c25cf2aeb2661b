from django.db import migrations

# code, name (data in the default language), description, sort order
CATEGORIES = [
    ("personnel", "人员费用", "工资、社保、公积金、奖金等人员成本", 10),
    ("equipment", "设备购置", "服务器、电脑、网络设备等固定资产购置", 20),
    ("operating", "日常运营", "办公用品、软件订阅、邮寄、零星服务", 30),
    ("marketing", "市场推广", "推广物料、活动、广告投放", 40),
    ("training", "培训费用", "课程、考试、培训资料", 50),
    ("travel", "差旅费用", "交通、住宿、伙食补助", 60),
]


def seed(apps, schema_editor):
    BudgetCategory = apps.get_model("finance", "BudgetCategory")
    for code, name, description, order in CATEGORIES:
        BudgetCategory.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
