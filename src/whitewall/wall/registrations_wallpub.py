"""What the public wall contributes to the platform registries."""

from django.db.models.signals import post_delete, post_save


def register() -> None:
    from whitewall.wall.models import Post
    from whitewall.wall.signals import post_deleted, post_saved

    post_save.connect(post_saved, sender=Post, dispatch_uid="wall.cache.post_saved")
    post_delete.connect(post_deleted, sender=Post, dispatch_uid="wall.cache.post_deleted")
