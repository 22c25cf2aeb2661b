"""``word_lists_changed``: sent once per committed transaction that changed any list, word or
whitelisted term (after the version key was bumped, so a receiver that screens sees the change).

Receivers get ``sender=WordList`` and ``version=<the new version key>``. The wall's posts and
comments connect to it to rescreen published content in the background (queue a job; never do
the work inside the receiver).
"""

from django.dispatch import Signal

word_lists_changed = Signal()
