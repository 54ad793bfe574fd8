"""Outgoing event webhooks end to end (/work/notes/webhooks-contract.md), against the real `frontdesk` binary.

`FakeWebhookReceiver` is a FAKE webhook receiver: a stdlib `http.server` on real loopback HTTP, in a
thread of this process. It records every request (path, headers, raw body, arrival time) and can be
told to answer the next requests on a path with a status (and `Retry-After` or `Location`), or to
hang past the server's `WEBHOOK_TIMEOUT_MS`. Every endpoint of a test has its own path on it, so tests
never see each other's deliveries.

Signatures are checked with the independent `standardwebhooks` package from PyPI (and once by hand,
for the order of the two signatures after a rotation). Bookings are made by voice (the openai SDK,
with `scripted-upstream`, a FAKE upstream LLM, calling `book_appointment`) or through the staff
REST API; event ids are read from the server's own SQLite file (`outbox`) with Python's sqlite3.

The servers run with short timings (poll 100 ms, retries 300 ms / 600 ms / 900 ms, 1 s timeout), so
the whole file runs in well under two minutes. Every wait is a poll with a deadline.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import re
import signal
import sqlite3
import string
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from conftest import (REPO, HTTPResult, StaffApi, assert_openai_error, executable, http_request, scrubbed_environment, stream_turn,
                      serve_fake, text_reply, tool_calls_reply, upstream_env, wait_until, read_request_body)

API = "/api/v1"
HOME_ZONE = "America/New_York"   # the demo practice
EMILY = "+12125550101"           # demo patient, recognised by her number
USER_AGENT = "FrontDesk-Webhooks/1"

# Short timings for every server of this file. WEBHOOK_DISABLE_AFTER is long on the shared server, so
# that the failure tests never disable an endpoint by accident; one test starts its own with 1 s.
TIMEOUT_S = 1.0
SCHEDULE_S = (0.3, 0.6, 0.9)
JITTER = 0.2
WEBHOOK_ENV = {
    "WEBHOOK_POLL_MS": "100",
    "WEBHOOK_RETRY_SCHEDULE": "300ms,600ms,900ms",
    "WEBHOOK_TIMEOUT_MS": "1000",
    "WEBHOOK_DISABLE_AFTER": "1h",
}


# ---------------------------------------------------------------------------------------------
# The FAKE webhook receiver


@dataclass
class Reply:
    """How the fake receiver answers one request."""
    status: int = 200
    retry_after: str | None = None
    location: str | None = None
    hang: float | None = None   # seconds to stall without answering (longer than the server's timeout)
    body: bytes | None = None   # the response body (default: a short JSON object)


@dataclass
class Delivery:
    """One request as the fake receiver saw it."""
    method: str
    path: str
    headers: dict[str, str]     # names lower-cased
    body: bytes
    at: float                   # time.monotonic() when the whole request had arrived
    wall: float                 # time.time() at the same moment
    reply: Reply

    @property
    def webhook_id(self) -> str | None:
        return self.headers.get("webhook-id")

    @property
    def answered_2xx(self) -> bool:
        return self.reply.hang is None and 200 <= self.reply.status < 300

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def type(self) -> str | None:
        try:
            return self.json().get("type")
        except ValueError:
            return None

    def signatures(self) -> list[str]:
        return self.headers.get("webhook-signature", "").split()


class FakeWebhookReceiver:
    """A FAKE webhook receiver on 127.0.0.1 (conftest.serve_fake: a stdlib ThreadingHTTPServer in a daemon thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._planned: dict[str, list[Reply]] = {}
        self._default: dict[str, Reply] = {}
        self._log: list[Delivery] = []
        self._release = threading.Event()
        self._server = serve_fake(self._handle, "fake-webhook-receiver")
        self.port = self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def plan(self, path: str, *replies: Reply) -> None:
        """The next requests on `path` get these answers, in order; then the path's default."""
        with self._lock:
            self._planned.setdefault(path, []).extend(replies)

    def set_default(self, path: str, reply: Reply) -> None:
        """What `path` answers once its plan is used up (200 unless set)."""
        with self._lock:
            self._default[path] = reply

    def release_hung(self) -> None:
        """Ends every request currently hanging (without an answer: the caller has given up anyway)."""
        with self._lock:
            released, self._release = self._release, threading.Event()
        released.set()

    def deliveries(self, path: str | None = None, webhook_id: str | None = None,
                   after: float | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self._log
                    if (path is None or d.path == path) and (webhook_id is None or d.webhook_id == webhook_id)
                    and (after is None or d.at >= after)]

    def close(self) -> None:
        self.release_hung()
        self._server.shutdown()
        self._server.server_close()

    # -- the handler ------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = read_request_body(h)
        path = urllib.parse.urlsplit(h.path).path
        with self._lock:
            queue = self._planned.get(path)
            reply = queue.pop(0) if queue else self._default.get(path, Reply())
            release = self._release
            self._log.append(Delivery(method=h.command, path=path, headers={k.lower(): v for k, v in h.headers.items()},
                                      body=body, at=time.monotonic(), wall=time.time(), reply=reply))
        if reply.hang is not None:
            release.wait(reply.hang)
            h.close_connection = True
            return
        payload = reply.body if reply.body is not None else json.dumps({"received": True, "status": reply.status}).encode()
        try:
            h.send_response(reply.status)
            h.send_header("Content-Type", "application/json")
            if reply.retry_after is not None:
                h.send_header("Retry-After", reply.retry_after)
            if reply.location is not None:
                h.send_header("Location", reply.location)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            h.wfile.flush()
        except OSError:
            h.close_connection = True


# ---------------------------------------------------------------------------------------------
# Helpers


def stays(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    """`predicate` holds for the whole of `seconds` (checked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert predicate(), what
        time.sleep(0.05)
    assert predicate(), what


def run_cli(server, *args: str) -> subprocess.CompletedProcess:
    """`frontdesk ARGS --database <server's file>`, whatever its exit status."""
    return subprocess.run([str(executable("frontdesk")), *args, "--database", str(server.database)],
                          cwd=REPO, env=scrubbed_environment(), capture_output=True, text=True, timeout=60)


def read_db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def outbox_row(database: Path, appointment_id: int, kind: str = "booking.created") -> tuple[str, str, int]:
    """(event_id, data, created_at) of the appointment's event of this type."""
    with read_db(database) as db:
        rows = db.execute("SELECT event_id, data, created_at FROM outbox WHERE appointment_id = ? AND type = ?",
                          (appointment_id, kind)).fetchall()
    assert len(rows) == 1, f"one {kind} outbox row for appointment {appointment_id}, got {rows}"
    return rows[0]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def rfc3339(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The Standard Webhooks v1 signature, computed here by hand."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def random_name() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(9)).capitalize()


def check_delivery(d: Delivery, secret: str) -> dict:
    """What every delivery carries (contract, "Delivery"); returns the verified body."""
    assert d.method == "POST", d.method
    assert d.headers.get("content-type", "").split(";")[0].strip() == "application/json", d.headers
    assert d.headers.get("user-agent") == USER_AGENT, d.headers
    assert (d.webhook_id or "").startswith("evt_"), d.headers
    stamp = d.headers.get("webhook-timestamp", "")
    assert stamp.isdigit() and abs(int(stamp) - d.wall) <= 3, f"webhook-timestamp {stamp!r} is not this attempt's time"
    assert d.signatures() and all(s.startswith("v1,") for s in d.signatures()), d.headers.get("webhook-signature")
    body = Webhook(secret).verify(d.body, d.headers)   # raises WebhookVerificationError
    assert {"type", "timestamp", "data"} <= set(body), body
    assert isinstance(body["data"], dict), body
    assert body["timestamp"].endswith("Z"), f"timestamp must be RFC 3339 UTC: {body['timestamp']!r}"
    instant(body["timestamp"])
    return body


# `webhook attempts` prints one line per attempt: event id, endpoint id, attempt number, HTTP status
# (or an error), latency ms, time. The status is the one standalone 3-digit number that is not a latency.
_LATENCY = re.compile(r"(latency\W*\d+(\.\d+)?)|(\d+(\.\d+)?\s*ms\b)", re.IGNORECASE)
_STATUS = re.compile(r"(?<![\w.:\-+/])([1-5]\d\d)(?![\w.:\-/])")


def attempt_statuses(line: str, event_id: str) -> list[int]:
    text = _LATENCY.sub(" ", line.replace(event_id, " "))
    return [int(m) for m in _STATUS.findall(text)]


@dataclass
class Endpoint:
    id: str
    path: str
    url: str
    secret: str

    @property
    def number(self) -> int:
        return int(self.id)


class Hooks:
    """Webhook endpoints of one test on one server, each on its own path of the fake receiver;
    removed again (`webhook remove`) when the test ends."""

    def __init__(self, server, receiver: FakeWebhookReceiver, prefix: str):
        self.server, self.receiver, self.prefix = server, receiver, prefix
        self.created: list[Endpoint] = []

    def add(self, name: str, events: str = "*", *flags: str) -> Endpoint:
        path = f"/{self.prefix}/{name}"
        url = self.receiver.url(path)
        out = self.server.cli("webhook", "add", url, "--events", events, "--allow-private", *flags)
        match = re.search(r"Added webhook\s+#?(\d+)", out)
        assert match, f"`webhook add` should print `Added webhook <ID> …`: {out!r}"
        secret = out.strip().splitlines()[-1].strip()
        assert secret.startswith("whsec_") and len(secret) > 20, f"the secret on the last line: {out!r}"
        endpoint = Endpoint(id=match.group(1), path=path, url=url, secret=secret)
        self.created.append(endpoint)
        return endpoint

    def list_line(self, endpoint: Endpoint) -> str:
        lines = [line for line in self.server.cli("webhook", "list").splitlines() if endpoint.url in line]
        assert len(lines) == 1, f"one `webhook list` line for {endpoint.url}: {lines}"
        return lines[0]

    def test_event(self, endpoint: Endpoint) -> Delivery:
        """`webhook test ID`, then the first webhook.test delivery that reaches the endpoint."""
        seen = {d.webhook_id for d in self.receiver.deliveries(endpoint.path)}
        self.server.cli("webhook", "test", endpoint.id)
        first = wait_until(
            lambda: next((d for d in self.receiver.deliveries(endpoint.path) if d.webhook_id not in seen), None),
            f"the webhook.test delivery on {endpoint.path}", 8.0, context=lambda: self._context(endpoint))
        body = first.json()
        assert body.get("type") == "webhook.test", body
        assert body.get("data") == {"endpoint_id": endpoint.number}, body
        return first

    def wait(self, endpoint: Endpoint, count: int, what: str, seconds: float = 8.0,
             webhook_id: str | None = None) -> list[Delivery]:
        return wait_until(
            lambda: (lambda got: got if len(got) >= count else None)(
                self.receiver.deliveries(endpoint.path, webhook_id)),
            f"{count} request(s) on {endpoint.path}: {what}", seconds,
            context=lambda: self._context(endpoint))

    def attempt_lines(self, endpoint: Endpoint, event_id: str) -> list[str]:
        out = self.server.cli("webhook", "attempts", "--endpoint", endpoint.id, "--event", event_id)
        return [line for line in out.splitlines() if event_id in line]

    def wait_attempt_lines(self, endpoint: Endpoint, event_id: str, count: int) -> list[str]:
        return wait_until(lambda: (lambda lines: lines if len(lines) >= count else None)(
            self.attempt_lines(endpoint, event_id)), f"{count} `webhook attempts` line(s) for {event_id}", 5.0,
            context=lambda: self.server.cli("webhook", "attempts", "--endpoint", endpoint.id))

    def _context(self, endpoint: Endpoint) -> str:
        seen = [(round(d.at, 2), d.webhook_id, d.reply.status if d.reply.hang is None else "hang")
                for d in self.receiver.deliveries(endpoint.path)]
        return f"received: {seen}\nserver log tail:\n{self.server.log_text()[-2500:]}"

    def remove_all(self) -> None:
        for endpoint in self.created:
            run_cli(self.server, "webhook", "remove", endpoint.id)


class Api(StaffApi):
    """/api/v1 with one business key, and a booking helper."""

    def book(self, service: str = "exam", days_ahead: int = 10) -> dict:
        """A new patient booked into the first free slot from `days_ahead` days on."""
        patient = self.ok("POST", "patients", {"first_name": "Hook", "last_name": random_name(),
                                               "date_of_birth": "1985-03-04",
                                               "phone": "+19179" + "".join(random.choices(string.digits, k=6))},
                          expect=201)
        start = (datetime.now(ZoneInfo(HOME_ZONE)).date() + timedelta(days=days_ahead)).isoformat()
        slots = self.ok("GET", "availability", service_id=service, limit=50, **{"from": start})["slots"]
        assert slots, "free slots to book"
        for slot in slots:
            result = self.call("POST", "appointments", {"patient_id": patient["id"], "service_id": service,
                                                        "start": slot["start"], "provider_id": slot["provider_id"],
                                                        "location_id": slot["location_id"]})
            if result.status == 201:
                return result.json()
            assert result.status == 409, result.text
        pytest.fail("no offered slot could be booked")


def api_for(server) -> Api:
    return Api.for_server(server)


def expect_param_error(result: HTTPResult, status: int, param: str) -> dict:
    return assert_openai_error(result, status, param=param)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def receiver():
    fake_receiver = FakeWebhookReceiver()
    yield fake_receiver
    fake_receiver.close()


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake, **WEBHOOK_ENV))


@pytest.fixture(scope="module")
def api(server) -> Api:
    return api_for(server)


@pytest.fixture
def hooks(request, server, receiver):
    prefix = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)[:48].strip("-")
    made = Hooks(server, receiver, prefix)
    yield made
    made.remove_all()


# ---------------------------------------------------------------------------------------------
# 1. A booking made by voice


def say(server, key: str, caller: str, call_id: str, text: str) -> tuple[str, str | None]:
    """One streamed turn with the official openai SDK, as a telephony provider sends it (with the
    business key: once a business has a key, its voice route wants it too)."""
    return stream_turn(server.openai_client(api_key=key), [{"role": "user", "content": text}],
                       {"telnyx_end_user_target": caller, "telnyx_conversation_id": call_id})


def slot_free_for(server, api: Api, phone: str, service: str, days_ahead: int) -> dict:
    """The first offered slot that overlaps none of the caller's own booked appointments."""
    start = (datetime.now(ZoneInfo(HOME_ZONE)).date() + timedelta(days=days_ahead)).isoformat()
    slots = api.ok("GET", "availability", service_id=service, limit=50, **{"from": start})["slots"]
    with read_db(server.database) as db:
        own = db.execute("""SELECT a.start_utc, a.end_utc FROM appointments a JOIN patients p ON p.id = a.patient_id
                            WHERE p.phone = ? AND a.status = 'booked'""", (phone,)).fetchall()
    for slot in slots:
        begin, end = instant(slot["start"]).timestamp(), instant(slot["end"]).timestamp()
        if not any(s < end and begin < e for s, e in own):
            return slot
    pytest.fail(f"no slot free for {phone}")


def test_a_voice_booking_is_delivered_once_signed_to_booking_subscribers_only(server, api, hooks, receiver, fake):
    bookings = hooks.add("bookings", "booking.*")
    calls = hooks.add("calls", "call.ended")
    slot = slot_free_for(server, api, EMILY, "cleaning", 40)

    fake.script(
        tool_calls_reply([{"id": "call_book", "name": "book_appointment", "arguments": json.dumps({
            "service_id": "cleaning", "start": slot["start"], "provider_id": slot["provider_id"],
            "location_id": None, "hold_id": None, "notes": None})}]),
        text_reply("You're all set."))
    spoken, finish = say(server, api.key, EMILY, "wh-voice", "Book me the first cleaning you have, please.")
    assert finish == "stop" and spoken.endswith("You're all set."), spoken
    results = {m["tool_call_id"]: json.loads(m["content"]) for m in fake.chat_bodies()[1]["messages"]
               if m["role"] == "tool"}
    appointment_id = results["call_book"]["appointment_id"]
    event_id, stored_data, created_at = outbox_row(server.database, appointment_id)

    delivery = hooks.wait(bookings, 1, "the booking.created delivery")[0]
    assert delivery.webhook_id == event_id, "webhook-id is the outbox event id"
    assert delivery.answered_2xx
    assert len(delivery.signatures()) == 1, "one secret, one signature"
    assert delivery.signatures()[0] == sign(bookings.secret, event_id, delivery.headers["webhook-timestamp"],
                                            delivery.body)
    body = check_delivery(delivery, bookings.secret)
    assert body["type"] == "booking.created"
    assert abs(instant(body["timestamp"]).timestamp() - created_at) < 2, (body["timestamp"], created_at)
    data = body["data"]
    assert data == json.loads(stored_data), "the event's data as committed in the outbox"
    for name in ("appointment_id", "patient_id", "provider_id", "service_id", "location_id", "status", "start_utc",
                 "end_utc", "start_local", "end_local", "time_zone", "channel", "actor", "conversation_id"):
        assert name in data, f"data.{name} missing: {data}"
    assert data["appointment_id"] == appointment_id and data["status"] == "booked"
    assert (data["service_id"], data["provider_id"], data["location_id"]) == \
        ("cleaning", slot["provider_id"], slot["location_id"])
    assert data["start_utc"].endswith("Z") and instant(data["start_utc"]) == instant(slot["start"])
    assert instant(data["end_utc"]) == instant(slot["end"])
    start_local = datetime.fromisoformat(data["start_local"])
    assert start_local == instant(slot["start"])
    assert start_local.utcoffset() == instant(slot["start"]).astimezone(ZoneInfo(HOME_ZONE)).utcoffset()
    assert data["time_zone"] == HOME_ZONE
    assert (data["channel"], data["actor"]) == ("voice", "caller")
    conversation = api.ok("GET", f"appointments/{appointment_id}")["conversation_id"]
    assert conversation and data["conversation_id"] == conversation, (data["conversation_id"], conversation)

    # exactly once; nothing for the endpoint that only wants call.ended
    stays(lambda: len(receiver.deliveries(bookings.path)) == 1, 1.2, "one delivery to the booking.* endpoint")
    assert [d.type for d in receiver.deliveries(calls.path) if d.type != "call.ended"] == [], \
        "the call.ended endpoint gets no booking event"


# ---------------------------------------------------------------------------------------------
# 2. Retries


def test_failed_attempts_are_retried_on_the_schedule_with_the_same_webhook_id(server, api, hooks, receiver):
    endpoint = hooks.add("retry")
    long_body = b"".join(b"%04d " % i for i in range(400))   # 2000 bytes
    receiver.plan(endpoint.path, Reply(500, body=long_body), Reply(500))
    first = hooks.test_event(endpoint)
    event_id = first.webhook_id
    attempts = hooks.wait(endpoint, 3, "two failures and a success")
    stays(lambda: len(receiver.deliveries(endpoint.path)) == 3, 1.0, "no attempt after the 2xx")

    assert [d.webhook_id for d in attempts] == [event_id] * 3, "the same webhook-id on every retry"
    assert [d.reply.status for d in attempts] == [500, 500, 200]
    bodies = [check_delivery(d, endpoint.secret) for d in attempts]
    assert bodies[0] == bodies[1] == bodies[2], "the same event every time"
    stamps = [int(d.headers["webhook-timestamp"]) for d in attempts]
    assert stamps == sorted(stamps), "each attempt is stamped with its own time"

    gap1, gap2 = attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at
    assert SCHEDULE_S[0] * (1 - JITTER) - 0.05 <= gap1 <= 1.2, f"first retry after ~300 ms, got {gap1:.3f} s"
    assert SCHEDULE_S[1] * (1 - JITTER) - 0.05 <= gap2 <= 1.8, f"second retry after ~600 ms, got {gap2:.3f} s"
    # due times are picked up on 100 ms polls, so "growing" is checked to within one poll
    assert gap2 > gap1 - 0.1, f"the waits grow per the schedule: {gap1:.3f} s then {gap2:.3f} s"

    lines = hooks.wait_attempt_lines(endpoint, event_id, 3)
    assert len(lines) == 3, lines
    statuses = [attempt_statuses(line, event_id) for line in lines]
    assert all(len(s) == 1 for s in statuses), f"one HTTP status per line: {lines}"
    assert sorted(s[0] for s in statuses) == [200, 500, 500], lines
    assert all(endpoint.id in re.findall(r"\d+", line.replace(event_id, " ")) for line in lines), lines
    # the same through the REST API
    listed = api.ok("GET", f"webhooks/{endpoint.number}/attempts")
    assert listed["object"] == "list", listed
    ours = [a for a in listed["data"] if a.get("event_id") == event_id]
    assert sorted((a.get("number"), a.get("status")) for a in ours) == [(1, 500), (2, 500), (3, 200)], listed
    ours.sort(key=lambda a: a["number"])
    snippet = (ours[0].get("response_snippet") or "").encode()
    assert snippet and long_body.startswith(snippet) and len(snippet) <= 512, \
        f"the first 512 bytes of the response are kept: {len(snippet)} bytes"
    assert len(snippet) >= 500, f"(up to) 512 bytes, got {len(snippet)}"
    assert ours[2].get("response_snippet") == json.dumps({"received": True, "status": 200})


def test_a_failing_event_does_not_hold_back_later_ones(server, hooks, receiver):
    endpoint = hooks.add("no-head-of-line")
    receiver.plan(endpoint.path, Reply(503, retry_after="30"))
    stuck = hooks.test_event(endpoint).webhook_id
    later = hooks.test_event(endpoint)
    assert later.webhook_id != stuck and later.answered_2xx, "the next event goes out while the first waits"


def test_a_delivery_is_abandoned_after_the_last_retry(server, hooks, receiver):
    endpoint = hooks.add("abandon")
    receiver.set_default(endpoint.path, Reply(500))
    event_id = hooks.test_event(endpoint).webhook_id
    attempts = hooks.wait(endpoint, 4, "the first attempt and three retries")
    stays(lambda: len(receiver.deliveries(endpoint.path)) == 4, SCHEDULE_S[-1] * (1 + JITTER) + 0.9,
          "no attempt after the schedule's last retry")
    assert [d.webhook_id for d in attempts] == [event_id] * 4
    lines = hooks.wait_attempt_lines(endpoint, event_id, 4)
    assert sorted(s for line in lines for s in attempt_statuses(line, event_id)) == [500] * 4, lines
    assert "disabled" not in hooks.list_line(endpoint), "abandoning a delivery does not disable the endpoint"


def test_retry_after_in_seconds_replaces_the_scheduled_wait(server, hooks, receiver):
    endpoint = hooks.add("retry-after")
    receiver.plan(endpoint.path, Reply(429, retry_after="1"))
    event_id = hooks.test_event(endpoint).webhook_id
    first, second = hooks.wait(endpoint, 2, "the retry after Retry-After: 1", webhook_id=event_id)[:2]
    gap = second.at - first.at
    assert 0.95 <= gap <= 2.5, f"Retry-After: 1 instead of the 300 ms schedule, got {gap:.3f} s"
    assert second.webhook_id == event_id and second.answered_2xx


def test_retry_after_as_an_http_date_replaces_the_scheduled_wait(server, hooks, receiver):
    endpoint = hooks.add("retry-after-date")
    receiver.plan(endpoint.path, Reply(503, retry_after=formatdate(time.time() + 3, usegmt=True)))
    event_id = hooks.test_event(endpoint).webhook_id
    first, second = hooks.wait(endpoint, 2, "the retry after an HTTP-date Retry-After", webhook_id=event_id)[:2]
    gap = second.at - first.at
    assert 1.7 <= gap <= 4.5, f"Retry-After as an HTTP date 2-3 s ahead (schedule: 300 ms), got {gap:.3f} s"
    assert second.webhook_id == event_id and second.answered_2xx


def test_a_receiver_that_hangs_past_the_timeout_is_retried(server, api, hooks, receiver):
    endpoint = hooks.add("hang")
    receiver.plan(endpoint.path, Reply(hang=TIMEOUT_S * 4))
    event_id = hooks.test_event(endpoint).webhook_id
    first, second = hooks.wait(endpoint, 2, "the retry after a timeout")[:2]
    assert second.webhook_id == event_id and second.answered_2xx
    gap = second.at - first.at
    # (The first wait of the schedule is counted from the start of the attempt here, so it may
    # be used up by the timeout itself: only "timed out after ~1 s, then retried" is asserted.)
    assert TIMEOUT_S - 0.05 <= gap <= TIMEOUT_S + 1.5, f"timed out after ~1 s, then retried: got {gap:.3f} s"
    lines = hooks.wait_attempt_lines(endpoint, event_id, 2)
    statuses = sorted(s for line in lines for s in attempt_statuses(line, event_id))
    assert statuses == [200], f"the timed-out attempt shows an error, not an HTTP status: {lines}"
    ours = sorted((a for a in api.ok("GET", f"webhooks/{endpoint.number}/attempts")["data"]
                   if a.get("event_id") == event_id), key=lambda a: a.get("number"))
    assert [a.get("status") for a in ours] == [None, 200], ours
    assert ours[0].get("error"), f"the timeout is recorded as an error: {ours[0]}"


# ---------------------------------------------------------------------------------------------
# 3. 410 Gone


def test_410_gone_disables_the_endpoint_until_enabled(server, api, hooks, receiver):
    endpoint = hooks.add("gone")
    receiver.plan(endpoint.path, Reply(410))
    event_id = hooks.test_event(endpoint).webhook_id

    line = wait_until(lambda: (lambda line: line if re.search(r"\bdisabled\b", line) else None)(
        hooks.list_line(endpoint)), "`webhook list` to show the endpoint disabled", 3)
    assert "410 Gone" in line and not re.search(r"\benabled\b", line), line
    [listed] = [w for w in api.ok("GET", "webhooks")["data"] if w["id"] == endpoint.number]
    assert (listed["enabled"], listed["disabled_reason"]) == (False, "410 Gone"), listed
    stays(lambda: len(receiver.deliveries(endpoint.path)) == 1, SCHEDULE_S[-1] * (1 + JITTER) + 0.6,
          "no attempt while the endpoint is disabled")

    hooks.server.cli("webhook", "enable", endpoint.id)
    second = hooks.wait(endpoint, 2, "the pending event after `webhook enable`")[1]
    assert second.webhook_id == event_id and second.answered_2xx
    check_delivery(second, endpoint.secret)
    assert re.search(r"\benabled\b", hooks.list_line(endpoint)), hooks.list_line(endpoint)
    [listed] = [w for w in api.ok("GET", "webhooks")["data"] if w["id"] == endpoint.number]
    assert (listed["enabled"], listed["disabled_reason"]) == (True, None), listed
    stays(lambda: len(receiver.deliveries(endpoint.path)) == 2, 0.6, "delivered once after enabling")


# ---------------------------------------------------------------------------------------------
# 4. Redirects


def test_a_redirect_is_not_followed_and_counts_as_a_failure(server, hooks, receiver):
    endpoint = hooks.add("redirect")
    target = endpoint.path + "-moved"
    receiver.plan(endpoint.path, Reply(302, location=receiver.url(target)), Reply(307, location=receiver.url(target)))
    event_id = hooks.test_event(endpoint).webhook_id
    attempts = hooks.wait(endpoint, 3, "302, 307, then the 2xx")
    assert [d.webhook_id for d in attempts] == [event_id] * 3
    assert [d.reply.status for d in attempts] == [302, 307, 200]
    stays(lambda: len(receiver.deliveries(endpoint.path)) == 3, 0.6, "no attempt after the 2xx")
    assert receiver.deliveries(target) == [], "the Location was never requested"
    lines = hooks.wait_attempt_lines(endpoint, event_id, 3)
    assert sorted(s for line in lines for s in attempt_statuses(line, event_id)) == [200, 302, 307], lines


# ---------------------------------------------------------------------------------------------
# 5. Replay


def test_replay_delivers_an_event_again_with_the_same_webhook_id(server, api, hooks, receiver):
    bookings = hooks.add("bookings", "booking.*")
    calls = hooks.add("calls", "call.ended")
    appointment = api.book("exam", 12)
    event_id, _, created_at = outbox_row(server.database, appointment["id"])
    first = hooks.wait(bookings, 1, "the booking.created delivery")[0]
    assert first.webhook_id == event_id and first.answered_2xx
    stays(lambda: len(receiver.deliveries(bookings.path)) == 1, 0.5, "delivered once")

    # --event: to the matching endpoints
    out = server.cli("webhook", "replay", "--event", event_id)
    assert re.search(r"\b1\b", out), f"prints how many deliveries were queued (1): {out!r}"
    again = hooks.wait(bookings, 2, "the replayed delivery")[1]
    assert again.webhook_id == event_id and again.answered_2xx
    assert check_delivery(again, bookings.secret) == check_delivery(first, bookings.secret)
    assert receiver.deliveries(calls.path) == [], "replay goes to matching endpoints only"

    # --since/--until with --endpoint
    out = server.cli("webhook", "replay", "--since", rfc3339(created_at - 1), "--endpoint", bookings.id)
    assert re.search(r"\b[1-9]\d*\b", out), f"at least one delivery queued: {out!r}"
    third = hooks.wait(bookings, 3, "the replay --since", webhook_id=event_id)[2]
    assert third.webhook_id == event_id and check_delivery(third, bookings.secret)["data"]["appointment_id"] == \
        appointment["id"]
    count = len(receiver.deliveries(bookings.path))
    out = server.cli("webhook", "replay", "--since", "2001-01-01T00:00:00Z", "--until", "2001-01-02T00:00:00Z",
                     "--endpoint", bookings.id)
    assert re.search(r"\b0\b", out), f"nothing in that window: {out!r}"
    stays(lambda: len(receiver.deliveries(bookings.path)) == count, 0.6, "an empty replay delivers nothing")
    assert receiver.deliveries(calls.path) == []


# ---------------------------------------------------------------------------------------------
# 6. Rotation


def test_after_rotation_deliveries_carry_both_signatures(server, hooks, receiver):
    endpoint = hooks.add("rotate")
    before = hooks.test_event(endpoint)
    assert len(before.signatures()) == 1
    check_delivery(before, endpoint.secret)

    out = server.cli("webhook", "rotate", endpoint.id)
    new_secret = out.strip().splitlines()[-1].strip()
    assert new_secret.startswith("whsec_") and new_secret != endpoint.secret, out

    after = hooks.test_event(endpoint)
    signatures = after.signatures()
    assert len(signatures) == 2, f"two space-separated signatures for 24 h: {after.headers.get('webhook-signature')}"
    stamp = after.headers["webhook-timestamp"]
    assert signatures == [sign(new_secret, after.webhook_id, stamp, after.body),
                          sign(endpoint.secret, after.webhook_id, stamp, after.body)], "new first, then old"
    check_delivery(after, new_secret)
    check_delivery(after, endpoint.secret)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(os.urandom(24)).decode()).verify(after.body, after.headers)


# ---------------------------------------------------------------------------------------------
# 7. SSRF


PRIVATE_URLS = ["http://localhost:9/hook", "http://10.1.2.3/hook", "http://192.168.1.20/hook", "http://172.16.5.4/hook",
                "http://169.254.169.254/latest/meta-data", "http://100.64.1.1/hook", "http://0.0.0.0:9/hook",
                "http://[::1]:9/hook"]


def test_private_urls_are_refused_without_allow_private(server, api, receiver):
    loopback = receiver.url("/ssrf/never")
    for url in [loopback, *PRIVATE_URLS]:
        result = run_cli(server, "webhook", "add", url, "--events", "booking.*")
        assert result.returncode == 1, f"{url}: exit {result.returncode}: {result.stdout} {result.stderr}"
        assert "--allow-private" in result.stdout + result.stderr, f"{url}: {result.stdout} {result.stderr}"
    for url in ("ftp://example.com/hook", "file:///etc/passwd"):
        result = run_cli(server, "webhook", "add", url, "--allow-private")
        assert result.returncode != 0, f"only http and https: {url} was accepted: {result.stdout}"
    listing = server.cli("webhook", "list")
    assert all(url not in listing for url in [loopback, *PRIVATE_URLS]), listing

    # the API never allows private URLs
    for url in [loopback, "http://localhost:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
                "http://[::1]:9/hook", "ftp://example.com/hook"]:
        expect_param_error(api.call("POST", "webhooks", {"url": url, "events": ["booking.*"]}), 400, "url")
    expect_param_error(api.call("POST", "webhooks", {"events": ["booking.*"]}), 400, "url")
    assert all(w["url"] != loopback for w in api.ok("GET", "webhooks")["data"])
    assert receiver.deliveries("/ssrf/never") == []


# ---------------------------------------------------------------------------------------------
# 8. The REST API: events, endpoints, test


def test_events_api_lists_and_pages_the_outbox(server, api):
    appointment = api.book("exam", 14)
    event_id, stored_data, created_at = outbox_row(server.database, appointment["id"])

    events, after, pages = [], 0, 0
    while True:
        page = api.ok("GET", "events", after=after, limit=2)
        pages += 1
        assert page["object"] == "list" and {"object", "data", "next_after"} <= set(page), page
        assert len(page["data"]) <= 2
        if not page["data"]:
            assert page["next_after"] is None, "next_after is null on an empty page"
            break
        assert page["next_after"] == page["data"][-1]["sequence"], page
        events += page["data"]
        after = page["next_after"]
        assert pages < 1000
    sequences = [e["sequence"] for e in events]
    assert sequences == sorted(set(sequences)), "oldest first, each once"
    for event in events:
        assert event["object"] == "event" and event["id"].startswith("evt_") and event["created_at"].endswith("Z")
        assert isinstance(event["data"], dict)
    [ours] = [e for e in events if e["id"] == event_id]
    assert ours["type"] == "booking.created"
    assert ours["data"] == json.loads(stored_data)
    assert ours["data"]["appointment_id"] == appointment["id"]
    assert (ours["data"]["channel"], ours["data"]["actor"]) == ("api", "staff")
    assert instant(ours["data"]["start_utc"]) == instant(appointment["start"])
    assert abs(instant(ours["created_at"]).timestamp() - created_at) < 2
    with read_db(server.database) as db:
        booking_rows = {r[0] for r in db.execute("SELECT event_id FROM outbox WHERE type LIKE 'booking.%'")}
        sequence_of = dict(db.execute("SELECT event_id, id FROM outbox"))
    assert booking_rows <= {e["id"] for e in events}, "every committed booking event is listed"
    assert all(sequence_of.get(e["id"]) == e["sequence"] for e in events), "sequence is the outbox position"

    # a client that remembers next_after sees only what is new
    last = sequences[-1]
    empty = api.ok("GET", "events", after=last)
    assert (empty["data"], empty["next_after"]) == ([], None), empty
    newer = api.book("exam", 14)
    new_id = outbox_row(server.database, newer["id"])[0]
    page = api.ok("GET", "events", after=last)
    assert [e["id"] for e in page["data"]] == [new_id] and page["next_after"] == page["data"][0]["sequence"], page
    one = api.ok("GET", "events", after=0, limit=1)
    assert len(one["data"]) == 1 and one["next_after"] == one["data"][0]["sequence"]
    assert len(api.ok("GET", "events", after=0)["data"]) <= 100, "default limit 100"
    for bad in (0, 501, "ten"):
        expect_param_error(api.call("GET", "events", after=0, limit=bad), 400, "limit")
    result = http_request(server.url, "GET", f"{API}/events?after=0")
    assert result.status == 401, "the events API needs a key"


def test_webhook_endpoints_through_the_rest_api(server, api):
    url = "https://8.8.8.8/frontdesk-e2e-hook"   # public, never delivered to: nothing emits hold.expired yet
    created = api.ok("POST", "webhooks", {"url": url, "events": ["hold.expired"], "include_transcript": True,
                                          "label": "e2e rest"}, expect=201)
    try:
        assert {"object", "id", "url", "events", "enabled", "disabled_reason", "include_transcript", "label",
                "created_at", "secret"} <= set(created), created
        assert created["object"] == "webhook_endpoint" and isinstance(created["id"], int)
        assert (created["url"], created["events"], created["enabled"], created["disabled_reason"],
                created["include_transcript"], created["label"]) == (url, ["hold.expired"], True, None, True, "e2e rest")
        assert created["created_at"].endswith("Z")
        assert created["secret"].startswith("whsec_")
        Webhook(created["secret"])  # a secret standardwebhooks accepts

        listing = api.call("GET", "webhooks")
        assert listing.status == 200
        assert "whsec_" not in listing.text, "the list never shows secrets"
        body = listing.json()
        assert body["object"] == "list"
        [listed] = [w for w in body["data"] if w["id"] == created["id"]]
        assert "secret" not in listed
        assert listed == {k: v for k, v in created.items() if k != "secret"}
        assert any(created["url"] in line for line in server.cli("webhook", "list").splitlines()), \
            "the CLI sees endpoints made through the API"

        rotated = api.ok("POST", f"webhooks/{created['id']}/rotate")
        assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"], rotated
        attempts = api.ok("GET", f"webhooks/{created['id']}/attempts")
        assert attempts["object"] == "list" and attempts["data"] == [], attempts
    finally:
        deleted = api.call("DELETE", f"webhooks/{created['id']}")
    assert deleted.status == 204, deleted.text
    assert deleted.body == b""
    assert all(w["id"] != created["id"] for w in api.ok("GET", "webhooks")["data"])
    assert api.call("DELETE", f"webhooks/{created['id']}").status == 404
    assert api.call("POST", f"webhooks/{created['id']}/test").status == 404
    assert http_request(server.url, "GET", f"{API}/webhooks").status == 401


def test_rest_test_sends_webhook_test_to_that_endpoint_only(server, api, hooks, receiver):
    chosen = hooks.add("chosen")
    other = hooks.add("other")
    result = api.call("POST", f"webhooks/{chosen.number}/test")
    assert result.status == 202, result.text
    delivery = hooks.wait(chosen, 1, "the webhook.test delivery")[0]
    body = check_delivery(delivery, chosen.secret)
    assert body["type"] == "webhook.test" and body["data"] == {"endpoint_id": chosen.number}, body
    stays(lambda: receiver.deliveries(other.path) == [] and len(receiver.deliveries(chosen.path)) == 1, 1.0,
          "only the chosen endpoint gets the test, once")


# ---------------------------------------------------------------------------------------------
# 9. At least once across kill -9


def test_no_event_is_lost_across_kill_9(start_frontdesk, fake, receiver):
    first = start_frontdesk(upstream_env(fake, **WEBHOOK_ENV))
    api = api_for(first)
    hooks = Hooks(first, receiver, "kill-9")
    endpoint = hooks.add("bookings", "booking.*")
    # two quick failures, then every request hangs past the timeout: deliveries are left
    # scheduled for a retry, in flight, or not yet tried when the process dies
    receiver.plan(endpoint.path, Reply(500), Reply(500))
    receiver.set_default(endpoint.path, Reply(hang=30))

    appointments = [api.book("exam", 20) for _ in range(4)]
    event_ids = {outbox_row(first.database, a["id"])[0] for a in appointments}
    assert len(event_ids) == 4
    hooks.wait(endpoint, 3, "two failed attempts and one hanging", seconds=10)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    killed_at = time.monotonic()
    assert not any(d.answered_2xx for d in receiver.deliveries(endpoint.path)), "nothing was delivered before the kill"

    receiver.set_default(endpoint.path, Reply(200))
    receiver.release_hung()
    second = start_frontdesk(upstream_env(fake, DATABASE_PATH=str(first.database), **WEBHOOK_ENV))

    def delivered() -> set[str]:
        return {d.webhook_id for d in receiver.deliveries(endpoint.path, after=killed_at) if d.answered_2xx}

    wait_until(lambda: event_ids <= delivered(), "every booking's event after the restart", 20,
               context=lambda: f"missing {event_ids - delivered()}\n{second.log_text()[-2500:]}")
    everything = receiver.deliveries(endpoint.path)
    assert {d.webhook_id for d in everything} <= event_ids, "only these bookings' events"
    by_id: dict[str, list[dict]] = {}
    for d in everything:
        by_id.setdefault(d.webhook_id, []).append(check_delivery(d, endpoint.secret))
    for event_id, bodies in by_id.items():
        assert all(b == bodies[0] for b in bodies), f"duplicates of {event_id} are the same event"
        assert bodies[0]["type"] == "booking.created"
    assert {b[0]["data"]["appointment_id"] for b in by_id.values()} == {a["id"] for a in appointments}
    second.stop()


# ---------------------------------------------------------------------------------------------
# WEBHOOK_DISABLE_AFTER


def test_an_endpoint_failing_longer_than_disable_after_is_disabled(start_frontdesk, fake, receiver):
    server = start_frontdesk(upstream_env(fake, **{**WEBHOOK_ENV, "WEBHOOK_DISABLE_AFTER": "1s"}))
    hooks = Hooks(server, receiver, "disable-after")
    endpoint = hooks.add("failing")
    receiver.set_default(endpoint.path, Reply(500))
    hooks.test_event(endpoint)
    wait_until(lambda: re.search(r"\bdisabled\b", hooks.list_line(endpoint)),
               "the endpoint to be disabled after failing for over 1 s", 8, context=lambda: hooks._context(endpoint))
    count = len(receiver.deliveries(endpoint.path))
    stays(lambda: len(receiver.deliveries(endpoint.path)) == count, 1.2, "no attempts once disabled")
    server.stop()
