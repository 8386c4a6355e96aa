"""The project follows its proposal: created on adoption, 実証中 in the field, then done."""

from django.dispatch import receiver

from proposals.models import Proposal
from proposals.signals import transition_recorded


@receiver(transition_recorded, sender=Proposal, dispatch_uid="projects.follow_proposal")
def follow_proposal(sender, entry, actor, **kwargs):
    from . import services

    services.follow_proposal(entry)
