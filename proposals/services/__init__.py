"""Every write with business meaning on proposals, one function per use case.

Views, admin, commands and tasks call these, never the models directly. The package is split
by area so each stays readable; everything public is importable from ``proposals.services``.
"""

from .duty import send_daily_digest  # noqa: F401
from .exports import (  # noqa: F401
    ExportError,
    build_export,
    fail_stalled_exports,
    retry_export,
    start_export,
    write_csv,
)
from .inbox import InboxActionError, assign_lead, desk_users  # noqa: F401
from .intake import (  # noqa: F401
    EDITABLE_FIELDS,
    add_attachment,
    create_draft,
    post_message,
    record_consents,
    remove_attachment,
    update_draft,
)
from .lifecycle import (  # noqa: F401
    ACTIONS,
    Action,
    ConflictingChange,
    LifecycleError,
    NotAllowedNow,
    NotPermitted,
    ReasonRequired,
    available_actions,
    next_receipt_number,
    transition_proposal,
)
from .referrals import (  # noqa: F401
    ReferralInputError,
    answer_referral,
    post_referral_message,
    refer,
    send_reminders,
)
