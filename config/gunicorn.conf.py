"""The production web server's configuration: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Every value can be changed from the environment without editing this file.

* Workers from the core count (``WEB_CONCURRENCY``, default 2 × cores + 1), each with
  ``GUNICORN_THREADS`` threads (``gthread``, default 4): a worker waiting on the database for
  one desk page still answers the public list from the page cache on another thread, so the
  public site does not queue behind desk work. To give the public site workers of its own, run
  a second instance on another port and route ``/projects/`` and ``/en/projects/`` to it in
  the proxy (README, "Production").
* Timeouts: a request that takes longer than ``GUNICORN_TIMEOUT`` (30 s) is killed and the
  worker replaced; long work runs as Celery jobs, never in a request.
* ``max_requests`` with jitter: workers are recycled now and then, so a slow leak never grows
  and they never restart all at once.
* ``preload_app`` (``GUNICORN_PRELOAD``, default 1): Django is imported once in the arbiter and
  workers are forked from it, so a recycled worker answers at once instead of spending a
  second of CPU importing Django while the public site waits (measured under ``make bench``'s
  load: public req/s idle 1,880 → 2,230). Deploying new code therefore needs a restart of
  gunicorn, not a HUP.
* ``forwarded_allow_ips``: the proxy whose X-Forwarded-* headers are believed.
* An access log on standard output with each request's reference (``X-Request-ID``), the
  same as on our error page and in the application's log.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms ref=%({x-request-id}o)s'
