from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.wall import views_words as views

urlpatterns = [
    *crud_paths(
        "word-lists",
        "wordlist",
        list=views.WordListListView,
        detail=views.WordListDetailView,
        add=views.WordListEditView,
        edit=views.WordListEditView,
        delete=views.WordListDeleteView,
    ),
    path("word-lists/<int:pk>/import/", views.WordListImportView.as_view(), name="wordlist_import"),
    path("word-lists/<int:pk>/export/<str:fmt>/", views.WordListExportView.as_view(), name="wordlist_export"),
    *crud_paths(
        "words",
        "word",
        list=views.WordListView,
        detail=views.WordDetailView,
        add=views.WordEditView,
        edit=views.WordEditView,
        delete=views.WordDeleteView,
    ),
    *crud_paths(
        "whitelist",
        "whitelistterm",
        list=views.WhitelistTermListView,
        detail=views.WhitelistTermDetailView,
        add=views.WhitelistTermEditView,
        edit=views.WhitelistTermEditView,
        delete=views.WhitelistTermDeleteView,
    ),
    path("screening/", views.ScreenTryView.as_view(), name="words_try"),
]
