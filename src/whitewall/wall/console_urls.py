"""The wall's console pages, mounted at ``console/wall/`` under the ``wall`` namespace (URL names
``wall:<model>_<action>`` as everywhere). Each part of the wall adds its own URL module here."""

from whitewall.wall import urls_words

app_name = "wall"

urlpatterns = [
    *urls_words.urlpatterns,
]
