"""Signals of the regulation board (plumbing: the notifications app subscribes to them).

``acknowledgement_due``: sender=RegulationVersion, user, version — ``user`` has not acknowledged
``version`` (the version in force) and is due a reminder. Sent once the reminder is recorded and
its transaction has committed.
"""

from django.dispatch import Signal

acknowledgement_due = Signal()
