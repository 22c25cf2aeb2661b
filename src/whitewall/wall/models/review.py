"""The second review of a post, run by the approval engine (process ``wall.second_review``).

``SecondReview`` is a proxy of ``Post``: the approval engine's document is the post itself, seen
through this class, which names the process and turns the engine's outcome into the post's status.
The wall's own review queue (``wall/services/review.py``) is not an approval flow; it submits a
post here only for a second review (design.md, clarifications).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from whitewall.approvals.mixins import Approvable

from .posts import Post

__all__ = ["SecondReview"]


class SecondReview(Approvable, Post):
    approval_process = "wall.second_review"

    class Meta:
        proxy = True
        verbose_name = _("second review of a post")
        verbose_name_plural = _("second reviews of posts")

    def get_absolute_url(self) -> str:
        return reverse("wall:review_post", kwargs={"pk": self.pk})

    def approval_title(self) -> str:
        return str(_("Second review: %(post)s") % {"post": str(self)[:150]})

    def approval_can_submit(self, user) -> bool:
        """Whoever may review posts may send one to a second review."""
        return Post.objects.restrict(user, "review").filter(pk=self.pk).exists()

    # The engine's outcome, inside its deciding transaction.
    def on_approved(self, request) -> None:
        from whitewall.wall.services.review import second_review_approved

        second_review_approved(post=self, request=request)

    def on_rejected(self, request) -> None:
        from whitewall.wall.services.review import second_review_rejected

        second_review_rejected(post=self, request=request)

    def on_sent_back(self, request) -> None:
        from whitewall.wall.services.review import second_review_sent_back

        second_review_sent_back(post=self, request=request)
