# The wall's posts (0001_posts and what follows) and its sensitive-word lists (0001_initial) were
# started apart; this joins the two histories. No operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wall", "0001_initial"),
        ("wall", "0002_review_flag_second_review"),
    ]

    operations = []
