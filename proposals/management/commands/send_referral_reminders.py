from core.management.dated import DatedCommand
from proposals.services.referrals import send_reminders


class Command(DatedCommand):
    help = (
        "Remind departments of unanswered referrals before the deadline and tell them once "
        "when it has passed (the periodic job 'referral-reminders', for cron). Safe to run "
        "more than once a day: nothing is sent twice."
    )

    def run(self, today):
        counts = send_reminders(today)
        return (
            f"reminders {counts['reminders']}, overdue notices {counts['overdue_notices']}, "
            f"e-mails {counts['emails']}"
        )
