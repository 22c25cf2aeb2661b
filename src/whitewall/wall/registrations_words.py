"""Sensitive words' part of the registries: grants, menu, API, demo data, clause check, and the
receivers that bump the word-list version whatever door a change came through."""

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu


def _changed(sender, **kwargs):
    from whitewall.wall.screening.cache import mark_changed

    mark_changed()


def register() -> None:
    from whitewall.wall.models import WhitelistTerm, Word, WordList

    for model in (WordList, Word, WhitelistTerm):
        post_save.connect(_changed, sender=model, dispatch_uid=f"wall-words-changed-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"wall-words-changed-delete-{model.__name__}"
        )

    # Operations managers and content reviewers maintain the lists; operators and auditors read.
    grants = {"operations_manager": ALL, "content_reviewer": ALL, "operator": READ, "auditor": READ}
    for label in ("wall.wordlist", "wall.word", "wall.whitelistterm"):
        register_grants(label, grants)

    register_menu(
        "wall",
        gettext_lazy("Content operations"),
        "megaphone",
        weight=20,
        items=[
            MenuItem(
                gettext_lazy("Sensitive words"),
                "wall:wordlist_list",
                "wall.view_wordlist",
                "shield-exclamation",
            ),
            MenuItem(
                gettext_lazy("Whitelist"),
                "wall:whitelistterm_list",
                "wall.view_whitelistterm",
                "check2-square",
            ),
            MenuItem(gettext_lazy("Screening test"), "wall:words_try", "wall.view_wordlist", "search"),
        ],
    )

    from whitewall.core.api.registry import register_api
    from whitewall.wall import api_words

    register_api("wall/word-lists", api_words.WordListViewSet)
    register_api("wall/words", api_words.WordViewSet)
    register_api("wall/whitelist", api_words.WhitelistTermViewSet)
    register_api("wall/screen", api_words.ScreenViewSet, basename="wall-screen")

    from whitewall.wall.demo_words import seed_words

    register_seeder("wall_words", seed_words, weight=40)

    from whitewall.wall import checks_words  # noqa: F401  (registers the 1.3.1 check)
