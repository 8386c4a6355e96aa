"""The proposal lifecycle's states, with their internal and business-facing labels.

The internal label is what the desk and departments see; the business-facing label is what
the proposer sees in its portal and e-mails. They differ where the business should know that
the city is working on its proposal but not which internal step it is in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Received")
    DIALOGUE = "dialogue", _("In dialogue")
    REVISION_REQUESTED = "revision_requested", _("Additional information requested")
    COORDINATION = "coordination", _("Coordinating with departments")
    REVIEW = "review", _("Under review")
    ADOPTED = "adopted", _("Adopted")
    AGREEMENT = "agreement", _("Agreement concluded")
    IN_FIELD = "in_field", _("Field provided / demonstration")
    COMPLETED = "completed", _("Completed")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONSULTATION_CLOSED = "consultation_closed", _("Consultation closed")


BUSINESS_LABELS = {
    State.DRAFT: pgettext_lazy("business-facing state", "Draft (not sent)"),
    State.SUBMITTED: pgettext_lazy("business-facing state", "Received"),
    State.DIALOGUE: pgettext_lazy("business-facing state", "In dialogue with the desk"),
    State.REVISION_REQUESTED: pgettext_lazy(
        "business-facing state", "Waiting for your additional information"
    ),
    State.COORDINATION: pgettext_lazy("business-facing state", "Under consideration by the city"),
    State.REVIEW: pgettext_lazy("business-facing state", "Under review"),
    State.ADOPTED: pgettext_lazy("business-facing state", "Adopted"),
    State.AGREEMENT: pgettext_lazy("business-facing state", "Agreement concluded"),
    State.IN_FIELD: pgettext_lazy("business-facing state", "Project under way"),
    State.COMPLETED: pgettext_lazy("business-facing state", "Completed"),
    State.NOT_ACCEPTED: pgettext_lazy("business-facing state", "Not accepted"),
    State.DECLINED: pgettext_lazy("business-facing state", "Not adopted"),
    State.WITHDRAWN: pgettext_lazy("business-facing state", "Withdrawn"),
    State.CONSULTATION_CLOSED: pgettext_lazy("business-facing state", "Consultation closed"),
}

#: States in which the proposal is still being handled: the business may withdraw it.
OPEN_STATES = (
    State.SUBMITTED,
    State.DIALOGUE,
    State.REVISION_REQUESTED,
    State.COORDINATION,
    State.REVIEW,
)
#: States after adoption.
ADOPTED_STATES = (State.ADOPTED, State.AGREEMENT, State.IN_FIELD, State.COMPLETED)
#: States with no way out.
FINAL_STATES = (
    State.COMPLETED,
    State.NOT_ACCEPTED,
    State.DECLINED,
    State.WITHDRAWN,
    State.CONSULTATION_CLOSED,
)


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    PROPOSAL = "proposal", _("Proposal")


class Outcome(models.TextChoices):
    ROLLED_OUT = "rolled_out", _("Rolled out (social implementation)")
    ENDED = "ended", _("Ended")


class CityCost(models.TextChoices):
    NONE = "none", _("No cost to the city")
    BUDGET = "budget", _("Needs a city budget")
    UNDECIDED = "undecided", _("To be discussed")
