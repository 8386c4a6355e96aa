"""One submission, in-process: what it answers, what it costs and what each query is for.

``profile`` submits drafts one after another through ``django.test.Client`` (no server, no
concurrency) under ``CaptureQueriesContext``: the server time, the query count (the same for
each), the queries grouped by purpose (validate, number, transition, log, notify, enqueue …;
``query_purpose``), and how long the fiscal year's receipt counter row stays locked — from
the numbering ``UPDATE`` to the commit — as a share of the submission's time: while it is
locked no other submission can be numbered, so simultaneous submissions pass it one by one.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from collections import Counter


def answer_kind(status: int | None, location: str = "") -> str:
    """What the client was told: the receipt, a refusal (back to the confirm step with the
    reason), or something else (an error page, a 429, no answer)."""
    if status is None:
        return "no answer"
    if status == 302 and location.rstrip("/").endswith("/receipt"):
        return "receipt"
    if status == 302 and location.rstrip("/").endswith("/edit/confirm"):
        return "refused"
    return f"status {status}"


#: What each query of a submission is for, by its statement and first table.
TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)
STATEMENT = re.compile(
    r'^\s*(?:(SELECT)\b.*?\bFROM|(UPDATE)|(INSERT) INTO|(DELETE) FROM)\s+"(\w+)"', re.I | re.S
)
PURPOSES = {
    "django_session": "session",
    "core_user": "people (who asks, who is told)",
    "core_ratecounter": "rate limit",
    "core_idempotencykey": "idempotency",
    "proposals_receiptsequence": "number",
    "core_outboundemail": "notify (e-mail outbox)",
    "core_queuedtask": "enqueue (task outbox)",
    "core_auditevent": "audit",
    "proposals_consentdocument": "validate",
    "core_organization": "validate",
    "core_department": "load the proposal",
    "proposals_proposal_desired_departments": "load the proposal",
    "proposals_proposalconsent": "load the proposal",
    "proposals_attachment": "load the proposal",
}


def query_purpose(sql: str) -> str:
    """validate, number, transition, log, notify, enqueue… of one SQL statement."""
    if TRANSACTION.match(sql):
        return "transaction"
    match = STATEMENT.match(sql)
    if match is None:
        return "other"
    verb = next(group for group in match.groups()[:4] if group).upper()
    table = match.group(5).lower()
    if table == "proposals_proposal":
        return "load the proposal" if verb == "SELECT" else "transition"
    if table == "proposals_proposaltransition":
        return "log" if verb == "INSERT" else "load the proposal"
    if table.startswith("themes_"):
        return "validate"
    return PURPOSES.get(table, "other")


def shorten(sql: str, length: int = 240) -> str:
    """A statement without its column list, cut to ``length``: ``SELECT … FROM "t" WHERE …``."""
    return re.sub(r"^\s*SELECT\b.*?\bFROM\b", "SELECT … FROM", sql, count=1, flags=re.S)[:length]


def profile(theme, people, pks: list[int]) -> dict:
    """Submit ``pks`` (drafts of ``people``, in order) in-process, the call open again."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from themes.models import Theme

    Theme.objects.filter(pk=theme.pk).update(closes_at=timezone.now() + dt.timedelta(days=30))
    times, counts, queries, holds = [], [], [], []
    moments = {}

    def numbered(execute, sql, params, many, context):
        if "proposals_receiptsequence" in sql and sql.lstrip().upper().startswith("UPDATE"):
            moments["numbered"] = time.perf_counter()
        return execute(sql, params, many, context)

    commit = connection.commit

    def committed():
        commit()
        moments["committed"] = time.perf_counter()

    for index, pk in enumerate(pks):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_REAL_IP=f"10.78.0.{index + 1}")
        client.force_login(people[index], backend="django.contrib.auth.backends.ModelBackend")
        client.get(f"/proposals/{pk}/edit/confirm/")  # warm: this process, this session
        moments.clear()
        connection.commit = committed  # the bench's own hook: when the submission committed
        try:
            with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(numbered):
                started = time.perf_counter()
                response = client.post(
                    f"/proposals/{pk}/submit/", {"action": "submit", "expected_state": "draft"}
                )
                times.append(time.perf_counter() - started)
        finally:
            del connection.commit
        if "numbered" in moments and "committed" in moments:
            # From numbering to the commit the year's counter row is locked: every other
            # submission waits for it.
            holds.append(moments["committed"] - moments["numbered"])
        if answer_kind(response.status_code, response.get("Location", "")) != "receipt":
            raise SystemExit(f"in-process submission of {pk}: {response.status_code}")
        counts.append(len(ctx.captured_queries))
        queries = [q["sql"] for q in ctx.captured_queries]
    purposes = Counter(query_purpose(sql) for sql in queries)
    return {
        "submissions": len(pks),
        "median_ms": round(statistics.median(times[1:] or times) * 1000, 2),
        "queries": counts[-1],
        "queries_constant": len(set(counts[1:] or counts)) == 1,
        "number_lock_median_ms": round(statistics.median(holds[1:] or holds) * 1000, 2)
        if holds
        else None,
        "number_lock_share": round(
            statistics.median(holds[1:] or holds) / statistics.median(times[1:] or times), 3
        )
        if holds
        else None,
        "by_purpose": dict(purposes.most_common()),
        "sql": [{"purpose": query_purpose(sql), "sql": shorten(sql)} for sql in queries],
    }
