"""The wall's console pages, mounted at ``console/wall/`` under the ``wall`` namespace (URL names
``wall:<model>_<action>`` as everywhere). Each part of the wall adds its own URL module here."""

from django.urls import path

from whitewall.wall import console_views_public, urls_words

app_name = "wall"

urlpatterns = [
    *urls_words.urlpatterns,
    path("posts/<int:pk>/identity/", console_views_public.PostIdentityView.as_view(), name="post_identity"),
    path("posts/<int:pk>/reveal/", console_views_public.PostRevealView.as_view(), name="post_reveal"),
]
