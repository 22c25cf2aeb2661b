# Joins the wall's parallel migration branches (public wall, sensitive words, review, plan).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wall", "0002_merge_words_wallpub"),
        ("wall", "0004_merge_plan_review"),
    ]

    operations = []
