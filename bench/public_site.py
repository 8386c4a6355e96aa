"""The public project list under the production set-up, beside a static file of the same size.

Issue 6, point 8: the public list must serve at least 0.8 of the requests per second that the
same server gives a static file of the same size (a cached page through Django's whole
middleware stack against whitenoise). Machines here are shared and noisy, so only ratios
measured in the same run count, never a lone requests-per-second figure.

What it does:

1. a throw-away database (SQLite in a temporary folder, or PostgreSQL at BENCH_DATABASE_URL,
   flushed) with BENCH_SMALL_PROJECTS published projects, then BENCH_PROJECTS in all
   (``manage.py seed_bench_projects``); the list's query count, rendered (cold) and from
   the cache, is taken in-process with ``CaptureQueriesContext`` for both sizes;
2. ``collectstatic``, and the list page's own bytes written to
   ``STATIC_ROOT/bench/list-page-size.html`` before gunicorn starts (whitenoise indexes the
   files at start-up) — the static file is exactly as large as the page;
3. gunicorn with the shipped configuration (``-c config/gunicorn.conf.py``: gthread workers,
   as many as it gives this machine; BENCH_WORKERS / BENCH_THREADS override WEB_CONCURRENCY /
   GUNICORN_THREADS), DJANGO_DEBUG=0, Redis as the cache when it answers at 127.0.0.1:6379
   (database BENCH_REDIS_DB, default 13, cleared first), otherwise the database cache;
4. ``wrk`` against the static file, the list (anonymous: the cached path) and the list with a
   query parameter that changes on every request (every request misses the cache: render,
   queries and the cache write), BENCH_ROUNDS alternating rounds of BENCH_WRK_SECONDS each;
   the medians and the ratios to the static file are printed and written to
   ``bench/results/public-site-<time>.json``.

gunicorn is stopped and the bench file removed whatever happens. Needs ``wrk`` (Debian:
``apt-get install -y wrk``).

Environment: BENCH_PROJECTS (2000), BENCH_SMALL_PROJECTS (20), BENCH_ROUNDS (5),
BENCH_WRK_SECONDS (5), BENCH_WORKERS, BENCH_THREADS (default: the shipped config), BENCH_CONNECTIONS (8),
BENCH_WRK_THREADS (2), BENCH_PORT (8765), BENCH_REDIS_DB (13), BENCH_DATABASE_URL.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 — the project root is on the path from here on
from bench.common import (  # noqa: E402, F401 — parse_wrk, production_env: tests/test_bench.py
    INSTALL_WRK,
    Gunicorn,
    fetch,
    parse_wrk,
    production_env,
    redis_answers,
)

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "2000"))
SMALL = int(os.environ.get("BENCH_SMALL_PROJECTS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))

TARGET_RATIO = 0.8
LIST_PATH = "/projects/"
STATIC_NAME = "bench/list-page-size.html"

# Every request gets a query string no earlier request had (per wrk thread, per run): the page
# cache misses every time, so this measures rendering (and storing) the page.
UNCACHED_LUA = (
    """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  nonce = args[1] or "0"
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, "LIST_PATH?nocache=" .. nonce .. "-" .. tid .. "-" .. counter)
end
"""
).replace("LIST_PATH", LIST_PATH)


# --- helpers (also used by tests/test_bench.py) ---------------------------------------------


def summarize(samples: dict[str, list[float]]) -> dict:
    """Median requests/second per target and the ratios to the static file's median.

    Also the median of the ratios within each round (the targets of one round run within
    seconds of each other): a second view of the same figure that a burst of load elsewhere
    on the machine during one measurement moves less.
    """
    medians = {name: statistics.median(values) for name, values in samples.items()}
    static = medians["static"]
    per_round = [lst / st for lst, st in zip(samples["list"], samples["static"], strict=True)]
    return {
        "median_rps": {name: round(value, 1) for name, value in medians.items()},
        "ratio_list_static": round(medians["list"] / static, 3),
        "ratio_uncached_static": round(medians["uncached"] / static, 3),
        "ratio_list_static_per_round": [round(ratio, 3) for ratio in per_round],
        "median_round_ratio_list_static": round(statistics.median(per_round), 3),
        "target_ratio": TARGET_RATIO,
        "target_met": medians["list"] / static >= TARGET_RATIO,
    }


def rotation(round_number: int, names=("static", "list", "uncached")) -> list[str]:
    """The order of the targets in a round: rotated every round, so none always goes first."""
    shift = round_number % len(names)
    return list(names[shift:] + names[:shift])


def run_wrk(url: str, seconds: int, script: Path | None = None, nonce: str = "0") -> dict:
    return common.run_wrk(
        url,
        seconds,
        threads=WRK_THREADS,
        connections=CONNECTIONS,
        script=script,
        script_args=(nonce,) if script is not None else (),
    )


# --- the benchmark --------------------------------------------------------------------------


def main() -> int:
    if shutil.which("wrk") is None:
        print(f"public-site bench not run: {INSTALL_WRK}")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="kyoso-public-bench-"))
    database_url, ctype = common.bench_database(tmp)
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}" if redis_answers() else None
    env = production_env(database_url, redis_url, str(tmp / "private"))
    os.environ.clear()
    os.environ.update(env)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from projects import public_cache

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    cache.clear()  # the bench's own Redis database, or the (new or flushed) cache table
    # Before any page is rendered: with DEBUG off, {% static %} reads collectstatic's manifest.
    call_command("collectstatic", interactive=False, verbosity=0)

    client = Client(HTTP_HOST="127.0.0.1")

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(
                f"GET {path} answered {response.status_code}: the public list is "
                "not working yet; nothing measured."
            )
        return response

    def query_counts() -> dict:
        public_cache.bump_generation()
        with CaptureQueriesContext(connection) as cold:
            first = get(LIST_PATH)
        with CaptureQueriesContext(connection) as warm:
            second = get(LIST_PATH)
        return {
            "cold": len(cold.captured_queries),
            "cached": len(warm.captured_queries),
            "cold_cache_header": first.headers.get("X-Public-Cache", ""),
            "cached_cache_header": second.headers.get("X-Public-Cache", ""),
        }

    def server_ms(path_of, repeat: int = 15) -> float:
        times = []
        for i in range(repeat):
            started = time.perf_counter()
            get(path_of(i))
            times.append(time.perf_counter() - started)
        return round(statistics.median(times) * 1000, 2)

    devnull = open(os.devnull, "w")
    call_command("seed_bench_projects", projects=SMALL, stdout=devnull)
    queries_small = query_counts()
    started = time.perf_counter()
    call_command("seed_bench_projects", projects=PROJECTS - SMALL, stdout=devnull)
    seed_seconds = time.perf_counter() - started
    queries_large = query_counts()
    nonce = str(time.time_ns())
    in_process = {
        "cached_ms": server_ms(lambda i: LIST_PATH),
        "uncached_ms": server_ms(lambda i: f"{LIST_PATH}?nocache={nonce}-{i}"),
    }

    page = get(LIST_PATH).content
    static_file = Path(settings.STATIC_ROOT) / STATIC_NAME
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(page)
    script = tmp / "uncached.lua"
    script.write_text(UNCACHED_LUA)
    connection.close()

    server = Gunicorn(env, tmp / "gunicorn.log", PORT)
    base = f"http://127.0.0.1:{PORT}"
    urls = {"static": f"{base}/static/{STATIC_NAME}", "list": f"{base}{LIST_PATH}"}
    samples: dict[str, list[float]] = {"static": [], "list": [], "uncached": []}
    try:
        server.start()
        fetch(urls["list"])
        status, headers, body = fetch(urls["list"])
        # The second request may reach another worker: kept by it ("hit") or by the shared
        # cache ("shared") are both the cached path.
        if status != 200 or headers.get("X-Public-Cache") not in ("hit", "shared"):
            raise SystemExit(
                f"GET {LIST_PATH} through gunicorn: {status}, X-Public-Cache "
                f"{headers.get('X-Public-Cache')!r}; expected 200 from the cache."
            )
        if len(body) != len(page):
            # The page differs between the in-process client and gunicorn: use gunicorn's.
            static_file.write_bytes(body)
            server.stop()
            server.start()
        status, _h, static_body = fetch(urls["static"])
        page_bytes = len(body)
        assert status == 200 and len(static_body) == page_bytes, (status, len(static_body))

        def measure(name: str, seconds: int, run_nonce: str) -> dict:
            if name == "uncached":
                return run_wrk(urls["list"], seconds, script, run_nonce)
            return run_wrk(urls[name], seconds)

        mark = server.log_size()
        for name in samples:  # warm up: workers, connections, caches
            measure(name, 2, f"warm-{nonce}")
        for round_number in range(ROUNDS):
            for name in rotation(round_number):
                samples[name].append(measure(name, SECONDS, f"{nonce}-{round_number}")["rps"])
        # Workers the shipped max_requests recycled while wrk ran (each one starts with an
        # empty page cache of its own).
        booted = server.booted(mark)
    finally:
        server.stop()
        static_file.unlink(missing_ok=True)
        try:
            static_file.parent.rmdir()
        except OSError:
            pass

    summary = summarize(samples)
    result = {
        "database": connection.vendor,
        "lc_ctype": ctype,
        "cache": "redis" if redis_url else "database",
        "server": {**server.config, "debug": False, "workers_recycled_under_wrk": booted},
        "wrk": {
            "threads": WRK_THREADS,
            "connections": CONNECTIONS,
            "seconds": SECONDS,
            "rounds": ROUNDS,
        },
        "projects": {"small": SMALL, "large": PROJECTS},
        "seed_seconds": round(seed_seconds, 2),
        "page_bytes": page_bytes,
        "samples_rps": samples,
        **summary,
        "queries": {
            "small": queries_small,
            "large": queries_large,
            "constant": (
                queries_small["cold"] == queries_large["cold"]
                and queries_small["cached"] == queries_large["cached"]
            ),
        },
        "in_process_server_ms": in_process,
    }

    print(
        f"Public list under gunicorn -c {server.config['config']} ({server.config['workers']} "
        f"{server.config['worker_class']} workers x {server.config['threads']} threads, "
        f"{booted} recycled under wrk by max_requests {server.config['max_requests']}), "
        f"DEBUG off, cache in "
        f"{result['cache']}, {connection.vendor}), {PROJECTS:,} published projects, page "
        f"{page_bytes:,} bytes; wrk -t{WRK_THREADS} -c{CONNECTIONS}, median of {ROUNDS} "
        f"alternating rounds of {SECONDS} s"
    )
    print(f"{'target':<44} {'req/s':>9} {'ratio':>7}")
    labels = {
        "static": "static file, same size (whitenoise)",
        "list": f"{LIST_PATH} cached (anonymous)",
        "uncached": f"{LIST_PATH} uncached (cache miss every request)",
    }
    for name, label in labels.items():
        median = summary["median_rps"][name]
        print(f"{label:<44} {median:>9.1f} {median / summary['median_rps']['static']:>7.2f}")
    print(
        f"list/static {summary['ratio_list_static']:.2f} (target ≥ {TARGET_RATIO}: "
        f"{'met' if summary['target_met'] else 'MISSED'}; per round "
        f"{', '.join(f'{r:.2f}' for r in summary['ratio_list_static_per_round'])}, median "
        f"{summary['median_round_ratio_list_static']:.2f}); uncached/static "
        f"{summary['ratio_uncached_static']:.2f}"
    )
    print(
        f"queries on {LIST_PATH}: rendered {queries_small['cold']} ({SMALL} projects) / "
        f"{queries_large['cold']} ({PROJECTS:,}), from the cache {queries_small['cached']} / "
        f"{queries_large['cached']}; constant {result['queries']['constant']}"
    )
    print(
        f"in-process server time: cached {in_process['cached_ms']} ms, uncached "
        f"{in_process['uncached_ms']} ms"
    )
    common.write_result("public-site", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
