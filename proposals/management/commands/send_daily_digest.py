from core.management.dated import DatedCommand
from proposals.services.duty import send_daily_digest


class Command(DatedCommand):
    help = (
        "E-mail the desk its daily digest of proposals past the answer target and overdue "
        "referrals (the periodic job 'daily-digest', for cron). Sends nothing when nothing "
        "is overdue, and at most once a day to each person."
    )

    def run(self, today):
        return f"Queued {send_daily_digest(today)} digest e-mail(s)."
