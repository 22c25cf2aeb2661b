# The wall's posts (0001_posts) and its sensitive-word lists (0001_initial) were started apart;
# this joins the two histories on the wallpub branch. No operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wall", "0001_initial"),
        ("wall", "0001_posts"),
    ]

    operations = []
