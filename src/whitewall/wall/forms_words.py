from django import forms
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledForm, StyledModelForm
from whitewall.wall.models import WhitelistTerm, Word, WordList


class WordListForm(StyledModelForm):
    class Meta:
        model = WordList
        fields = ("name", "description", "action", "replacement", "is_active")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class WordForm(StyledModelForm):
    class Meta:
        model = Word
        fields = ("word_list", "term", "action", "note")


class WhitelistTermForm(StyledModelForm):
    class Meta:
        model = WhitelistTerm
        fields = ("term", "note")


class WordImportForm(StyledForm):
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "A .txt file with one word per line (UTF-8, with or without BOM), or an .xlsx workbook: "
            "column A the word, column B an optional action, column C an optional note."
        ),
    )


class ScreenTryForm(StyledForm):
    text = forms.CharField(
        label=_("text"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Paste a post or comment to see how the sensitive-word screening treats it."),
    )
