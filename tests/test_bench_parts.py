"""The pure helpers of the bench parts under the production server (deadline, outage, load, the
runner, the in-process submission profile and what they share), without running a server: a
helper that judges, parses or summarizes wrongly makes the bench report wrong figures, so each
is held to what its docstring says.

The bench modules are loaded by file path, as tests/test_bench.py does; importing them needs
neither Django set up nor a server (checked in a process of its own below)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def load(name: str):
    """bench/<name>.py as the module ``bench_<name>``. It is registered in sys.modules before
    it runs: dataclasses (common.Browser) look their module up there while being made."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


common, deadline, outage, run, submission = map(
    load, ("common", "deadline", "outage", "run", "submission")
)
load_bench = load("load")

#: gunicorn's access log lines, made by gunicorn's own logger with the shipped format.
ACCESS_FORMAT = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["access_log_format"]
GUNICORN_LOGGER = Logger(Config())


def access_line(method: str, path: str, status: int, ms: int, sent=0, ref=None) -> str:
    headers = [("X-Request-ID", ref)] if ref else []
    response = SimpleNamespace(status=f"{status} X", headers=headers, sent=sent)
    environ = dict(REMOTE_ADDR="127.0.0.1", REQUEST_METHOD=method, RAW_URI=path)
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    atoms = GUNICORN_LOGGER.atoms(response, [], environ, dt.timedelta(milliseconds=ms))
    return ACCESS_FORMAT % SafeAtoms(atoms)


REQUEST_ERROR = [
    "ERROR django.request [r2]: Internal Server Error: /proposals/1/submit/",
    "Traceback (most recent call last):",
    '  File "proposals/intake_views.py", line 1, in submit',
    "ValueError: boom",
]
GUNICORN_ERROR = [
    "[2026-12-21 17:00:01 +0900] [41] [ERROR] Error handling request /export/",
    "Traceback (most recent call last):",
    "OSError: reset",
]
BARE = ["Traceback (most recent call last):", "KeyError: 'x'"]
APP_CRITICAL = "CRITICAL core.jobs [-]: the outbox is gone"
TIMEOUT = "[2026-12-21 17:00:02 +0900] [12] [CRITICAL] WORKER TIMEOUT (pid:41)"
SERVER_LOG = "\n".join(
    [
        "[2026-12-21 16:59:58 +0900] [41] [INFO] Booting worker with pid: 41",
        access_line("GET", "/healthz", 200, 1, sent=2),
        access_line("GET", "/desk/?q=%E9%98%B2", 200, 80, sent=5123, ref="r1"),
        *REQUEST_ERROR,
        access_line("POST", "/proposals/1/submit/", 500, 2300, sent=145, ref="r2"),
        access_line("POST", "/proposals/2/submit/", 302, 840, sent=None),
        access_line("POST", "/proposals/3/submit/", 302, 120),
        access_line("POST", "/proposals/3/messages/", 302, 9999),
        access_line("POST", "/proposals/4/submit/?x=1", 302, 7777),
        *GUNICORN_ERROR[:-1],
        GUNICORN_ERROR[-1] + "   ",  # trailing white space is not kept
        "WARNING django.security [r3]: Bad request",
        access_line("GET", "/projects/", 503, 5, ref="r4"),
        *BARE,
        "",
        APP_CRITICAL,
        TIMEOUT,
        access_line("GET", "/projects/", 404, 5),
    ]
)


def test_the_access_lines_of_these_tests_are_in_the_shipped_format():
    line = access_line("POST", "/proposals/3/submit/", 302, 840, ref="abc")
    assert line == '127.0.0.1 "POST /proposals/3/submit/ HTTP/1.1" 302 0 840ms ref=abc'
    assert access_line("GET", "/x/", 200, 2300, sent=None).endswith('" 200 - 2300ms ref=-')


def test_importing_the_bench_modules_needs_no_django():
    probe = (
        "import runpy, sys\n"
        "for name in ('common', 'data', 'deadline', 'outage', 'load', 'run', 'submission'):\n"
        "    runpy.run_path(f'bench/{name}.py')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'psycopg', 'redis'}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- bench/deadline.py ------------------------------------------------------------------------


def test_sends_are_spread_evenly_from_the_start():
    assert deadline.send_times(4, 100.0, 0.2) == pytest.approx([100.0, 100.05, 100.1, 100.15])
    many = deadline.send_times(200, 1733400000.0, 0.2)
    assert len(many) == 200 and many == sorted(many) and many[0] == 1733400000.0
    assert many[-1] < 1733400000.2
    assert deadline.send_times(0, 5.0, 0.2) == []


def test_the_closing_is_the_middle_of_the_sends_on_a_whole_millisecond():
    assert type(closing := deadline.closing_ms(1733400000.0, 0.2)) is int
    assert closing == 1733400000100
    assert deadline.closing_ms(10.0, 0.0014) == 10001  # rounded, not cut: 10000.7 ms
    # The closing is the scheduled moment of the middle send: half the burst before it.
    times = deadline.send_times(200, 1733400000.0, 0.2)
    assert closing == round(times[100] * 1000)
    assert sum(round(t * 1000) < closing for t in times) == 100


@pytest.mark.parametrize(
    ("ms", "header"),
    [
        (1733400000123, "t=1733400000.123"),
        (1733400000005, "t=1733400000.005"),
        (1733400000050, "t=1733400000.050"),
        (5, "t=0.005"),
        (1000, "t=1.000"),
    ],
)
def test_the_stamp_is_nginx_msec(ms, header):
    assert deadline.stamp(ms) == header
    assert round(float(header[2:]) * 1000) == ms


RECEIPT = "/proposals/{pk}/receipt/"
REFUSED = "/proposals/{pk}/edit/confirm/"
CLOSING = 1_000_000


def attempt(pk: int, sent_ms: int, status: int | None, location: str = "") -> dict:
    return {"pk": pk, "sent_ms": sent_ms, "status": status, "location": location.format(pk=pk)}


def submitted(receipt: str, rows: int = 1) -> dict:
    return {"submitted": True, "receipt": receipt, "submit_rows": rows}


DRAFT = {"submitted": False, "receipt": None, "submit_rows": 0}
COUNTS = (
    "sent_before sent_after accepted wrong_refusal lost refused accepted_late failed_late "
    "duplicates answer_mismatch errors"
).split()


@pytest.mark.parametrize(
    ("sent_ms", "status", "location", "row", "verdict", "error"),
    [
        (CLOSING - 1, 302, RECEIPT, submitted("R1"), "accepted", False),
        (CLOSING - 1, 302, REFUSED, DRAFT, "wrong_refusal", False),
        (CLOSING - 1, None, "", DRAFT, "lost", True),
        (CLOSING - 1, 500, "", DRAFT, "lost", True),
        (CLOSING - 1, 429, "", None, "lost", True),  # a draft the database does not show
        (CLOSING, 302, REFUSED, DRAFT, "refused", False),  # at the closing: too late
        (CLOSING, 302, RECEIPT, submitted("R1"), "accepted_late", False),
        (CLOSING + 50, 502, "", DRAFT, "failed_late", True),
        (CLOSING + 50, None, "", DRAFT, "failed_late", True),
    ],
)
def test_classify_gives_every_attempt_its_verdict(sent_ms, status, location, row, verdict, error):
    database = {} if row is None else {7: row}
    result = deadline.classify([attempt(7, sent_ms, status, location)], CLOSING, database)
    verdicts = COUNTS[2:8]
    assert [result[name] for name in verdicts] == [int(name == verdict) for name in verdicts]
    before = sent_ms < CLOSING
    assert (result["sent_before"], result["sent_after"]) == (int(before), int(not before))
    assert result["errors"] == int(error)
    assert result["duplicates"] == result["answer_mismatch"] == 0
    assert [p["verdict"] for p in result["problems"]] == (
        [] if verdict in ("accepted", "refused") else [verdict]
    )


def test_classify_counts_a_whole_burst_and_lists_its_problems():
    attempts = [
        attempt(1, CLOSING - 100, 302, RECEIPT),
        attempt(2, CLOSING - 90, 302, RECEIPT),
        attempt(3, CLOSING - 80, 302, REFUSED),
        attempt(4, CLOSING + 10, 302, REFUSED),
        attempt(5, CLOSING + 20, 302, REFUSED),
    ]
    database = {1: submitted("2026-0001"), 2: submitted("2026-0002"), 3: DRAFT, 4: DRAFT}
    result = deadline.classify(attempts, CLOSING, {**database, 5: DRAFT})
    assert list(result) == [*COUNTS, "problems"]
    assert [result[name] for name in COUNTS] == [3, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0]
    assert result["problems"] == [{**attempts[2], "verdict": "wrong_refusal", "answer": "refused"}]


def test_classify_finds_duplicates_by_log_rows_and_by_receipt_number():
    attempts = [attempt(pk, CLOSING - 10, 302, RECEIPT) for pk in (1, 2, 3, 4, 5)]
    database = {
        1: submitted("2026-0001", rows=2),  # two submission log rows for one draft
        2: submitted("2026-0002"),
        3: submitted("2026-0002"),  # the number of draft 2 given again
        4: submitted("2026-0003"),
        5: submitted("2026-0004"),
    }
    result = deadline.classify(attempts, CLOSING, database)
    assert result["duplicates"] == 2 and result["accepted"] == 5
    database[5] = submitted("2026-0002", rows=3)  # the same number three times, three rows
    assert deadline.classify(attempts, CLOSING, database)["duplicates"] == 1 + 2 + 1
    # Drafts without a number share no number.
    for number in (None, ""):
        drafts = {pk: {**DRAFT, "receipt": number} for pk in (1, 2)}
        assert deadline.classify(attempts[:2], CLOSING, drafts)["duplicates"] == 0


def test_classify_sees_a_submission_whose_client_was_not_shown_the_receipt():
    attempts = [
        attempt(1, CLOSING - 10, 500),  # an error page after the commit
        attempt(2, CLOSING - 10, None),  # no answer, but the database has it
        attempt(3, CLOSING - 10, 302, REFUSED),  # told "refused", yet submitted
    ]
    database = {pk: submitted(f"2026-000{pk}") for pk in (1, 2, 3)}
    result = deadline.classify(attempts, CLOSING, database)
    figures = [result[name] for name in ("accepted", "answer_mismatch", "errors", "lost")]
    assert figures == [3, 3, 2, 0] and result["wrong_refusal"] == 0
    answers = [(p["pk"], p["verdict"], p["answer"]) for p in result["problems"]]
    assert answers == [(1, "accepted", "status 500"), (2, "accepted", "no answer"), (3, "accepted", "refused")]  # fmt: skip


def test_summarize_burst_gives_percentiles_of_the_answered_and_the_wall_time():
    # 20 answers in 0.1 … 2.0 s, out of order (an error page is an answer too); one attempt
    # without an answer: not in the latencies, but the burst lasted until it gave up.
    seconds = [(i * 7 % 20 + 1) / 10 for i in range(20)]
    attempts = [
        {"sent_ms": 1_000_000 + i, "status": 500 if i == 3 else 302, "seconds": s, "done": 1002.0}
        for i, s in enumerate(seconds)
    ] + [{"sent_ms": 1_000_500, "status": None, "seconds": 30.0, "done": 1004.0}]
    assert deadline.summarize_burst(attempts) == dict(
        answered=20, p50_s=1.0, p95_s=1.9, max_s=2.0, wall_s=4.0, submissions_per_s=5.0
    )
    silent = [{**a, "status": None} for a in attempts]
    assert deadline.summarize_burst(silent) == dict(
        answered=0, p50_s=0, p95_s=0, max_s=0, wall_s=4.0, submissions_per_s=0.0
    )


def test_server_times_reads_the_submissions_in_the_access_log():
    """Only the submissions' POSTs (not their query-string twins, not other POSTs)."""
    assert deadline.server_times(SERVER_LOG) == {"count": 3, "p50_ms": 840, "p95_ms": 2300}
    assert deadline.server_times("") == {"count": 0, "p50_ms": None, "p95_ms": None}


# --- bench/outage.py --------------------------------------------------------------------------


def phase(statuses: dict, seconds: dict, server_errors: list) -> dict:
    return {"statuses": statuses, "seconds": seconds, "server_errors": server_errors}


def test_judge_counts_5xx_unexpected_answers_and_time_ratios():
    expected = dict(outage.EXPECTED)
    error = {"method": "POST", "path": "/proposals/1/submit/", "status": 500}
    phases = {
        "up": phase(expected, {"submit": 0.2, "public list": 0.01, "export": 0}, []),
        "down": phase(
            {**expected, "submit": 500},
            {"submit": 0.5, "public list": 0.03, "export": 0.4, "message": 0.1},
            [error, {**error, "status": 502}],
        ),
        "back": phase({**expected, "export": 200, "mystery": 200}, {"submit": 0.2}, [error]),
    }
    verdict = outage.judge(phases)
    assert verdict["five_xx"] == 3
    assert verdict["unexpected"] == [
        {"phase": "down", "action": "submit", "status": 500, "expected": 302},
        {"phase": "back", "action": "export", "status": 200, "expected": 302},
        {"phase": "back", "action": "mystery", "status": 200, "expected": None},
    ]
    # Against up's time of the same action; none where up has no (or a zero) time.
    assert verdict["time_ratio_to_up"] == {
        "up": {"submit": 1.0, "public list": 1.0},
        "down": {"submit": 2.5, "public list": 3.0},
        "back": {"submit": 1.0},
    }


def test_judge_of_phases_that_all_answered_as_expected():
    calm = phase(dict(outage.EXPECTED), {"submit": 0.3}, [])
    ratios = {"up": {"submit": 1.0}, "down": {"submit": 1.0}}
    judged = outage.judge({"up": calm, "down": calm})
    assert judged == dict(five_xx=0, unexpected=[], time_ratio_to_up=ratios)
    assert outage.judge({"down": calm})["time_ratio_to_up"] == {"down": {}}
    assert set(outage.EXPECTED) == set(outage.ACTIONS)


# --- bench/load.py ----------------------------------------------------------------------------


def test_desk_script_lists_the_paths_as_a_lua_table():
    script = load_bench.desk_script(["/desk/", "/desk/?q=%E9%98%B2", '/odd/"quote"\\back'])
    assert 'local paths = {"/desk/", "/desk/?q=%E9%98%B2", "/odd/\\"quote\\"\\\\back"}' in script
    assert "{PATHS}" not in script and "function request()" in script
    assert "local paths = {}" in load_bench.desk_script([])


def test_desk_paths_are_the_inbox_views_then_the_proposals():
    assert load_bench.desk_paths([3, 7], 5) == [
        "/desk/", "/desk/?sort=title", "/desk/?state=dialogue&state=coordination&programme=5",
        "/desk/?q=%E9%98%B2%E7%81%BD", "/desk/?overdue=yes", "/proposals/3/", "/proposals/7/",
    ]  # fmt: skip
    assert len(load_bench.desk_paths(list(range(50)), 1)) == 55


def test_idle_and_loaded_alternate_which_goes_first():
    idle_first, loaded_first = ["idle", "loaded"], ["loaded", "idle"]
    assert [load_bench.order(n) for n in (0, 1, 2, 5)] == [idle_first, loaded_first] * 2


def test_load_summary_uses_the_ratio_of_the_medians():
    summary = load_bench.summarize(
        {
            "list": {"idle": [1000.04, 900, 1100], "loaded": [300, 500, 600]},
            "detail": {"idle": [400, 400, 400], "loaded": [199.2, 199.6, 100]},
            "down": {"idle": [0, 0, 0], "loaded": [1, 1, 1]},
        }
    )
    assert summary["list"] == dict(  # at the target: met
        idle_rps=1000.0, loaded_rps=500, ratio=0.5, ratio_per_round=[0.3, 0.556, 0.545],
        target_met=True,
    )  # fmt: skip
    assert summary["detail"]["ratio"] == 0.498 and summary["detail"]["target_met"] is False
    assert summary["down"] == dict(
        idle_rps=0, loaded_rps=1, ratio=0.0, ratio_per_round=[0.0, 0.0, 0.0], target_met=False
    )
    with pytest.raises(ValueError):  # a round without its other half is a bench bug
        load_bench.summarize({"list": {"idle": [1, 2], "loaded": [1]}})


# --- bench/run.py -----------------------------------------------------------------------------


def test_bench_only_selects_parts_in_their_order():
    every = ["desk", "public", "deadline", "outage", "load"]
    assert run.selected("") == run.selected("  ") == every
    assert run.selected("deadline,desk") == ["desk", "deadline"]
    assert run.selected(" load , public ,,") == ["public", "load"]
    assert run.selected("outage,outage") == ["outage"]
    with pytest.raises(SystemExit) as stopped:
        run.selected("desk,deadlin,wrk")
    message = str(stopped.value.code)
    assert "desk, public, deadline, outage, load" in message and "deadlin, wrk" in message
    assert set(run.PARTS.values()) <= {path.name for path in BENCH.glob("*.py")}


# --- bench/submission.py ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "location", "kind"),
    [
        (None, "", "no answer"),
        (302, "/proposals/5/receipt/", "receipt"),
        (302, "/proposals/5/receipt", "receipt"),
        (302, "/proposals/5/edit/confirm/", "refused"),
        (302, "/accounts/login/?next=/proposals/5/submit/", "status 302"),
        (302, "/proposals/5/", "status 302"),
        (301, "/proposals/5/receipt/", "status 301"),
        (303, "/proposals/5/edit/confirm/", "status 303"),
        (302, "/proposals/5/receipt.pdf", "status 302"),
        (200, "", "status 200"),
        (429, "", "status 429"),
    ],
)
def test_answer_kind(status, location, kind):
    assert submission.answer_kind(status, location) == kind


@pytest.mark.parametrize(
    ("sql", "purpose"),
    [
        ("BEGIN", "transaction"),
        ("rollback", "transaction"),
        ('SAVEPOINT "s140_x1"', "transaction"),
        ('RELEASE SAVEPOINT "s140_x1"', "transaction"),
        ('ROLLBACK TO SAVEPOINT "s140_x1"', "transaction"),
        ('SELECT "p"."id" FROM "proposals_proposal" WHERE 1 FOR UPDATE', "load the proposal"),
        ('UPDATE "proposals_proposal" SET "state" = 2 WHERE "id" = 1', "transition"),
        ('INSERT INTO "proposals_proposaltransition" ("action") VALUES (1)', "log"),
        ('SELECT "a"."id" FROM "proposals_proposaltransition" WHERE 1', "load the proposal"),
        ('UPDATE "proposals_receiptsequence" SET "last" = ("last" + 1)', "number"),
        ('SELECT "themes_theme"."closes_at" FROM "themes_theme"', "validate"),
        ('SELECT 1 AS "a" FROM "themes_programme" LIMIT 1', "validate"),
        ('SELECT "c"."effective_from", "c"."from_x"\nFROM "proposals_consentdocument"', "validate"),
        ('select "x"."id"\n  from "core_user" where 1', "people (who asks, who is told)"),
        ('SELECT "t"."id" FROM "some_other_table"', "other"),
        ("SET TIME ZONE 'UTC'", "other"),
        ("", "other"),
    ],
)
def test_query_purpose(sql, purpose):
    assert submission.query_purpose(sql) == purpose


@pytest.mark.parametrize("table", sorted(submission.PURPOSES))
def test_every_table_of_purposes_is_found_in_each_kind_of_statement(table):
    purpose = submission.PURPOSES[table]
    for sql in (
        f'SELECT "{table}"."id", "{table}"."x" FROM "{table}" WHERE "{table}"."id" = 1',
        f'INSERT INTO "{table}" ("x") VALUES (1)',
        f'UPDATE "{table}" SET "x" = 1',
        f'DELETE FROM "{table}" WHERE 1',
    ):
        assert submission.query_purpose(sql) == purpose, sql


def test_shorten_drops_the_column_list_and_cuts():
    columns = ", ".join(f'"t"."c{n}"' for n in range(300))
    rest = 'FROM "t" WHERE "t"."id" IN (SELECT "u"."id" FROM "u")'
    assert submission.shorten(f"  SELECT {columns}\n{rest}") == f"SELECT … {rest}"
    update = 'UPDATE "t" SET "x" = 1 WHERE ' + " AND ".join(["1 = 1"] * 100)
    assert submission.shorten(update) == update[:240]
    assert submission.shorten(update, 20) == update[:20]
    assert len(submission.shorten(f'SELECT {columns} FROM "t" WHERE {"x" * 500}')) == 240


# --- bench/common.py (parse_wrk and production_env: tests/test_bench.py) ----------------------


def test_percentile_is_the_nearest_rank():
    assert common.percentile(range(1, 11), 50) == 5
    assert common.percentile(range(1, 21), 95) == 19
    assert common.percentile(range(1, 5), 60) == 3  # rank 2.4: up to the 3rd, not the 2nd
    assert common.percentile(range(1, 11), 99) == 10
    assert [common.percentile([3, 1, 2], percent) for percent in (0, 50, 100)] == [1, 2, 3]
    assert common.percentile([0.7], 95) == 0.7
    assert common.percentile((v for v in [9, 8]), 50) == 8
    assert common.percentile([], 50) is None


WRK_LATENCY = """  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.12ms    2.31ms  30.05ms   80.12%
    Req/Sec   563.21     41.10   640.00     71.00%
  Latency Distribution
     50%  850.00us
     75%    6.95ms
     90%    1.20s
     99%    2.00m
  5611 requests in 5.00s, 203.31MB read
Requests/sec:   1121.58
"""


def test_parse_wrk_latency_gives_milliseconds():
    latency = common.parse_wrk_latency(WRK_LATENCY)
    assert latency == {"p50": 0.85, "p75": 6.95, "p90": 1200.0, "p99": 120000.0}
    without = re.sub(r"  Latency Distribution\n(\s+\d+%.*\n)+", "", WRK_LATENCY)
    assert "50%" not in without and "Requests/sec" in without
    assert common.parse_wrk_latency(without) == {}


def test_access_statuses_count_the_access_lines_only():
    assert common.access_statuses(SERVER_LOG) == {200: 2, 302: 4, 404: 1, 500: 1, 503: 1}
    assert common.access_statuses("") == {}


def test_server_errors_are_the_5xx_lines():
    assert common.server_errors(SERVER_LOG) == [
        {"method": "POST", "path": "/proposals/1/submit/", "status": 500},
        {"method": "GET", "path": "/projects/", "status": 503},
    ]
    assert common.server_errors(access_line("GET", "/", 200, 1)) == []


def test_tracebacks_keep_each_error_with_what_follows_it():
    """Each error with its traceback up to the next record (an access line, a gunicorn line,
    a log record); a bare traceback is an error of its own."""
    found = common.tracebacks(SERVER_LOG, limit=10)
    blocks = [REQUEST_ERROR, GUNICORN_ERROR, BARE, [APP_CRITICAL], [TIMEOUT]]
    assert found == ["\n".join(block) for block in blocks]
    assert common.tracebacks(SERVER_LOG) == found[-3:]
    assert common.tracebacks(SERVER_LOG, limit=1) == found[-1:]
    assert common.tracebacks("\n".join(SERVER_LOG.splitlines()[:3])) == []


def test_csrf_token_is_read_from_the_form():
    from django.template.backends.utils import csrf_input
    from django.test import RequestFactory

    html = f"<form method='post'>{csrf_input(RequestFactory().get('/'))}</form>"
    token = common.csrf_token(html)
    assert f'value="{token}"' in html and len(token) == 64
    field = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    assert common.csrf_token(field.format("first") + field.format("second")) == "first"
    with pytest.raises(ValueError, match="csrfmiddlewaretoken"):
        common.csrf_token("<form><input name='username'></form>")
