"""Fixtures of the foundation's tests.

``spare_redis``: a redis-server of the test's own, on a free port, that the test can stop and
start again (the outage tests stop the real component, never a mock of our code).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

from ..support import port_open, require


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _real_clock_environment() -> dict[str, str]:
    """The environment without libfaketime: under ``make test-gap`` the tests' clock is
    shifted, but redis-server is a real component with the real clock (like the shared Redis),
    and libfaketime stops it at start-up ("recursive calls to clock_gettime()")."""
    return {
        key: value
        for key, value in os.environ.items()
        if key != "LD_PRELOAD" and not key.startswith("FAKETIME")
    }


class SpareRedis:
    """A redis-server in ``directory`` on ``port``: ``stop()`` takes it away, ``start()`` brings
    it back on the same port (empty, unless a ``dump.rdb`` was saved in the directory)."""

    def __init__(self, executable: str, directory, port: int):
        self.executable = executable
        self.directory = directory
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None
        self.log = directory / "redis.log"

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.directory),
                ],
                cwd=self.directory,
                env=_real_clock_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with self.client() as client:
                    if client.ping():
                        return
            except (redis.RedisError, OSError):
                time.sleep(0.02)
        log = self.log.read_text(errors="replace")[-2000:]
        self.kill()
        pytest.fail(f"redis-server did not start on port {self.port}:\n{log}", pytrace=False)

    def stop(self) -> None:
        """Stop the server (SIGTERM, as a restart does) and wait until the port is closed."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 5
        while port_open("127.0.0.1", self.port, timeout=0.1) and time.monotonic() < deadline:
            time.sleep(0.02)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)


@pytest.fixture
def spare_redis(tmp_path):
    """A running redis-server of this test's own (``--save "" --appendonly no``, in a temporary
    folder, on a free port), killed at teardown."""
    executable = shutil.which("redis-server")
    require(executable is not None, "needs redis-server (apt-get install redis-server)")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = SpareRedis(executable, directory, _free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()
