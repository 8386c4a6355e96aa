"""The one way code asks for background work: ``enqueue(task_name, *args)``.

Services name the task (``"proposals.tasks.build_export"``) instead of importing it: a task
module calls its service, so a service that imported its task back would make a circle. The
task is looked up in Celery's registry when the transaction commits; with no broker configured
it runs inline (eager), as every task does in the embedded mode.

The work leaves only when the surrounding transaction commits, never for a change that rolled
back.
"""

from __future__ import annotations

from importlib import import_module

from celery import current_app
from django.db import transaction


class UnknownTask(LookupError):
    """No Celery task has this name: a typo, or its app's ``tasks`` module was not loaded."""


def task(name: str):
    """The registered Celery task called ``name`` (``"<app>.tasks.<task>"``).

    Its module is imported first: a task registers itself when its module loads, and a process
    that has not loaded it yet (a web process, a test) must not depend on Celery's autodiscovery
    having run.
    """
    module, _, _ = name.rpartition(".")
    try:
        import_module(module)
        return current_app.tasks[name]
    except (ImportError, KeyError):
        raise UnknownTask(f"no task is registered as {name!r}") from None


def enqueue(name: str, *args, **kwargs) -> None:
    """Run task ``name`` with ``args`` once the current transaction commits (at once outside
    one)."""
    registered = task(name)  # fail here, in the caller, for a name that does not exist
    transaction.on_commit(lambda: registered.apply_async(args=args, kwargs=kwargs))
