"""The proposals app's models, a module per noun: the proposal and its lifecycle
(``proposal``), consents, the transition log, referrals, the dialogue and its files, and the
desk's own records. Everything is importable from ``proposals.models``."""

from .consents import ConsentDocument, ProposalConsent
from .desk import ExportJob, ReasonTemplate
from .dialogue import Attachment, Message, _attachment_path
from .log import AppendOnlyQuerySet, ProposalTransition
from .proposal import OPEN, Proposal, ReceiptSequence
from .referrals import Referral, ReferralMessage

__all__ = [
    "OPEN",
    "AppendOnlyQuerySet",
    "Attachment",
    "ConsentDocument",
    "ExportJob",
    "Message",
    "Proposal",
    "ProposalConsent",
    "ProposalTransition",
    "ReasonTemplate",
    "ReceiptSequence",
    "Referral",
    "ReferralMessage",
    "_attachment_path",  # named by migration 0006
]
