"""A themed call closing in the middle of 200 simultaneous submissions, through gunicorn.

The issue: "make bench gains a deadline scenario through gunicorn with the shipped config: 200
concurrent submissions, the closing placed inside the burst. Report: wrong refusals (must be
0), lost (0), duplicates (0), p50/p95, and submissions/s as a ratio to the static file in the
same run. Target p95 ≤ 1 s on this 2-core machine."

What it does:

1. a throw-away database (PostgreSQL ``kyoso_bench``, flushed, or SQLite): one themed call
   open for a month, BENCH_DEADLINE_SUBMISSIONS (200) business members of 200 organisations,
   each with a complete draft for the call (through ``services.create_draft`` and
   ``services.record_consents``, as the intake does; bench/data.py) for each of the two bursts;
2. every member signed in (a real session in the session store), the CSRF cookie and token
   taken from the draft's confirm page through gunicorn — which also warms every worker;
3. gunicorn ``-c config/gunicorn.conf.py`` with DEBUG off, ``CLIENT_IP_HEADER=HTTP_X_REAL_IP``
   (each client has an address of its own, as behind the city's proxy: the per-address
   "submit" limit is not what is measured), Redis as cache and broker when it answers
   (databases BENCH_REDIS_DB 13 and BENCH_BROKER_DB 14, emptied; no worker: the tasks wait
   in the queue, as they would for a busy worker), else the database cache and inline tasks;
4. the burst: one thread per submission, the sends spread evenly over BENCH_DEADLINE_SPREAD
   (0.2 s) — all 200 are in the server at once, it needs seconds for them — and the call's
   closing set (in the database, 1.5 s before) to the middle of that spread. Each client stamps
   ``X-Request-Start: t=<when it sent, epoch seconds with milliseconds>`` as nginx would;
5. classified from the database (``classify``): sent before the closing and refused = wrong
   refusal, sent before and neither submitted nor refused = lost, more than one submission
   log row or receipt number for a draft = duplicate; sent after the closing and accepted is
   counted too;
6. twice: with ``REQUEST_START_HEADER=HTTP_X_REQUEST_START`` (the proxy's stamp is the
   arrival: the shipped way behind a proxy), then without (the arrival is when the first
   middleware ran, after the wait in gunicorn's queue) for comparison;
7. after each burst, ``wrk`` on a static file of the confirm page's size through the same
   gunicorn: submissions/s ÷ static req/s is the ratio that is compared between runs;
8. one submission in-process (``django.test.Client``, ``CaptureQueriesContext``): server time
   and its queries, grouped by purpose, and the share of it the year's receipt counter row
   stays locked (bench/submission.py).

Prints a table and writes bench/results/deadline-<time>.json.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 — the project root is on the path from here on
from bench.common import Browser, Gunicorn, percentile  # noqa: E402
from bench.data import deadline_data  # noqa: E402
from bench.submission import answer_kind, profile  # noqa: E402

SUBMISSIONS = int(os.environ.get("BENCH_DEADLINE_SUBMISSIONS", "200"))
SPREAD = float(os.environ.get("BENCH_DEADLINE_SPREAD", "0.2"))
PROFILE = int(os.environ.get("BENCH_DEADLINE_PROFILE", "10"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
BROKER_DB = int(os.environ.get("BENCH_BROKER_DB", "14"))
LEAD_SECONDS = 1.5  # from setting the closing to the first send
TARGET_P95_SECONDS = 1.0
STATIC_NAME = "bench/deadline-static.html"
RUNS = {
    "stamped": "HTTP_X_REQUEST_START",  # the proxy's stamp is the arrival (shipped behind nginx)
    "unstamped": None,  # the arrival is when the first middleware ran
}


# --- pure helpers (tests/test_bench.py) -----------------------------------------------------


def send_times(count: int, start: float, spread: float) -> list[float]:
    """When each of ``count`` submissions is sent: evenly over ``spread`` seconds."""
    return [start + spread * i / count for i in range(count)]


def closing_ms(start: float, spread: float) -> int:
    """The closing: the middle of the sends, on a whole millisecond (the stamp's precision)."""
    return round((start + spread / 2) * 1000)


def stamp(sent_ms: int) -> str:
    """The X-Request-Start value nginx's ``t=${msec}`` gives for that millisecond."""
    return f"t={sent_ms // 1000}.{sent_ms % 1000:03d}"


def classify(attempts: list[dict], closing: int, database: dict[int, dict]) -> dict:
    """Judge every attempt by when it was sent (``sent_ms``) against the ``closing`` (ms) and
    what the database holds for its draft (``submitted``, ``submit_rows``, ``receipt``).

    * sent before the closing: submitted = accepted; not submitted and refused = wrong
      refusal; not submitted and not refused (an error, no answer) = lost;
    * sent at or after the closing: refused = refused (right); submitted = accepted late;
    * a draft with more than one submission log row, or a receipt number given twice =
      duplicate; a draft submitted although its client was not shown the receipt = answer
      mismatch (e.g. an error page after the commit).
    """
    counts = Counter()
    problems = []
    receipts = Counter(row["receipt"] for row in database.values() if row.get("receipt"))
    for attempt in attempts:
        row = database.get(attempt["pk"], {})
        kind = answer_kind(attempt.get("status"), attempt.get("location", ""))
        before = attempt["sent_ms"] < closing
        submitted = bool(row.get("submitted"))
        counts["sent_before" if before else "sent_after"] += 1
        if before:
            verdict = "accepted" if submitted else "wrong_refusal" if kind == "refused" else "lost"
        else:
            verdict = (
                "accepted_late" if submitted else "refused" if kind == "refused" else "failed_late"
            )
        counts[verdict] += 1
        if row.get("submit_rows", 0) > 1:
            counts["duplicates"] += 1
        if submitted and kind != "receipt":
            counts["answer_mismatch"] += 1
        if kind not in ("receipt", "refused"):
            counts["errors"] += 1
        if verdict in ("wrong_refusal", "lost", "accepted_late", "failed_late") or (
            submitted and kind != "receipt"
        ):
            problems.append({**attempt, "verdict": verdict, "answer": kind})
    counts["duplicates"] += sum(n - 1 for n in receipts.values() if n > 1)
    names = (
        "sent_before sent_after accepted wrong_refusal lost refused accepted_late failed_late "
        "duplicates answer_mismatch errors"
    ).split()
    return {**{name: counts[name] for name in names}, "problems": problems}


def summarize_burst(attempts: list[dict]) -> dict:
    """Latency percentiles and submissions/s of the answered attempts."""
    answered = [a for a in attempts if a.get("status") is not None]
    seconds = [a["seconds"] for a in answered]
    wall = (max(a["done"] for a in attempts) - min(a["sent_ms"] for a in attempts) / 1000) or 1
    return {
        "answered": len(answered),
        "p50_s": round(percentile(seconds, 50) or 0, 3),
        "p95_s": round(percentile(seconds, 95) or 0, 3),
        "max_s": round(max(seconds, default=0), 3),
        "wall_s": round(wall, 3),
        "submissions_per_s": round(len(answered) / wall, 1),
    }


# --- data -----------------------------------------------------------------------------------


def database_view(pks: list[int]) -> dict[int, dict]:
    """What the database holds for each draft: submitted or not, its log rows, its number."""
    from django.db.models import Count

    from proposals.models import Proposal, ProposalTransition

    rows = {
        row["pk"]: {
            "submitted": row["state"] != "draft",
            "receipt": row["receipt_number"] or None,
            "submit_rows": 0,
        }
        for row in Proposal.objects.filter(pk__in=pks).values("pk", "state", "receipt_number")
    }
    for row in (
        ProposalTransition.objects.filter(proposal_id__in=pks, action="submit")
        .values("proposal_id")
        .annotate(n=Count("id"))
    ):
        rows[row["proposal_id"]]["submit_rows"] = row["n"]
    return rows


# --- the burst through gunicorn -------------------------------------------------------------


def prepare_clients(port: int, people, pks: list[int], sessions: dict) -> list[dict]:
    """Per draft: a browser with the member's session, the CSRF cookie and token of its
    confirm page (fetched through gunicorn, eight at a time), and the form to post."""

    def one(index: int) -> dict:
        member, pk = people[index], pks[index]
        browser = Browser(port, ip=f"10.77.{index // 250}.{index % 250 + 1}")
        browser.cookies.update(sessions[member.pk])
        page = browser.get(f"/proposals/{pk}/edit/confirm/")
        if page.status != 200 or 'aria-disabled="true"' in page.text:
            raise SystemExit(
                f"the confirm page of draft {pk} answered {page.status} or cannot be submitted; "
                "nothing measured"
            )
        token = common.csrf_token(page.text)
        return {
            "pk": pk,
            "browser": browser,
            "form": {"csrfmiddlewaretoken": token, "action": "submit", "expected_state": "draft"},
            "page_bytes": len(page.body),
        }

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(len(pks))))


def burst(clients: list[dict], start: float) -> list[dict]:
    """One thread per client; each sends at its time of ``send_times`` and stamps the
    moment it sent in X-Request-Start."""
    times = send_times(len(clients), start, SPREAD)
    results: list[dict | None] = [None] * len(clients)

    def one(index: int) -> None:
        client = clients[index]
        delay = times[index] - time.time()
        if delay > 0:
            time.sleep(delay)
        sent_ms = int(time.time() * 1000)
        record = {"pk": client["pk"], "sent_ms": sent_ms}
        started = time.perf_counter()
        try:
            answer = client["browser"].post(
                f"/proposals/{client['pk']}/submit/",
                client["form"],
                headers={"X-Request-Start": stamp(sent_ms)},
            )
            record.update(status=answer.status, location=answer.location)
        except Exception as exc:  # no answer: timeout, reset
            record.update(status=None, location="", error=f"{type(exc).__name__}: {exc}")
        record["seconds"] = time.perf_counter() - started
        record["done"] = time.time()
        results[index] = record

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


def server_times(log_text: str) -> dict:
    """p50/p95 of the submissions' time inside gunicorn (its access log's %(M)sms)."""
    times = [
        int(m.group(1))
        for m in re.finditer(r'"POST /proposals/\d+/submit/ [^"]*" \d{3} \S+ (\d+)ms', log_text)
    ]
    return {"count": len(times), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}


def run_burst(name: str, env: dict, tmp: Path, theme, people, pks, sessions, port) -> dict:
    from django.db import connection

    from themes.models import Theme

    header = RUNS[name]
    run_env = {k: v for k, v in env.items() if k != "REQUEST_START_HEADER"}
    if header:
        run_env["REQUEST_START_HEADER"] = header
    # Open again (an earlier burst closed it), until the closing is set for this burst.
    Theme.objects.filter(pk=theme.pk).update(closes_at=theme.closes_at)
    server = Gunicorn(run_env, tmp / f"gunicorn-{name}.log", port)
    server.start()
    try:
        clients = prepare_clients(port, people, pks, sessions)
        mark = server.log_size()
        start = time.time() + LEAD_SECONDS
        closing = closing_ms(start, SPREAD)
        Theme.objects.filter(pk=theme.pk).update(
            closes_at=dt.datetime.fromtimestamp(closing / 1000, tz=dt.UTC)
        )
        connection.close()
        attempts = burst(clients, start)
        log = server.log_text(mark)
        booted_during_burst = server.booted(mark)
        static = [
            common.run_wrk(f"http://127.0.0.1:{port}/static/{STATIC_NAME}", WRK_SECONDS)["rps"]
            for _ in range(3)
        ]
    finally:
        server.stop()
    verdicts = classify(attempts, closing, database_view(pks))
    figures = summarize_burst(attempts)
    static_rps = statistics.median(static)
    return {
        "request_start_header": header,
        "closing_ms": closing,
        **verdicts,
        **figures,
        "server_time": server_times(log),
        "static_rps_median": static_rps,
        "static_rps_samples": static,
        "ratio_submissions_static": round(figures["submissions_per_s"] / static_rps, 4),
        "p95_target_met": figures["p95_s"] <= TARGET_P95_SECONDS,
        "server_errors": common.server_errors(log),
        "tracebacks": common.tracebacks(log),
        "workers_booted_during_burst": booted_during_burst,
        "statuses": dict(Counter(str(a.get("status")) for a in attempts)),
    }


# --- the benchmark --------------------------------------------------------------------------


def main() -> int:
    import shutil

    if shutil.which("wrk") is None:
        print(f"deadline bench not run: {common.INSTALL_WRK}")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="kyoso-deadline-bench-"))
    database_url, ctype = common.bench_database(tmp)
    redis = common.redis_answers()
    extra = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if redis:
        extra["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{BROKER_DB}"
    env = common.production_env(
        database_url,
        f"redis://127.0.0.1:6379/{REDIS_DB}" if redis else None,
        str(tmp / "private"),
        **extra,
        CLIENT_IP_HEADER="HTTP_X_REAL_IP",
    )
    common.setup_django(env)
    from django.conf import settings
    from django.db import connection

    common.prepare_database()
    empty_broker(env)
    started = time.perf_counter()
    theme, people, drafts = deadline_data(
        SUBMISSIONS, {**dict.fromkeys(RUNS, SUBMISSIONS), "profile": PROFILE + 1}
    )
    seed_seconds = time.perf_counter() - started
    sessions = {member.pk: common.session_cookie_for(member) for member in people}
    port = int(os.environ.get("BENCH_PORT") or common.free_port())
    # A static file of the confirm page's size, before gunicorn starts (whitenoise indexes
    # the static files at start-up).
    static_file = Path(settings.STATIC_ROOT) / STATIC_NAME
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(confirm_page(people[PROFILE], drafts["profile"][PROFILE]))
    runs = {}
    try:
        for name in RUNS:
            runs[name] = run_burst(name, env, tmp, theme, people, drafts[name], sessions, port)
    finally:
        static_file.unlink(missing_ok=True)
        empty_broker(env)
    in_process = profile(theme, people, drafts["profile"][:PROFILE])
    server = common.shipped_config(common.server_env(env, port))
    result = {
        "database": connection.vendor,
        "lc_ctype": ctype,
        "cache": "redis" if redis else "database",
        "tasks": "redis broker, no worker" if redis else "inline",
        "server": server,
        "submissions": SUBMISSIONS,
        "spread_s": SPREAD,
        "seed_seconds": round(seed_seconds, 1),
        "uptime": common.uptime(),
        "runs": runs,
        "profile": in_process,
        "targets": {
            "wrong_refusals": 0,
            "lost": 0,
            "duplicates": 0,
            "p95_s_max": TARGET_P95_SECONDS,
        },
    }
    report(result)
    common.write_result("deadline", result)
    return 0


def confirm_page(member, pk: int) -> bytes:
    """The bytes of a draft's confirm page (rendered in-process): the static reference's size."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(f"/proposals/{pk}/edit/confirm/")
    if response.status_code != 200:
        raise SystemExit(f"the confirm page answered {response.status_code}; nothing measured")
    return response.content


def empty_broker(env: dict) -> None:
    url = env.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://"):
        import redis

        redis.Redis.from_url(url).flushdb()


def report(result: dict) -> None:
    server, runs = result["server"], result["runs"]
    print(
        f"Deadline: {result['submissions']} simultaneous submissions to one themed call through "
        f"gunicorn -c {server['config']} ({server['workers']} {server['worker_class']} workers "
        f"x {server['threads']} threads), DEBUG off, {result['database']}, cache "
        f"{result['cache']}, tasks {result['tasks']}; sends spread over {result['spread_s']} s, "
        "the closing at their middle"
    )
    print(f"load: {result['uptime']}")
    stamped, unstamped = runs["stamped"], runs["unstamped"]
    rows = [
        ("sent before / after the closing", "{sent_before} / {sent_after}"),
        ("accepted (sent before)", "{accepted}"),
        ("wrong refusals (must be 0)", "{wrong_refusal}"),
        ("lost (must be 0)", "{lost}"),
        ("duplicates (must be 0)", "{duplicates}"),
        ("refused (sent after: right)", "{refused}"),
        ("accepted although sent after", "{accepted_late}"),
        ("error answers / answer mismatches", "{errors} / {answer_mismatch}"),
        ("latency p50 / p95 (s)", "{p50_s:.2f} / {p95_s:.2f}"),
        ("time in gunicorn p50 / p95 (ms)", "{server_time[p50_ms]} / {server_time[p95_ms]}"),
        ("submissions/s ÷ static file req/s", "{ratio_submissions_static:.4f}"),
    ]
    print(f"{'':<36} {'stamped (X-Request-Start)':>27} {'unstamped (first middleware)':>30}")
    for label, template in rows:
        print(f"{label:<36} {template.format(**stamped):>27} {template.format(**unstamped):>30}")
    met = stamped["p95_target_met"]
    print(
        f"target p95 ≤ {TARGET_P95_SECONDS:.0f} s (stamped): {'met' if met else 'MISSED'}; "
        f"workers recycled during the bursts: {stamped['workers_booted_during_burst']} / "
        f"{unstamped['workers_booted_during_burst']}"
    )
    for name, run in runs.items():
        for problem in run["problems"][:5]:
            print(f"  {name}: {problem['verdict']} draft {problem['pk']}: {problem['answer']}")
        for error in run["server_errors"][:5]:
            print(f"  {name}: {error['status']} {error['method']} {error['path']}")
        for trace in run["tracebacks"][:1]:
            print(f"  {name}: gunicorn log:\n{trace}")
    prof = result["profile"]
    print(
        f"one submission in-process: median {prof['median_ms']} ms of {prof['submissions']}, "
        f"{prof['queries']} queries (the same for each: {prof['queries_constant']}): "
        + ", ".join(f"{purpose} {n}" for purpose, n in prof["by_purpose"].items())
    )
    if prof["number_lock_share"] is not None:
        print(
            f"  the year's receipt counter row is locked from numbering to the commit: "
            f"{prof['number_lock_share']:.0%} of a submission's server time (median); "
            "submissions queue for it one at a time"
        )


if __name__ == "__main__":
    sys.exit(main())
