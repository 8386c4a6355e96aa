"""The Celery application.

Every task class is ``DjangoTask`` so code can enqueue with ``delay_on_commit``: the message
leaves only when the surrounding transaction commits, never for a change that rolled back.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kyoso", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
