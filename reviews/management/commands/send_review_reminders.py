from core.management.dated import DatedCommand
from reviews.services import send_review_reminders


class Command(DatedCommand):
    help = (
        "Remind reviewers, once per assignment, of reviews not yet submitted (the periodic "
        "job 'review-reminders', for cron). Safe to run more than once a day: nothing is "
        "sent twice."
    )

    def run(self, today):
        counts = send_review_reminders(today)
        return f"reminders {counts['reminders']}, e-mails {counts['emails']}"
