"""A real SMTP server (aiosmtpd) for tests that read the e-mails the system sends.

``smtp_server`` starts one on a free local port and points Django's SMTP backend at it;
``smtp_server.messages`` are the parsed ``email.message.EmailMessage`` objects received.
``smtp_server.fail_next(n)`` makes the next n deliveries fail with a 451 temporary error.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time

import pytest


class Receiver:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._fail = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._fail > 0:
                self._fail -= 1
                return "451 Requested action aborted: local error in processing"
            message = email.message_from_bytes(
                envelope.original_content or envelope.content, policy=email.policy.default
            )
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def fail_next(self, n: int = 1) -> None:
        with self._lock:
            self._fail = n

    def wait_for(self, count: int = 1, timeout: float = 20.0) -> list:
        """Wait until ``count`` messages have arrived (a worker may send them)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} e-mails, received {len(self.messages)}")

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    @staticmethod
    def text(message) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else message.get_content()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    receiver = Receiver()
    port = _free_port()
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    receiver.port = port
    try:
        yield receiver
    finally:
        controller.stop()
