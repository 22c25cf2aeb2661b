from django.db import migrations


def seed(apps, schema_editor):
    # The list and the rule (create the missing codes, leave existing rows alone) live in one
    # place, the service the demo and the tests use too; here it runs on the historical model.
    from whitewall.finance.services.budgets import ensure_default_categories

    ensure_default_categories(apps.get_model("finance", "BudgetCategory"))


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
