"""The public pages while the desk works: public req/s idle against under desk load.

The issue: "Measured: 8 busy desk connections cut the public list from 1,824 to 13.5 req/s.
The public list and detail must not queue behind desk work … make bench reports public req/s
idle vs under desk load; target ≥ 50 %."

What it does:

1. a throw-away database with BENCH_LOAD_PROPOSALS (20,000) proposals (``manage.py
   seed_bench``: the desk's inbox and proposal pages have real work to do) and BENCH_PROJECTS
   (2,000) published projects (``manage.py seed_bench_projects``);
2. gunicorn ``-c config/gunicorn.conf.py`` (the shipped workers and threads), DEBUG off, Redis
   as the cache when it answers (database BENCH_REDIS_DB, 13, emptied), else the database;
3. the desk member ``bench-desk@example.jp`` signed in (a session in the session store); its
   pages checked to answer 200 through gunicorn;
4. BENCH_ROUNDS (3) rounds; in each, for the public list (``/projects/``) and a public
   project's page (``/projects/<pk>/``), anonymous ``wrk -t2 -c8 --latency`` for
   BENCH_WRK_SECONDS (5) **idle**, and again **under desk load**: a second wrk with
   BENCH_DESK_CONNECTIONS (8) connections carrying the desk's session cookie, going round
   the inbox (plain, sorted, filtered, searched) and 50 proposals' pages, started a second
   before and stopped after. The order idle/loaded alternates every round;
5. the medians, the ratio loaded/idle per target (target ≥ 0.5) and per round, the latency
   percentiles, the desk's own req/s and non-2xx answers, and the workers max_requests
   recycled meanwhile.

Prints a table and writes bench/results/load-<time>.json. Needs wrk.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 — the project root is on the path from here on
from bench.common import Browser, Gunicorn  # noqa: E402

PROPOSALS = int(os.environ.get("BENCH_LOAD_PROPOSALS", "20000"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
DESK_CONNECTIONS = int(os.environ.get("BENCH_DESK_CONNECTIONS", "8"))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
TARGET_RATIO = 0.5
#: Workers of the public pages' own instance (the README's production layout).
PUBLIC_WORKERS = int(os.environ.get("BENCH_PUBLIC_WORKERS", "2"))
DESK_EMAIL = "bench-desk@example.jp"

# wrk goes round the desk's pages, one after another per connection.
DESK_LUA = """
local paths = {PATHS}
local counter = 0
function init(args)
  counter = tonumber(args[1] or "0")
end
function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end
"""


# --- pure helpers (tests/test_bench.py) -----------------------------------------------------


def desk_script(paths: list[str]) -> str:
    """The Lua script that makes wrk go round ``paths``."""
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    return DESK_LUA.replace("{PATHS}", "{" + quoted + "}")


def order(round_number: int) -> list[str]:
    """Idle first in even rounds, loaded first in odd ones."""
    return ["idle", "loaded"] if round_number % 2 == 0 else ["loaded", "idle"]


def summarize(samples: dict[str, dict[str, list[float]]]) -> dict:
    """``samples[target][condition]`` req/s per round → medians, ratio loaded/idle of the
    medians (the figure with the target) and of each round."""
    out = {}
    for target, by_condition in samples.items():
        idle, loaded = by_condition["idle"], by_condition["loaded"]
        per_round = [round(lo / i, 3) if i else 0.0 for i, lo in zip(idle, loaded, strict=True)]
        median_idle, median_loaded = statistics.median(idle), statistics.median(loaded)
        ratio = round(median_loaded / median_idle, 3) if median_idle else 0.0
        out[target] = {
            "idle_rps": round(median_idle, 1),
            "loaded_rps": round(median_loaded, 1),
            "ratio": ratio,
            "ratio_per_round": per_round,
            "target_met": ratio >= TARGET_RATIO,
        }
    return out


# --- the benchmark --------------------------------------------------------------------------


def desk_paths(proposal_pks: list[int], programme_pk: int) -> list[str]:
    return [
        "/desk/",
        "/desk/?sort=title",
        f"/desk/?state=dialogue&state=coordination&programme={programme_pk}",
        "/desk/?q=" + quote("防災"),
        "/desk/?overdue=yes",
        *[f"/proposals/{pk}/" for pk in proposal_pks],
    ]


class DeskLoad:
    """wrk on the desk's pages in the background, signed in with ``cookie``."""

    def __init__(self, url: str, script: Path, cookie: str):
        self.url, self.script, self.cookie, self.process = url, script, cookie, None

    def start(self, seconds: float, nonce: int) -> None:
        command = [
            "wrk",
            "-t2",
            f"-c{DESK_CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-H",
            f"Cookie: {self.cookie}",
            "-s",
            str(self.script),
            self.url,
            "--",
            str(nonce),
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def result(self) -> dict:
        output, _ = self.process.communicate(timeout=120)
        return common.parse_wrk(output)


def main() -> int:
    if shutil.which("wrk") is None:
        print(f"load bench not run: {common.INSTALL_WRK}")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="kyoso-load-bench-"))
    database_url, ctype = common.bench_database(tmp)
    redis = common.redis_answers()
    env = common.production_env(
        database_url,
        f"redis://127.0.0.1:6379/{REDIS_DB}" if redis else None,
        str(tmp / "private"),
    )
    common.setup_django(env)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from core.models import User
    from projects.selectors import public_projects
    from proposals.models import Proposal
    from themes.models import Programme

    common.prepare_database()
    devnull = open(os.devnull, "w")
    started = time.perf_counter()
    call_command("seed_bench", proposals=PROPOSALS, timeline=0, stdout=devnull)
    call_command("seed_bench_projects", projects=PROJECTS, stdout=devnull)
    seed_seconds = time.perf_counter() - started
    desk = User.objects.get(email=DESK_EMAIL)
    cookie = common.session_cookie_for(desk)
    pks = list(
        Proposal.objects.exclude(state="draft")
        .order_by("-submitted_at")
        .values_list("pk", flat=True)[:50]
    )
    paths = desk_paths(pks, Programme.objects.get(code="bench-jissho").pk)
    project = public_projects().order_by("pk").first()
    script = tmp / "desk.lua"
    script.write_text(desk_script(paths))
    connection.close()

    port = int(os.environ.get("BENCH_PORT") or common.free_port())
    server = Gunicorn(env, tmp / "gunicorn.log", port)
    targets = {"list": "/projects/", "detail": f"/projects/{project.pk}/"}
    cookie_header = "; ".join(f"{k}={v}" for k, v in cookie.items())
    load = DeskLoad(f"http://127.0.0.1:{port}/desk/", script, cookie_header)
    layouts = {}
    try:
        server.start()
        browser = Browser(port, cookies=dict(cookie))
        for path in paths[:6]:
            answer = browser.get(path)
            if answer.status != 200:
                raise SystemExit(f"desk page {path} answered {answer.status}; nothing measured")
        load.start(2, 0)  # warm the desk pages
        load.result()
        # 1. the shipped default: the public pages on the same workers as the desk's.
        layouts["one instance"] = measure(server, server, targets, load)
        # 2. the README's production layout: the proxy sends the public pages to an instance
        #    of their own (the same configuration, PUBLIC_WORKERS workers).
        public = Gunicorn(
            {**env, "WEB_CONCURRENCY": str(PUBLIC_WORKERS)},
            tmp / "gunicorn-public.log",
            common.free_port(),
        )
        try:
            public.start()
            layouts["public instance"] = measure(public, server, targets, load)
        finally:
            public.stop()
    finally:
        server.stop()
    result = {
        "database": connection.vendor,
        "lc_ctype": ctype,
        "cache": "redis" if redis else "database",
        "server": server.config,
        "proposals": PROPOSALS,
        "projects": PROJECTS,
        "seed_seconds": round(seed_seconds, 1),
        "uptime": common.uptime(),
        "wrk": {
            "connections": CONNECTIONS,
            "desk_connections": DESK_CONNECTIONS,
            "seconds": SECONDS,
            "rounds": ROUNDS,
        },
        "desk_paths": paths,
        "layouts": layouts,
        "target_ratio": TARGET_RATIO,
        "public_cache_setting_recheck_s": settings.PUBLIC_CACHE_RECHECK_SECONDS,
    }
    report(result)
    common.write_result("load", result)
    return 0


def measure(public: Gunicorn, desk: Gunicorn, targets: dict[str, str], load: DeskLoad) -> dict:
    """The public ``targets`` on the ``public`` server, idle and while ``load`` runs on the
    ``desk`` server (the same one, or another): req/s, latency, the desk's own figures."""
    base = f"http://127.0.0.1:{public.port}"
    for path in targets.values():
        if Browser(public.port).get(path).status != 200:
            raise SystemExit(f"public page {path} did not answer 200; nothing measured")
        common.run_wrk(base + path, 2, connections=CONNECTIONS)  # warm every worker's cache
    samples = {t: {"idle": [], "loaded": []} for t in targets}
    latency = {t: {"idle": [], "loaded": []} for t in targets}
    desk_runs, probes = [], []
    marks = {server.port: server.log_size() for server in (public, desk)}
    for round_number in range(ROUNDS):
        for target, path in targets.items():
            for condition in order(round_number):
                if condition == "loaded":
                    load.start(SECONDS + 2, round_number * 1000)
                    time.sleep(1)
                run = common.run_wrk(
                    base + path, SECONDS, connections=CONNECTIONS, latency=True, strict=False
                )
                samples[target][condition].append(run["rps"])
                latency[target][condition].append(run.get("latency_ms", {}))
                if condition == "loaded":
                    # Still under desk load: were public answers the kept page?
                    probes.extend(
                        Browser(public.port).get(path).headers.get("x-public-cache", "none")
                        for _ in range(5)
                    )
                    desk_runs.append(load.result())
                if run["non_2xx"] or run["socket_errors"]:
                    print(f"NOTE: {path} {condition}: {run}")
    servers = {server.port: server for server in (public, desk)}.values()
    return {
        "summary": summarize(samples),
        "samples_rps": samples,
        "latency_ms": latency,
        "desk_under_load": {
            "median_rps": round(statistics.median(r["rps"] for r in desk_runs), 1),
            "non_2xx": sum(r["non_2xx"] for r in desk_runs),
            "socket_errors": sum(r["socket_errors"] for r in desk_runs),
        },
        "workers_recycled": sum(server.booted(marks[server.port]) for server in servers),
        "public_cache_under_load": dict(Counter(probes)),
        "server_errors": [
            error
            for server in servers
            for error in common.server_errors(server.log_text(marks[server.port]))
        ][:20],
        "config": public.config,
    }


def _p(values: list[dict], key: str) -> str:
    found = [v[key] for v in values if key in v]
    return f"{statistics.median(found):.1f}" if found else "-"


def report(result: dict) -> None:
    server = result["server"]
    print(
        f"Public pages under desk load: gunicorn -c {server['config']} ({server['workers']} "
        f"{server['worker_class']} workers x {server['threads']} threads), DEBUG off, "
        f"{result['database']}, cache {result['cache']}; {result['proposals']:,} proposals, "
        f"{result['projects']:,} projects; wrk -t2 -c{result['wrk']['connections']} against "
        f"{result['wrk']['desk_connections']} signed-in desk connections, median of "
        f"{result['wrk']['rounds']} rounds of {result['wrk']['seconds']} s"
    )
    print(f"load: {result['uptime']}")
    print(
        f"{'public page':<26} {'idle req/s':>11} {'loaded req/s':>13} {'loaded/idle':>12} "
        f"{'per round':>20} {'p50 ms idle→loaded':>20} {'p99 ms idle→loaded':>20}"
    )
    for layout, measured in result["layouts"].items():
        for target, row in measured["summary"].items():
            lat = measured["latency_ms"][target]
            print(
                f"{layout + ': ' + target:<26} {row['idle_rps']:>11.1f} "
                f"{row['loaded_rps']:>13.1f} {row['ratio']:>12.3f} "
                f"{', '.join(f'{r:.2f}' for r in row['ratio_per_round']):>20} "
                f"{_p(lat['idle'], 'p50') + '→' + _p(lat['loaded'], 'p50'):>20} "
                f"{_p(lat['idle'], 'p99') + '→' + _p(lat['loaded'], 'p99'):>20}"
            )
    for layout, measured in result["layouts"].items():
        desk, config = measured["desk_under_load"], measured["config"]
        met = all(row["target_met"] for row in measured["summary"].values())
        print(
            f"{layout} ({config['workers']} workers for the public pages): target loaded/idle "
            f"≥ {TARGET_RATIO} {'met' if met else 'MISSED'}; desk meanwhile {desk['median_rps']} "
            f"req/s ({desk['non_2xx']} non-2xx, {desk['socket_errors']} socket errors); workers "
            f"recycled by max_requests {server['max_requests']}: {measured['workers_recycled']}; "
            f"5xx: {len(measured['server_errors'])}; X-Public-Cache probed under load: "
            + ", ".join(f"{k} {v}" for k, v in measured["public_cache_under_load"].items())
        )


if __name__ == "__main__":
    sys.exit(main())
