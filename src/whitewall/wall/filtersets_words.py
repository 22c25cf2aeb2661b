import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.core.filtersets import BaseFilterSet
from whitewall.wall.models import ScreenAction, WhitelistTerm, Word, WordList


class WordListFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    action = django_filters.ChoiceFilter(
        choices=ScreenAction.choices, label=pgettext_lazy("sensitive words", "action")
    )
    is_active = django_filters.BooleanFilter(label=pgettext_lazy("sensitive words", "active"))

    class Meta:
        model = WordList
        fields = ("q", "action", "is_active")


class WordFilterSet(BaseFilterSet):
    search_fields = ("term", "normalized", "note")
    word_list = django_filters.ModelChoiceFilter(queryset=WordList.objects.all(), label=_("word list"))
    action = django_filters.ChoiceFilter(choices=ScreenAction.choices, label=_("action override"))

    class Meta:
        model = Word
        fields = ("q", "word_list", "action")


class WhitelistTermFilterSet(BaseFilterSet):
    search_fields = ("term", "normalized", "note")

    class Meta:
        model = WhitelistTerm
        fields = ("q",)
