"""Sensitive words (clause 1.3.1): word lists with an action, their words, and the whitelist.

The screener (``whitewall.wall.screening``) matches the normalised form of every word of every
active list against normalised text; a whitelisted term is never reported, and a hit that lies
wholly inside a whitelisted span is dropped.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.core.models import BaseModel

__all__ = ["MAX_TERM_LENGTH", "ScreenAction", "WhitelistTerm", "Word", "WordList"]

MAX_TERM_LENGTH = 100


class ScreenAction(models.TextChoices):
    """What a hit does to the text, weakest first (the strongest action of all hits wins)."""

    FLAG = "flag", _("Flag")
    REPLACE = "replace", _("Replace")
    REVIEW = "review", _("Require review")
    BLOCK = "block", _("Block")


# Strength of each action: block > review > replace > flag (> pass).
ACTION_STRENGTH = {"pass": 0, "flag": 1, "replace": 2, "review": 3, "block": 4}


def _normalized_or_error(term: str, field: str) -> str:
    from whitewall.wall.screening.normalize import normalize

    normalized = normalize(term)
    if not normalized:
        raise ValidationError(
            {
                field: _(
                    "The term has no letters or characters left after normalisation (only spaces or symbols)."
                )
            }
        )
    return normalized


class WordList(BaseModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    action = models.CharField(
        pgettext_lazy("sensitive words", "action"), max_length=10, choices=ScreenAction.choices
    )
    replacement = models.CharField(
        _("replacement"),
        max_length=50,
        blank=True,
        help_text=_("For the replace action: the text put in place of a hit; empty masks it with *."),
    )
    is_active = models.BooleanField(pgettext_lazy("sensitive words", "active"), default=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up with every change to the list or its words."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("word list")
        verbose_name_plural = _("word lists")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.replacement and self.action != ScreenAction.REPLACE:
            raise ValidationError(
                {"replacement": _("A replacement is used only by lists whose action is “replace”.")}
            )


class Word(BaseModel):
    word_list = models.ForeignKey(
        WordList, verbose_name=_("word list"), on_delete=models.CASCADE, related_name="words"
    )
    term = models.CharField(_("term"), max_length=MAX_TERM_LENGTH)
    normalized = models.CharField(_("normalised form"), max_length=MAX_TERM_LENGTH, editable=False)
    action = models.CharField(
        _("action override"),
        max_length=10,
        choices=ScreenAction.choices,
        blank=True,
        help_text=_("Leave empty to use the list's action."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ("word_list", "term")
        constraints = [
            models.UniqueConstraint(fields=("word_list", "normalized"), name="wall_word_unique_in_list"),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def effective_action(self) -> str:
        return self.action or self.word_list.action

    @property
    def effective_action_label(self) -> str:
        return str(ScreenAction(self.effective_action).label)

    def clean(self):
        super().clean()
        self.term = (self.term or "").strip()
        if not self.term:
            return  # the required-field error names it
        self.normalized = _normalized_or_error(self.term, "term")
        if self.word_list_id:
            duplicates = Word.objects.filter(word_list_id=self.word_list_id, normalized=self.normalized)
            if self.pk:
                duplicates = duplicates.exclude(pk=self.pk)
            other = duplicates.first()
            if other is not None:
                raise ValidationError(
                    {
                        "term": _("This list already has “%(term)s”, which reads the same.")
                        % {"term": other.term}
                    }
                )

    def save(self, *args, **kwargs):
        from whitewall.wall.screening.normalize import normalize

        self.normalized = normalize(self.term.strip())
        super().save(*args, **kwargs)


class WhitelistTerm(BaseModel):
    term = models.CharField(_("term"), max_length=MAX_TERM_LENGTH)
    normalized = models.CharField(
        _("normalised form"), max_length=MAX_TERM_LENGTH, unique=True, editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("whitelisted term")
        verbose_name_plural = _("whitelist")
        ordering = ("term",)

    def __str__(self) -> str:
        return self.term

    def clean(self):
        super().clean()
        self.term = (self.term or "").strip()
        if not self.term:
            return
        self.normalized = _normalized_or_error(self.term, "term")
        duplicates = WhitelistTerm.objects.filter(normalized=self.normalized)
        if self.pk:
            duplicates = duplicates.exclude(pk=self.pk)
        other = duplicates.first()
        if other is not None:
            raise ValidationError(
                {
                    "term": _("The whitelist already has “%(term)s”, which reads the same.")
                    % {"term": other.term}
                }
            )

    def save(self, *args, **kwargs):
        from whitewall.wall.screening.normalize import normalize

        self.normalized = normalize(self.term.strip())
        super().save(*args, **kwargs)
