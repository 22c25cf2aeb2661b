"""Plumbing: any saved change to a post that is or was on the wall bumps the wall's cache version;
any saved change to a comment bumps its post's version (the post page and its fragments).

Services bump the version themselves too; this receiver makes sure that no path (a reviewer's
take-down, the publishing job, an edit in the admin) can leave a stale page in the cache. Inside
``cache.bumps_once()`` (the publishing job) the bumps of a whole run become one.
"""

from django.db import transaction

from whitewall.wall.cache import bump_post_version, bump_wall_version_on_commit

# Statuses whose posts never appeared on the wall: saving them changes nothing a visitor sees.
UNSEEN = frozenset({"draft", "pending", "second_review", "sent_back", "rejected", "approved", "scheduled"})


def post_saved(sender, instance, **kwargs):
    if instance.status not in UNSEEN or instance.published_at is not None:
        bump_wall_version_on_commit()


def post_deleted(sender, instance, **kwargs):
    if instance.status not in UNSEEN:
        bump_wall_version_on_commit()


def comment_saved(sender, instance, created, **kwargs):
    # A new comment waiting for review is seen only by its author, whose list is never cached.
    if not (created and instance.status == "pending"):
        post_pk = instance.post_id
        transaction.on_commit(lambda: bump_post_version(post_pk))


def comment_deleted(sender, instance, **kwargs):
    post_pk = instance.post_id
    transaction.on_commit(lambda: bump_post_version(post_pk))
