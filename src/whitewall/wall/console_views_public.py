"""Console: who is behind a submission. The identity is shown masked; users holding ``reveal`` on
the post see it in clear one reveal at a time, each recorded in the audit trail (the same
machinery as staff personal data: ``core.views.reveal``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views import View

from whitewall.core.urls_helpers import object_url
from whitewall.core.views.generic import ObjectPermissionRequiredMixin
from whitewall.core.views.reveal import ObjectRevealView, masked_fields
from whitewall.wall.models import Post


class PostIdentityView(ObjectPermissionRequiredMixin, View):
    model = Post
    template_name = "wall/console/post_identity.html"

    def get(self, request, pk: int):
        post = get_object_or_404(self.restricted().select_related("topic", "author"), pk=pk)
        return render(
            request,
            self.template_name,
            {
                **self.model_context(),
                "object": post,
                "object_url": object_url(post),
                "on_wall": post.is_public,
                "personal_data": masked_fields(post, request.user, ["submitter_identity"]),
                "reveal_url": object_url(post, "reveal"),
            },
        )


class PostRevealView(ObjectRevealView):
    """POST field=submitter_identity: the clear identity, recorded."""

    model = Post
    fields = ("submitter_identity",)
