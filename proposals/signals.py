"""Signals other apps listen to, so that ``proposals`` need not know them.

``transition_recorded`` is sent by ``services.lifecycle.transition_proposal`` inside the
transaction that changed the state, after the log row is written: a receiver's writes commit
or roll back with the change itself (``projects`` creates the project on adoption).
"""

from django.dispatch import Signal

#: Sent with ``entry`` (the ``ProposalTransition``) and ``actor``.
transition_recorded = Signal()
