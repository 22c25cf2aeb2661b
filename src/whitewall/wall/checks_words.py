"""Clause 1.3.1 (legality): the sensitive-word screening part.

The clause asks for compliance review of content: moderation (the review queue) and sensitive-word
screening. This check proves only the screening part, so it is never green on its own: amber when
screening is in place (at least one active list with words) while content moderation is not
built, red when nothing is screened. The clause's check is registered in ``wall/checks.py``,
which combines this part with review in place.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from whitewall.regulation.checks import CheckResult, Status


def sensitive_word_screening() -> CheckResult:
    from whitewall.wall.models import WhitelistTerm, Word, WordList

    active_lists = WordList.objects.filter(is_active=True)
    words = Word.objects.filter(word_list__is_active=True).count()
    figures = {
        "active_lists": active_lists.count(),
        "active_words": words,
        "whitelisted_terms": WhitelistTerm.objects.count(),
    }
    evidence = reverse("wall:wordlist_list")
    if not words:
        return CheckResult(
            Status.RED,
            _("No active word list has any words: submissions are not screened for sensitive words."),
            evidence_url=evidence,
            figures=figures,
        )
    return CheckResult(
        Status.AMBER,
        _(
            "Sensitive-word screening is in place (%(lists)d active lists, %(words)d words), but content "
            "moderation is not built yet: there are no posts and no review queue to check."
        )
        % {"lists": figures["active_lists"], "words": words},
        evidence_url=evidence,
        figures=figures,
    )
