# Joins the wall's parallel migration branches: sensitive words, posts (with review and plan fields).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wall", "0001_initial"),
        ("wall", "0002_plan_staffpost"),
        ("wall", "0002_review_flag_second_review"),
    ]

    operations = []
