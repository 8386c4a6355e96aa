"""Every kind of request while Redis is up, while it is stopped, and after it is back.

Production keeps the cache (``REDIS_CACHE_URL``: the public pages' generation, rate limits)
and the task queue (``CELERY_BROKER_URL``) in Redis. Redis going away must cost no error page
and lose no work: the cache answers as an empty cache (``core.cache``), rate limits count in
the database (``core.ratelimit``), and a task the broker refuses stays in the task outbox
(``core.jobs``: a ``QueuedTask`` row) until ``manage.py send_queued_tasks`` hands it over.

What it does:

1. starts a redis-server of its own on a free port (append-only file in a temporary folder, so
   the queue survives the restart as a production Redis's would) and points both
   ``REDIS_CACHE_URL`` (database 1) and ``CELERY_BROKER_URL`` (database 0) at it; no worker
   runs, so what is queued stays countable;
2. a throw-away database with BENCH_OUTAGE_PROJECTS (20) published projects, a desk member and
   a business member who sign in with passwords, and per phase a draft to submit and a
   submitted proposal to answer; ``EXPORT_INLINE_MAX_ROWS=1`` so an export is a job;
3. gunicorn ``-c config/gunicorn.conf.py`` (DEBUG off), then three phases — ``up``, ``down``
   (redis-server stopped) and ``back`` (started again, after the cache's 5 s retry pause) —
   each with: sign-in of the desk and of the business (POST /accounts/login/), the public
   list, a submission, a desk message to the business, a desk transition (start the
   dialogue), an export request; then ``wrk`` on the public list for BENCH_WRK_SECONDS;
4. per phase: the status of each request, its time as a ratio to the same request's time in
   ``up``, the public list's req/s (and its ratio to ``up``), every 5xx in gunicorn's access
   log with the log's tracebacks, the ``QueuedTask`` rows and the outbox e-mails written;
5. after the grace period of the sweeper (30 s after the last row), ``manage.py
   send_queued_tasks``; reports what it sent, the rows left (must be 0) and the broker's queues.

Prints a table and writes bench/results/outage-<time>.json. Needs redis-server and wrk.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 — the project root is on the path from here on
from bench.common import Browser, Gunicorn  # noqa: E402
from bench.data import outage_data  # noqa: E402

PROJECTS = int(os.environ.get("BENCH_OUTAGE_PROJECTS", "20"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
PHASES = ("up", "down", "back")
PASSWORD = "bench-outage-password-2026"
DESK_EMAIL, BUSINESS_EMAIL = "outage-desk@example.jp", "outage-business@example.jp"
ACTIONS = (
    "sign-in desk",
    "sign-in business",
    "public list",
    "submit",
    "message",
    "transition",
    "export",
)
#: What each action must answer (a redirect after a POST that worked; the page for a GET).
EXPECTED = {
    "sign-in desk": 302,
    "sign-in business": 302,
    "public list": 200,
    "submit": 302,
    "message": 302,
    "transition": 302,
    "export": 302,
}
SWEEP_GRACE_SECONDS = 31  # core.jobs.GRACE_SECONDS: the sweeper leaves younger rows alone
CACHE_RETRY_SECONDS = 5  # core.cache.RETRY_AFTER


class RedisServer:
    """redis-server on 127.0.0.1:port with an append-only file in ``folder``."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder, self.process = port, folder, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.folder),
                "--daemonize",
                "no",
            ],  # fmt: skip
            stdout=open(self.folder / "redis.log", "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not common.redis_answers(port=self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # writes the append-only file, then exits
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --- pure helpers (tests/test_bench.py) -----------------------------------------------------


def judge(phases: dict[str, dict]) -> dict:
    """From each phase's ``statuses`` (action → status) and its access log's ``server_errors``:
    the 5xx count (must be 0), the actions that did not answer as expected, and the time
    ratios to ``up``."""
    five_xx = sum(len(phase["server_errors"]) for phase in phases.values())
    unexpected = [
        {"phase": name, "action": action, "status": status, "expected": EXPECTED.get(action)}
        for name, phase in phases.items()
        for action, status in phase["statuses"].items()
        if status != EXPECTED.get(action)
    ]
    up = phases.get("up", {}).get("seconds", {})
    ratios = {
        name: {
            action: round(seconds / up[action], 2)
            for action, seconds in phase["seconds"].items()
            if up.get(action)
        }
        for name, phase in phases.items()
    }
    return {"five_xx": five_xx, "unexpected": unexpected, "time_ratio_to_up": ratios}


# --- one phase ------------------------------------------------------------------------------


def sign_in(port: int, email: str, ip: str) -> tuple[Browser, object]:
    browser = Browser(port, ip=ip)
    page = browser.get("/accounts/login/")
    answer = browser.post(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": common.csrf_token(page.text),
            "username": email,
            "password": PASSWORD,
        },
    )
    return browser, answer


def token_of(browser: Browser, path: str) -> str:
    page = browser.get(path)
    return common.csrf_token(page.text) if page.status == 200 else ""


def act(port: int, phase: str, number: int, pks: dict) -> tuple[dict, dict, dict]:
    """Every action once; (status by action, seconds by action, notes)."""
    statuses, seconds, notes = {}, {}, {}

    def record(name: str, answer) -> None:
        statuses[name], seconds[name] = answer.status, answer.seconds
        if answer.location:
            notes[name] = answer.location

    desk, answer = sign_in(port, DESK_EMAIL, f"10.79.{number}.1")
    record("sign-in desk", answer)
    business, answer = sign_in(port, BUSINESS_EMAIL, f"10.79.{number}.2")
    record("sign-in business", answer)
    record("public list", Browser(port, ip=f"10.79.{number}.3").get("/projects/"))
    draft, submitted = pks["draft"], pks["submitted"]
    token = token_of(business, f"/proposals/{draft}/edit/confirm/")
    record(
        "submit",
        business.post(
            f"/proposals/{draft}/submit/",
            {"csrfmiddlewaretoken": token, "action": "submit", "expected_state": "draft"},
        ),
    )
    token = token_of(desk, f"/proposals/{submitted}/")
    record(
        "message",
        desk.post(
            f"/proposals/{submitted}/messages/",
            {
                "csrfmiddlewaretoken": token,
                "body": f"障害ベンチからの連絡（{phase}）",
                "visibility": "business",
                "idempotency_key": uuid.uuid4().hex,
            },
        ),
    )
    record(
        "transition",
        desk.post(
            f"/proposals/{submitted}/transition/",
            {
                "csrfmiddlewaretoken": token,
                "action": "start_dialogue",
                "expected_state": "submitted",
            },
        ),
    )
    token = token_of(desk, "/desk/")
    record(
        "export",
        desk.post(
            "/desk/export/",
            {
                "csrfmiddlewaretoken": token,
                "all_matching": "1",
                "query": "",
                "idempotency_key": uuid.uuid4().hex,
            },
        ),
    )
    return statuses, seconds, notes


def counts() -> dict:
    from core.models import OutboundEmail, QueuedTask
    from proposals.models import ExportJob, Message

    return {
        "queued_tasks": QueuedTask.objects.filter(given_up_at__isnull=True).count(),
        "emails": OutboundEmail.objects.count(),
        "messages": Message.objects.count(),
        "export_jobs": ExportJob.objects.count(),
    }


def run_phase(name: str, number: int, server: Gunicorn, redis: RedisServer, pks: dict) -> dict:
    from django.db import connection

    if name == "down":
        redis.stop()
    elif name == "back":
        redis.start()
        time.sleep(CACHE_RETRY_SECONDS + 1)  # the web processes' cache asks Redis again
    before = counts()
    mark = server.log_size()
    statuses, seconds, notes = act(server.port, name, number, pks)
    wrk = common.run_wrk(f"http://127.0.0.1:{server.port}/projects/", WRK_SECONDS, strict=False)
    time.sleep(0.5)  # the access log of the last requests
    log = server.log_text(mark)
    connection.close()
    after = counts()
    return {
        "statuses": statuses,
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "locations": notes,
        "public_list_wrk": wrk,
        "access_log_statuses": {str(k): v for k, v in sorted(common.access_statuses(log).items())},
        "server_errors": common.server_errors(log),
        "tracebacks": common.tracebacks(log),
        "written": {key: after[key] - before[key] for key in after},
        "queued_tasks_after": after["queued_tasks"],
        # max_requests recycles workers under wrk; a new one starts with empty page caches.
        "workers_recycled": server.booted(mark),
    }


def sweep(env: dict, redis_port: int) -> dict:
    """send_queued_tasks once the newest row is past the sweeper's grace; what is left."""
    from django.db import connection
    from django.db.models import Count, Max

    from core.models import OutboundEmail, QueuedTask

    newest = QueuedTask.objects.aggregate(newest=Max("created_at"))["newest"]
    waited = 0.0
    if newest is not None:
        from django.utils import timezone

        waited = max(0.0, SWEEP_GRACE_SECONDS - (timezone.now() - newest).total_seconds())
        time.sleep(waited)
    rows_before = QueuedTask.objects.filter(given_up_at__isnull=True).count()
    connection.close()
    done = subprocess.run(
        [sys.executable, "manage.py", "send_queued_tasks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    import redis

    broker = redis.Redis(host="127.0.0.1", port=redis_port, db=0)
    return {
        "waited_s": round(waited, 1),
        "rows_before": rows_before,
        "command_exit": done.returncode,
        "command_output": (done.stdout + done.stderr).strip()[-2000:],
        "rows_left": QueuedTask.objects.filter(given_up_at__isnull=True).count(),
        "given_up": QueuedTask.objects.filter(given_up_at__isnull=False).count(),
        "broker_queues": {q: broker.llen(q) for q in ("default", "mail", "exports")},
        # E-mails are their own record (the outbox row): one the broker refused stays queued
        # and send_pending_email (every minute) sends it once it is a minute old.
        "emails_by_status": dict(
            OutboundEmail.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
    }


# --- the benchmark --------------------------------------------------------------------------


def main() -> int:
    missing = [tool for tool in ("wrk", "redis-server") if shutil.which(tool) is None]
    if missing:
        print(
            f"outage bench not run: {', '.join(missing)} missing (apt-get install -y wrk "
            "redis-server)"
        )
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="kyoso-outage-bench-"))
    database_url, ctype = common.bench_database(tmp)
    redis_port = common.free_port()
    redis = RedisServer(redis_port, tmp)
    redis.start()
    env = common.production_env(
        database_url,
        f"redis://127.0.0.1:{redis_port}/1",
        str(tmp / "private"),
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        CLIENT_IP_HEADER="HTTP_X_REAL_IP",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        EXPORT_INLINE_MAX_ROWS="1",
    )
    server = None
    try:
        common.setup_django(env)
        from django.db import connection

        common.prepare_database()
        pks = outage_data(
            PROJECTS, PHASES, {"desk": DESK_EMAIL, "business": BUSINESS_EMAIL}, PASSWORD
        )
        connection.close()
        server = Gunicorn(
            env, tmp / "gunicorn.log", int(os.environ.get("BENCH_PORT") or common.free_port())
        )
        server.start()
        phases = {
            name: run_phase(name, number, server, redis, pks[name])
            for number, name in enumerate(PHASES)
        }
        swept = sweep(env, redis_port)
    finally:
        if server is not None:
            server.stop()
        redis.stop()
    verdict = judge(phases)
    up_rps = phases["up"]["public_list_wrk"]["rps"]
    result = {
        "database": connection.vendor,
        "lc_ctype": ctype,
        "server": server.config,
        "redis": f"redis-server on 127.0.0.1:{redis_port} (cache db 1, broker db 0, no worker)",
        "uptime": common.uptime(),
        "phases": phases,
        "public_list_rps_ratio_to_up": {
            name: round(phase["public_list_wrk"]["rps"] / up_rps, 3)
            for name, phase in phases.items()
        },
        **verdict,
        "sweep": swept,
        "nothing_lost": swept["rows_left"] == 0 and swept["given_up"] == 0,
    }
    report(result)
    common.write_result("outage", result)
    return 0


def report(result: dict) -> None:
    server, phases = result["server"], result["phases"]
    print(
        f"Outage: gunicorn -c {server['config']} ({server['workers']} {server['worker_class']} "
        f"workers x {server['threads']} threads), DEBUG off, {result['database']}; "
        f"{result['redis']}; phases: Redis up, stopped, started again"
    )
    print(f"load: {result['uptime']}")
    print(f"{'request':<26}" + "".join(f"{name:>18}" for name in PHASES))
    ratios = result["time_ratio_to_up"]
    for action in ACTIONS:
        cells = []
        for name in PHASES:
            status = phases[name]["statuses"].get(action)
            ratio = ratios[name].get(action)
            cells.append(f"{status} (×{ratio:.1f})" if ratio is not None else f"{status}")
        print(f"{action:<26}" + "".join(f"{cell:>18}" for cell in cells))
    print(
        f"{'public list req/s ÷ up':<26}"
        + "".join(f"{result['public_list_rps_ratio_to_up'][name]:>18.2f}" for name in PHASES)
    )
    print(
        f"{'  wrk non-2xx / socket err':<26}"
        + "".join(
            f"{phases[n]['public_list_wrk']['non_2xx']:>12} / {phases[n]['public_list_wrk']['socket_errors']:<3}"
            for n in PHASES
        )
    )
    print(
        f"{'  workers recycled':<26}"
        + "".join(f"{phases[name]['workers_recycled']:>18}" for name in PHASES)
    )
    print(
        f"{'5xx in the access log':<26}"
        + "".join(f"{len(phases[name]['server_errors']):>18}" for name in PHASES)
    )
    print(
        f"{'task rows kept (outbox)':<26}"
        + "".join(f"{phases[name]['queued_tasks_after']:>18}" for name in PHASES)
    )
    print(
        f"{'e-mails written':<26}"
        + "".join(f"{phases[name]['written']['emails']:>18}" for name in PHASES)
    )
    swept = result["sweep"]
    print(
        f"5xx in all: {result['five_xx']} (must be 0); send_queued_tasks after the restart "
        f"(waited {swept['waited_s']} s for its grace): {swept['rows_before']} rows → "
        f"{swept['command_output'] or 'no output'}; rows left {swept['rows_left']}, given up "
        f"{swept['given_up']}; broker queues {swept['broker_queues']}; outbox e-mails by "
        f"status {swept['emails_by_status']}; nothing lost: {result['nothing_lost']}"
    )
    for item in result["unexpected"]:
        print(
            f"  UNEXPECTED {item['phase']}: {item['action']} answered {item['status']} "
            f"(expected {item['expected']})"
        )
    for name in PHASES:
        for error in phases[name]["server_errors"][:5]:
            print(f"  {name}: {error['status']} {error['method']} {error['path']}")
        for trace in phases[name]["tracebacks"][:2]:
            print(f"  {name}: gunicorn log:\n{trace}")
    print("(×n: the request's time as a multiple of its time with Redis up, one request each)")


if __name__ == "__main__":
    sys.exit(main())
