"""The project follows its proposal: created on adoption, 実証中 in the field, then done."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import Department, Organization
from proposals.models import Proposal
from proposals.signals import transition_recorded
from themes.models import Programme

from . import public_cache, services
from .models import Field


def _reference_data_changed(sender, **kwargs):
    """Names the public pages show (fields, departments, programmes) or count (a business's
    startup flag) were edited, e.g. in the admin: the kept pages are stale."""
    public_cache.public_data_changed()


def _connect_reference_data():
    for model in (Field, Department, Programme, Organization):
        for signal in (post_save, post_delete):
            signal.connect(
                _reference_data_changed,
                sender=model,
                dispatch_uid=f"projects.public.{model.__name__}.{signal is post_save}",
            )


_connect_reference_data()


@receiver(transition_recorded, sender=Proposal, dispatch_uid="projects.follow_proposal")
def follow_proposal(sender, entry, actor, **kwargs):
    services.follow_proposal(entry)
