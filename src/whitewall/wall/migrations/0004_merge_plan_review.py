# Joins the publishing plan's migration (0002_plan_staffpost) with the review and sensitive-word
# histories. No operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wall", "0002_plan_staffpost"),
        ("wall", "0003_merge_words_review"),
    ]

    operations = []
