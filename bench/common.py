"""What the bench parts that run the production server share.

* the throw-away database (PostgreSQL ``kyoso_bench`` created with a C.UTF-8 ctype, or SQLite
  in a temporary folder) and the production environment (DEBUG off, a bench secret key);
* gunicorn started with the **shipped configuration** (``-c config/gunicorn.conf.py``: gthread
  workers, ``WEB_CONCURRENCY`` workers of ``GUNICORN_THREADS`` threads, its access log), on a
  bench port, stopped whatever happens; its log is kept to count statuses and find tracebacks;
* ``wrk`` and its report, percentiles, and a tiny HTTP client that keeps cookies the way a
  browser would (the session and CSRF cookies are marked Secure in production; the bench plays
  the proxy that ends TLS, so it sends them over plain HTTP like the proxy does).

Pure helpers (no server, no database) are tested in tests/test_bench.py.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.conf.py"
SECRET_KEY = "bench-only-secret-key-not-for-production-" + "x" * 20
INSTALL_WRK = "wrk is not installed. Install it with: apt-get install -y wrk  (Debian package wrk)"
HOST = "127.0.0.1"


# --- the database and the environment -------------------------------------------------------


def ensure_postgres_database(url: str) -> str:
    """Create the bench database (UTF-8, ctype C.UTF-8) if it does not exist; return its ctype."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SELECT datctype FROM pg_database WHERE datname = %s", [name]).fetchone()
        if row is None:
            conn.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
            return "C.UTF-8"
        return row[0]


def bench_database(tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL, its ctype): BENCH_DATABASE_URL (created if missing), else SQLite in tmp."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url, ensure_postgres_database(url)
    return f"sqlite:///{tmp}/bench.sqlite3", None


def redis_answers(host: str = HOST, port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(
    database_url: str, redis_url: str | None, media: str, **extra: str | None
) -> dict[str, str]:
    """The environment of the production set-up, for gunicorn and the in-process client.
    ``extra`` adds variables (a value of None removes one)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "REDIS_CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "PRIVATE_MEDIA_ROOT": media,
            # Static files of its own: collectstatic here never races a test run's.
            "STATIC_ROOT": str(Path(media).parent / "static"),
            "LOG_LEVEL": "ERROR",
        }
    )
    if redis_url:
        env["REDIS_CACHE_URL"] = redis_url
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def setup_django(env: dict[str, str]) -> None:
    """Make this process the production set-up (settings read the environment once)."""
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def prepare_database(*, static: bool = True) -> None:
    """Migrate, empty (PostgreSQL is flushed; SQLite is new), clear the cache, collectstatic."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    cache.clear()
    if static:
        # Before any page is rendered: with DEBUG off, {% static %} reads the manifest.
        call_command("collectstatic", interactive=False, verbosity=0)


def write_result(prefix: str, result: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return out


# --- gunicorn with the shipped configuration ------------------------------------------------


def shipped_config(env: dict[str, str]) -> dict:
    """Workers, threads and worker class that config/gunicorn.conf.py gives under ``env``."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        values = runpy.run_path(str(GUNICORN_CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "config": str(GUNICORN_CONFIG.relative_to(ROOT)),
        "workers": values["workers"],
        "threads": values["threads"],
        "worker_class": values["worker_class"],
        "max_requests": values["max_requests"],
        "timeout": values["timeout"],
    }


def server_env(env: dict[str, str], port: int) -> dict[str, str]:
    """``env`` plus the bind address; BENCH_WORKERS / BENCH_THREADS override the config's."""
    env = dict(env, GUNICORN_BIND=f"{HOST}:{port}")
    if os.environ.get("BENCH_WORKERS"):
        env["WEB_CONCURRENCY"] = os.environ["BENCH_WORKERS"]
    if os.environ.get("BENCH_THREADS"):
        env["GUNICORN_THREADS"] = os.environ["BENCH_THREADS"]
    return env


class Gunicorn:
    """``gunicorn -c config/gunicorn.conf.py config.wsgi`` on 127.0.0.1:port; its access and
    error log go to ``log``. ``stop`` ends it and its workers."""

    def __init__(self, env: dict, log: Path, port: int):
        self.env, self.log, self.port, self.process = server_env(env, port), log, port, None
        self.config = shipped_config(self.env)

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "config.wsgi"]
        self.started_at = self.log_size()
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see "
                    f"{self.log}:\n{self.log_text()[-3000:]}"
                )
            try:
                status, _headers, _body = fetch(f"http://{HOST}:{self.port}/healthz")
            except OSError:
                status = 0
            if status == 200 and self.booted() >= self.config["workers"]:
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 90 s; see {self.log}")

    def booted(self, since: int | None = None) -> int:
        """Workers booted since ``since`` (a log offset; default: this start)."""
        start = self.started_at if since is None else since
        return self.log_text(start).count("Booting worker with pid")

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_text(self, since: int = 0) -> str:
        if not self.log.exists():
            return ""
        with open(self.log, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the arbiter stops its workers
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


ACCESS_LINE = re.compile(r'^\S+ "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) ', re.M)


def access_statuses(log_text: str) -> Counter:
    """Responses by status in the shipped access log format (``h "r" s b Mms ref=…``)."""
    return Counter(int(m.group("status")) for m in ACCESS_LINE.finditer(log_text))


def server_errors(log_text: str) -> list[dict]:
    """The 5xx lines of an access log: method, path, status."""
    return [
        {"method": m.group("method"), "path": m.group("path"), "status": int(m.group("status"))}
        for m in ACCESS_LINE.finditer(log_text)
        if m.group("status").startswith("5")
    ]


#: A line that starts something new in a server log: an access line, a gunicorn line, a log
#: record of the application's format (``LEVEL logger [ref]: …``).
LOG_RECORD = re.compile(
    r'^(\S+ "[A-Z]+ \S+ |\[\d{4}-\d\d-\d\d |(DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ \[)'
)
ERROR_START = re.compile(
    r"^(ERROR |CRITICAL |Traceback \(most recent call last\)|\[[^]]+\] \[\d+\] \[(ERROR|CRITICAL)\])"
)


def tracebacks(log_text: str, limit: int = 3) -> list[str]:
    """The last ``limit`` errors of a server log, each with what follows it up to the next
    record (a traceback logged with an ERROR line stays one entry)."""
    lines = log_text.splitlines()
    found, index = [], 0
    while index < len(lines):
        if not ERROR_START.match(lines[index]):
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not LOG_RECORD.match(lines[end]):
            end += 1
        found.append("\n".join(lines[index:end]).rstrip())
        index = end
    return found[-limit:]


# --- wrk ------------------------------------------------------------------------------------


def parse_wrk(output: str) -> dict:
    """Requests per second, requests, errors and non-2xx responses from wrk's report."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk_latency(output: str) -> dict[str, float]:
    """The latency distribution of ``wrk --latency`` in milliseconds: {"p50": …, "p99": …}."""
    found = {}
    for percent, number, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M):
        found[f"p{percent}"] = round(float(number) * _UNITS_MS[unit], 3)
    return found


def run_wrk(
    url: str,
    seconds: float,
    *,
    threads: int = 2,
    connections: int = 8,
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
    latency: bool = False,
    strict: bool = True,
) -> dict:
    """One wrk run; with ``strict`` any non-2xx answer or socket error is an error."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    if latency:
        command.append("--latency")
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    result = parse_wrk(done.stdout)
    if latency:
        result["latency_ms"] = parse_wrk_latency(done.stdout)
    if strict and (result["non_2xx"] or result["socket_errors"]):
        raise RuntimeError(
            f"{url}: {result['non_2xx']} non-2xx responses, "
            f"{result['socket_errors']} socket errors:\n{done.stdout}"
        )
    return result


# --- figures --------------------------------------------------------------------------------


def percentile(values, percent: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``percent`` % of the
    values at or below it (p50 of 1..10 is 5, p95 of 1..20 is 19). None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# --- a small browser ------------------------------------------------------------------------


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if match is None:
        raise ValueError("no csrfmiddlewaretoken in the page")
    return match.group(1)


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """Cookies kept like a browser's; one new connection per request (as a new visitor's)."""

    port: int
    ip: str | None = None  # sent as X-Real-IP: the proxy's view of the client's address
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> Answer:
        body = urlencode(form, doseq=True) if form is not None else None
        sent = {"Accept-Encoding": "identity", "Accept-Language": "ja"}
        if self.ip:
            sent["X-Real-IP"] = self.ip
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            self.keep_cookie(value)
        answer_headers = {k.lower(): v for k, v in response.headers.items()}
        return Answer(response.status, answer_headers, data, seconds)

    def keep_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **kw) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict, **kw) -> Answer:
        return self.request("POST", path, form=form, **kw)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url, headers={"Accept-Encoding": "identity", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def session_cookie_for(user) -> dict[str, str]:
    """Sign ``user`` in without a password round trip (the bench measures what follows):
    a real session in the session store, as the sign-in view would write it."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""
