"""The benchmark's own parts, without running the benchmark: wrk's report is read right, the
uncached requests really are all different, the ratios are computed from medians, and the
bench data command creates published projects the public list shows."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support import require

BENCH = Path(__file__).resolve().parents[1] / "bench" / "public_site.py"
spec = importlib.util.spec_from_file_location("bench_public_site", BENCH)
public_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(public_site)

WRK_REPORT = """Running 5s test @ http://127.0.0.1:8765/projects/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.12ms    2.31ms  30.05ms   80.12%
    Req/Sec   563.21     41.10   640.00     71.00%
  5611 requests in 5.00s, 203.31MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1121.58
Transfer/sec:     40.63MB
"""


@pytest.mark.unit
def test_parse_wrk_reads_rate_requests_and_failures():
    assert public_site.parse_wrk(WRK_REPORT) == {
        "rps": 1121.58,
        "requests": 5611,
        "non_2xx": 4,
        "socket_errors": 3,
    }
    clean = "\n".join(
        line
        for line in WRK_REPORT.splitlines()
        if not line.lstrip().startswith(("Socket", "Non-2xx"))
    )
    assert public_site.parse_wrk(clean)["non_2xx"] == 0
    with pytest.raises(ValueError, match="Requests/sec"):
        public_site.parse_wrk("unable to connect to 127.0.0.1:8765 Connection refused")


@pytest.mark.unit
def test_summary_uses_medians_and_the_static_file_as_the_reference():
    summary = public_site.summarize(
        {"static": [1000, 900, 5000], "list": [850, 100, 950], "uncached": [300, 320, 10]}
    )
    assert summary["median_rps"] == {"static": 1000, "list": 850, "uncached": 300}
    assert summary["ratio_list_static"] == 0.85
    assert summary["ratio_uncached_static"] == 0.3
    assert summary["target_met"] is True
    assert summary["ratio_list_static_per_round"] == [0.85, 0.111, 0.19]
    assert summary["median_round_ratio_list_static"] == 0.19
    assert (
        public_site.summarize({"static": [1000], "list": [790], "uncached": [1]})["target_met"]
        is False
    )


@pytest.mark.unit
def test_rounds_rotate_the_order():
    orders = [public_site.rotation(n) for n in range(3)]
    assert [order[0] for order in orders] == ["static", "list", "uncached"]
    assert all(sorted(order) == ["list", "static", "uncached"] for order in orders)


@pytest.mark.unit
def test_production_environment_turns_debug_off_and_uses_the_bench_cache():
    env = public_site.production_env(
        "sqlite:////tmp/x.sqlite3", "redis://127.0.0.1:6379/13", "/tmp/media"
    )
    assert env["DJANGO_DEBUG"] == "0" and env["DJANGO_SECURE_SSL_REDIRECT"] == "0"
    assert env["DJANGO_ALLOWED_HOSTS"] == "127.0.0.1" and len(env["DJANGO_SECRET_KEY"]) >= 50
    assert env["REDIS_CACHE_URL"].endswith("/13") and "CELERY_BROKER_URL" not in env
    assert "REDIS_CACHE_URL" not in public_site.production_env("sqlite://", None, "/tmp/m")
    # Static files of the bench's own, beside its media: never the project's staticfiles/.
    assert env["STATIC_ROOT"] == "/tmp/static"


@pytest.mark.unit
def test_uncached_script_never_repeats_a_url(tmp_path):
    """Two wrk threads, several connections: every request has a query string of its own
    (else the 'uncached' figure would include cache hits)."""
    require(shutil.which("wrk") is not None, public_site.INSTALL_WRK)
    paths, lock = [], threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            with lock:
                paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script = tmp_path / "uncached.lua"
    script.write_text(public_site.UNCACHED_LUA)
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c4",
                "-d1s",
                "-s",
                str(script),
                f"http://127.0.0.1:{server.server_address[1]}/",
                "--",
                "round7",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        server.shutdown()
        server.server_close()
    report = public_site.parse_wrk(done.stdout)
    assert report["requests"] >= 20 and report["non_2xx"] == 0
    assert len(paths) >= 20
    assert len(set(paths)) == len(paths)
    assert all(path.startswith(f"{public_site.LIST_PATH}?nocache=round7-") for path in paths)


@pytest.mark.django_db
@pytest.mark.integration
def test_seed_bench_projects_creates_published_projects():
    from projects.models import Project, Status
    from projects.selectors import public_projects

    call_command("seed_bench_projects", projects=40, stdout=StringIO())
    assert public_projects().count() == Project.objects.count() == 40
    for project in public_projects():
        assert project.public_title and project.public_summary_en
        assert project.fields.all() and project.departments.all()
        assert project.proposal.state in ("adopted", "agreement", "in_field", "completed")
        assert project.period_end >= project.period_start
        assert (project.agreement_date is None) == (project.proposal.state == "adopted")
    assert len(set(Project.objects.values_list("status", flat=True))) >= 3
    assert set(Project.objects.values_list("status", flat=True)) <= set(Status.values)
    # Again: more projects, new receipt numbers.
    call_command("seed_bench_projects", projects=10, stdout=StringIO())
    assert public_projects().count() == 50
