"""Text messages end to end (/work/notes/texts-contract.md): confirmations, reminders, replies, opt-outs.

`FakeTelnyxAPI` is a FAKE Telnyx messaging API: a stdlib `http.server` on real loopback HTTP, in a thread of
this process, answering `POST /v2/messages` as Telnyx does (`{"data": {"id": "<uuid>", "to": [{"phone_number",
"status": "queued"}], …}}`, shape from /work/notes/telnyx-formats.md §4). It records the bearer token and the
JSON body of every request and can be told to answer the next request(s) to a number with 500, 429 or 400.
The server runs with `TELNYX_API_KEY`, `TELNYX_API_BASE_URL` (the fake), `TEXTS_POLL_MS=100` and
`TELNYX_PUBLIC_KEY` (the public half of a test key generated with the independent `pynacl` package).

The test plays the patients' phones too: inbound texts are Telnyx `message.received` events POSTed to
`/telnyx/webhooks`, signed as Telnyx signs (Ed25519 over `<telnyx-timestamp>|<raw body>`).
Bookings are made by voice (the official `openai` SDK, `scripted-upstream` playing the model and calling
`book_appointment`) or through the staff REST API; the business profile's `messaging` section is set with
`PUT /api/v1/business` (GET, add `messaging`, PUT back). What FrontDesk did is read from the fake, the REST API
(`/api/v1/appointments/{id}`, `/api/v1/events`) and the CLI (`frontdesk texts list`, `frontdesk inbox list`,
`frontdesk telnyx events`).

Every test texts its own fresh patients (random numbers made with `POST /api/v1/patients`), except the voice
and reply tests, which use the demo patient Emily Johnson (+12125550101). The texting window is all day
(00:00–23:59, every day, America/New_York) unless a test is about the window; tests that change the messaging
section put the module's one back. Every wait is a poll with a deadline.

Reminders: the module's messaging section has one reminder, `before_minutes = M`, chosen when the module starts
so that an appointment at a slot S (a few hours or days ahead) is reminded 12–72 s later. An appointment at an
earlier slot is then due at once, and one booked far ahead is due long after the module ends. The reminder
scenario is set up before the first test and checked later, when the reminder has come due: the tests in between
keep the module's messaging section; the tests that change it (window, daily cap, no section) come last.
"""
from __future__ import annotations

import base64
import json
import math
import random
import re
import string
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pytest
from nacl.signing import SigningKey

from conftest import (HTTPResult, StaffApi, VoiceCall, http_request, read_request_body, serve_fake, telnyx_raw, telnyx_signature, text_reply,
                      tool_calls_reply, upstream_env, wait_until)

API = "/api/v1"
WEBHOOKS = "/telnyx/webhooks"
ZONE = ZoneInfo("America/New_York")           # the demo practice's time zone
EMILY = "+12125550101"                        # demo patient Emily Johnson
SENDER = "+12125550140"                       # the practice's own number: its texting number here
TELNYX_API_KEY = "test-telnyx-key"
MESSAGING_PROFILE_ID = "4000eba1-a0c0-4563-9925-b25e842a7cb6"
ALL_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ALL_DAY = {"start": "00:00", "end": "23:59", "days": ALL_DAYS}

KEY = SigningKey.generate()                   # "Telnyx's" key: the server trusts its public half
PUBLIC_KEY_B64 = base64.b64encode(bytes(KEY.verify_key)).decode()

TEMPLATES = {   # the contract's defaults
    "booked": "{business}: you're booked for {service} with {provider} on {when}. Reply C to confirm, R to reschedule, "
              "X to cancel.",
    "rescheduled": "{business}: your {service} is moved to {when} with {provider}. Reply C to confirm, X to cancel.",
    "cancelled": "{business}: your {service} on {when} is cancelled. Call us to book again.",
    "reminder": "{business}: reminder of your {service} with {provider} on {when}. Reply C to confirm, R to reschedule, "
                "X to cancel.",
}

# Words a `texts list` line may use for a row's state.
SENT = {"sent", "delivered"}
WAITING = {"pending", "waiting", "queued", "scheduled", "due", "deferred", "held", "retrying", "retry"}
SKIPPED = {"skipped"}
CANCELLED = {"cancelled", "canceled"}
FAILED = {"failed"}
STATES = SENT | WAITING | SKIPPED | CANCELLED | FAILED | {"sending", "claimed", "in_flight", "inflight"}


# ---------------------------------------------------------------------------------------------
# The FAKE Telnyx messaging API


@dataclass
class Sent:
    """One request the fake Telnyx API received."""
    path: str
    headers: dict[str, str]       # names lower-cased
    body: bytes
    at: float                     # time.monotonic() when it arrived
    wall: float                   # time.time() at the same moment
    status: int                   # what the fake answered
    provider_id: str | None       # data.id of a 2xx answer

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def to(self) -> Any:
        body = self.json()
        return body.get("to") if isinstance(body, dict) else None

    @property
    def text(self) -> str:
        body = self.json()
        return (body.get("text") or "") if isinstance(body, dict) else ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class FakeTelnyxAPI:
    """A FAKE Telnyx API on 127.0.0.1: `POST /v2/messages` answers like Telnyx, or fails on cue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: list[Sent] = []
        self._plans: dict[str, list[int]] = {}
        self._hangs: dict[str, list[float]] = {}
        self._server = serve_fake(self._handle, "fake-telnyx-api")
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"

    def fail_next(self, to: str, *statuses: int) -> None:
        """The next requests sending to `to` are answered with these statuses, in order; then 200."""
        with self._lock:
            self._plans.setdefault(to, []).extend(statuses)

    def hang_next(self, to: str, seconds: float) -> None:
        """The next request sending to `to` gets no answer for `seconds` (longer than FrontDesk waits)."""
        with self._lock:
            self._hangs.setdefault(to, []).append(seconds)

    def requests(self, to: str | None = None, after: float | None = None) -> list[Sent]:
        """Every `POST /v2/messages` (to that number, arrived after `after`), oldest first."""
        with self._lock:
            return [s for s in self._log if s.path == "/v2/messages" and (to is None or s.to == to)
                    and (after is None or s.at >= after)]

    def sent(self, to: str, after: float | None = None) -> list[Sent]:
        """The texts to `to` that the fake accepted (2xx)."""
        return [s for s in self.requests(to, after) if s.ok]

    def texts(self, to: str, after: float | None = None) -> list[str]:
        return [s.text for s in self.sent(to, after)]

    def others(self) -> list[Sent]:
        """Requests on any other path (the assistant's scheduled calls; nothing else is expected)."""
        with self._lock:
            return [s for s in self._log if s.path != "/v2/messages"]

    def summary(self, to: str | None = None) -> str:
        return "\n".join(f"  {s.status} to={s.to} {s.text!r}" for s in self.requests(to)) or "  (nothing)"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the handler ------------------------------------------------------------------------

    def _log_hang(self, path: str, headers: dict[str, str], body: bytes) -> None:
        """A request left unanswered: recorded with status 0 (never a success)."""
        with self._lock:
            self._log.append(Sent(path=path, headers=headers, body=body, at=time.monotonic(), wall=time.time(), status=0,
                                  provider_id=None))

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = read_request_body(h)
        path = urllib.parse.urlsplit(h.path).path
        headers = {k.lower(): v for k, v in h.headers.items()}
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        to = request.get("to") if isinstance(request, dict) else None
        provider_id = None
        with self._lock:
            hangs = self._hangs.get(to) if isinstance(to, str) else None
            hang = hangs.pop(0) if hangs else 0
        if hang:
            self._log_hang(path, headers, body)
            time.sleep(hang)
            h.close_connection = True
            return
        if h.command == "POST" and path.startswith("/v2/ai/assistants/") and path.endswith("/scheduled_events"):
            # Telnyx's scheduled events (a call by the assistant): accepted as Telnyx documents it.
            status = 200
            answer = {"data": {"scheduled_event_id": str(uuid.uuid4()), "status": "pending",
                               "telnyx_end_user_target": (request or {}).get("telnyx_end_user_target")}}
            to = (request or {}).get("telnyx_end_user_target")
        elif path != "/v2/messages" or h.command != "POST":
            status = 404
            answer = {"errors": [{"code": "10005", "title": "Resource not found", "detail": f"{h.command} {path}"}]}
        elif not isinstance(request, dict):
            status = 400
            answer = {"errors": [{"code": "10015", "title": "Bad Request", "detail": "The request body is not JSON."}]}
        else:
            with self._lock:
                plan = self._plans.get(to) if isinstance(to, str) else None
                status = plan.pop(0) if plan else 200
            if status == 200:
                provider_id = str(uuid.uuid4())
                now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
                answer = {"data": {
                    "record_type": "message", "direction": "outbound", "id": provider_id, "type": "SMS",
                    "messaging_profile_id": request.get("messaging_profile_id"),
                    "organization_id": "b448f9cc-a842-4784-98e9-03c1a5872950",
                    "from": {"phone_number": request.get("from"), "carrier": "TELNYX LLC", "line_type": "VoIP"},
                    "to": [{"phone_number": to, "status": "queued", "carrier": "T-MOBILE USA, INC.",
                            "line_type": "Wireless"}],
                    "text": request.get("text"), "media": [], "encoding": "GSM-7", "parts": 1, "tags": [],
                    "cost": {"amount": "0.0051", "currency": "USD"}, "received_at": now, "sent_at": None,
                    "completed_at": None, "valid_until": None, "errors": [], "webhook_url": None,
                    "webhook_failover_url": None}}
            elif status == 429:
                answer = {"errors": [{"code": "10011", "title": "Too many requests",
                                      "detail": "You have exceeded the maximum number of allowed requests."}]}
            elif status >= 500:
                answer = {"errors": [{"code": "10007", "title": "Unexpected error",
                                      "detail": "An unexpected error occured."}]}
            else:
                answer = {"errors": [{"code": "40310", "title": "Invalid 'to' address",
                                      "detail": "The 'to' address should be in E.164 format."}]}
        with self._lock:
            self._log.append(Sent(path=path, headers=headers, body=body, at=time.monotonic(), wall=time.time(),
                                  status=status, provider_id=provider_id))
        payload = json.dumps(answer).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            h.wfile.flush()
        except OSError:
            h.close_connection = True


# ---------------------------------------------------------------------------------------------
# Playing Telnyx's inbound side: signed `message.received` events (signing as in test_telnyx.py)


def rfc3339_micro(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def signature(timestamp: str, body: bytes, key: SigningKey = KEY) -> str:
    return telnyx_signature(key, timestamp, body)


def telnyx_headers(body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {"Content-Type": "application/json", "User-Agent": "telnyx-webhooks",
            "telnyx-timestamp": stamp, "telnyx-signature-ed25519": signature(stamp, body)}


def post_signed(server, body: Any) -> HTTPResult:
    data = telnyx_raw(body)
    return http_request(server.url, "POST", WEBHOOKS, data, telnyx_headers(data), timeout=10)


def message_received(sender: str, text: str, *, to: str = SENDER, event_id: str | None = None) -> dict:
    """Telnyx's documented `message.received` envelope (telnyx-formats.md §4)."""
    now = time.time()
    return {
        "data": {
            "record_type": "event", "event_type": "message.received", "id": event_id or str(uuid.uuid4()),
            "occurred_at": rfc3339_micro(now),
            "payload": {
                "id": str(uuid.uuid4()), "record_type": "message", "direction": "inbound", "type": "SMS",
                "text": text, "encoding": "GSM-7", "parts": 1, "media": [],
                "from": {"phone_number": sender, "carrier": "T-Mobile USA", "line_type": "long_code"},
                "to": [{"phone_number": to, "carrier": "Telnyx", "line_type": "Wireless",
                        "status": "webhook_delivered"}],
                "messaging_profile_id": MESSAGING_PROFILE_ID,
                "organization_id": "47a530f8-4362-4526-829b-bcee17fd9f7a", "received_at": rfc3339_micro(now),
                "sent_at": None, "completed_at": None, "valid_until": None, "errors": [], "tags": [],
                "cost": {"amount": "0.0000", "currency": "USD"}, "webhook_url": "https://frontdesk.example/telnyx/webhooks",
                "webhook_failover_url": None}},
        "meta": {"attempt": 1, "delivered_to": "https://frontdesk.example/telnyx/webhooks"},
    }


def text_in(server, sender: str, text: str, *, event_id: str | None = None, duplicate: bool = False) -> dict:
    """The patient at `sender` texts `text` to the practice; returns the envelope posted."""
    event = message_received(sender, text, event_id=event_id)
    result = post_signed(server, event)
    assert result.status == 200, f"message.received: expected 200, got {result.status}: {result.text[:400]}"
    assert result.json() == {"received": True, "duplicate": duplicate}, result.text
    return event


# ---------------------------------------------------------------------------------------------
# Waiting


def stays(predicate: Callable[[], bool], seconds: float, what: str | Callable[[], str]) -> None:
    """`predicate` holds for the whole of `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if not predicate():
            pytest.fail(what() if callable(what) else what, pytrace=False)
        if time.monotonic() >= deadline:
            return
        time.sleep(0.1)


# ---------------------------------------------------------------------------------------------
# The staff API


class Api(StaffApi):
    """/api/v1 with one business key, and what these tests read of appointments."""

    def booked_of(self, patient_id: int) -> list[dict]:
        """The patient's booked appointments, by start."""
        items, cursor = [], None
        for _ in range(50):
            page = self.get("appointments", patient_id=patient_id, status="booked", limit=200, cursor=cursor)
            items += page["data"]
            cursor = page.get("next_cursor")
            if cursor is None:
                return items
        pytest.fail("appointments pagination did not end")


def random_name() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(9)).capitalize()


def random_phone() -> str:
    return "+19178" + "".join(random.choice(string.digits) for _ in range(6))


def new_patient(api: Api, first_name: str = "Text") -> dict:
    return api.ok("POST", "patients", {"first_name": first_name, "last_name": random_name(),
                                       "date_of_birth": "1984-03-09", "phone": random_phone()}, expect=201)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def today_local() -> date:
    return datetime.now(ZONE).date()


def slots(api: Api, service: str, first_day: date, days: int = 7, provider: str | None = None,
          limit: int = 50) -> list[dict]:
    found = api.get("availability", service_id=service, provider_id=provider, limit=limit,
                    **{"from": first_day.isoformat(), "to": (first_day + timedelta(days=days - 1)).isoformat()})
    return found["slots"]


def overlaps(slot: dict, appointments: list[dict]) -> bool:
    start, end = instant(slot["start"]), instant(slot["end"])
    return any(instant(a["start"]) < end and start < instant(a["end"]) for a in appointments)


def book(api: Api, patient: dict, *, days_ahead: int = 8, service: str = "exam", provider: str | None = None,
         slot: dict | None = None) -> dict:
    """Books the patient (REST) at `slot`, or at the first slot from `days_ahead` on that is free for them."""
    if slot is None:
        own = api.booked_of(patient["id"])
        free = [s for s in slots(api, service, today_local() + timedelta(days=days_ahead), provider=provider)
                if not overlaps(s, own)]
        assert free, f"no free {service} slot around {days_ahead} days ahead"
        slot = free[0]
    return api.ok("POST", "appointments", {"patient_id": patient["id"], "service_id": service, "start": slot["start"],
                                           "provider_id": slot["provider_id"], "location_id": slot["location_id"]},
                  expect=201)


# ---------------------------------------------------------------------------------------------
# What the texts should say


def when_text(start_local: str) -> str:
    """The contract's `{when}`: "Mon, Nov 30 at 8:00 AM" (the business's local time)."""
    moment = datetime.fromisoformat(start_local).astimezone(ZONE)
    return (f"{moment:%a}, {moment:%b} {moment.day} at {moment.hour % 12 or 12}:{moment.minute:02d} "
            f"{'AM' if moment.hour < 12 else 'PM'}")


def rendered(kind: str, appointment: dict, business: str) -> str:
    values = {"business": business, "service": appointment["service"]["name"],
              "provider": appointment["provider"]["name"], "location": appointment["location"]["name"],
              "when": when_text(appointment["start_local"]), "first_name": appointment["patient"]["first_name"]}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], TEMPLATES[kind])


# ---------------------------------------------------------------------------------------------
# The messaging section


def window_at(moment: datetime, minutes: int = 1) -> dict:
    """A `minutes`-long window (every day) opening at `moment`'s local minute (kept inside one day)."""
    local = moment.astimezone(ZONE)
    start = local.hour * 60 + local.minute
    if start + minutes > 23 * 60 + 59:
        start = 0
    hhmm = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    return {"start": hhmm(start), "end": hhmm(start + minutes), "days": ALL_DAYS}


def put_messaging(api: Api, messaging: dict | None) -> dict:
    """GET the profile, set (or remove) its `messaging` section, PUT it back; returns the stored profile."""
    profile = api.get("business")
    if messaging is None:
        profile.pop("messaging", None)
    else:
        profile["messaging"] = messaging
    stored = api.ok("PUT", "business", profile)
    if messaging is None:
        assert stored.get("messaging") is None, f"messaging removed, but the profile still has {stored.get('messaging')}"
    else:
        assert isinstance(stored.get("messaging"), dict), f"the stored profile has no messaging section: {sorted(stored)}"
        assert stored["messaging"]["sender_number"] == messaging["sender_number"], stored["messaging"]
    return stored


# ---------------------------------------------------------------------------------------------
# The CLI


def texts_list(server) -> str:
    return server.cli("texts", "list", "--limit", "1000")


def inbox_list(server) -> str:
    return server.cli("inbox", "list")


def lines_with(listing: str, needle: str) -> list[str]:
    return [line for line in listing.splitlines() if needle in line]


def states_in(line: str) -> set[str]:
    words = set(re.findall(r"[a-z][a-z_]*", line.lower()))
    return words & STATES


def rows_to(server, number: str, kind: str | None = None) -> list[str]:
    """`texts list` lines of texts to `number` (whose line names `kind`, when given)."""
    rows = lines_with(texts_list(server), number)
    return [r for r in rows if kind is None or kind in r.lower()]


def notice_rows(server, number: str) -> list[str]:
    """`texts list` lines of texts to `number` that are not reminders (confirmations, replies)."""
    return [r for r in rows_to(server, number) if "reminder" not in r.lower()]


def wait_settled(server, event_id: str, seconds: float = 6.0) -> None:
    """Best effort: until `telnyx events` shows the inbound event in a state other than just received."""
    settled = {"handled", "processed", "done", "completed", "ignored", "unhandled", "duplicate", "skipped", "failed",
               "error", "confirmed", "cancelled", "inbox", "opted_out", "opted_in"}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = lines_with(server.cli("telnyx", "events", "--limit", "1000"), event_id)
        if lines and set(re.findall(r"[a-z][a-z_]*", lines[0].replace(event_id, " ").lower())) & settled:
            return
        time.sleep(0.15)


# ---------------------------------------------------------------------------------------------
# Voice (the official openai SDK; scripted-upstream plays the model)


def tool_results(body: dict) -> dict[str, dict]:
    return {m["tool_call_id"]: json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"}


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module", autouse=True)
def _not_at_local_midnight():
    """The all-day window is 00:00–23:59 local: keep the module out of the minute it leaves out."""
    now = datetime.now(ZONE)
    if now.hour == 23 and now.minute >= 57:
        time.sleep((60 - now.minute) * 60 - now.second + 2)
    yield


@pytest.fixture(scope="module")
def telnyx():
    api = FakeTelnyxAPI()
    yield api
    api.close()


@pytest.fixture(scope="module")
def server(start_frontdesk, fake, telnyx):
    return start_frontdesk(upstream_env(
        fake, TELNYX_API_KEY=TELNYX_API_KEY, TELNYX_API_BASE_URL=telnyx.base_url, TEXTS_POLL_MS="100",
        TELNYX_PUBLIC_KEY=PUBLIC_KEY_B64, WEBHOOK_POLL_MS="100"))


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api.for_server(server)


@pytest.fixture(scope="module")
def business(api) -> str:
    return api.get("business")["business"]["name"]


@dataclass
class ReminderPlan:
    """Slots for the reminder scenario and the module's reminder (`before_minutes`)."""
    early: dict               # the first slot offered: its reminder is due at once
    slot: dict                # a later slot: its reminder comes due at `due`
    before_minutes: int
    due: float                # unix time
    messaging: dict           # the module's messaging section


@pytest.fixture(scope="module")
def plan(api) -> ReminderPlan:
    """Chooses the module's reminder and sets the module's messaging section."""
    offered = slots(api, "exam", today_local(), days=10)
    assert offered, "the demo practice offers exams in the next days"
    early = offered[0]
    later = [s for s in offered if instant(s["start"]) >= instant(early["start"]) + timedelta(minutes=15)
             and (s["provider_id"] != early["provider_id"] or instant(s["start"]) >= instant(early["end"]))]
    assert later, f"a slot at least 15 minutes after {early['start']}"
    slot = later[0]
    start = instant(slot["start"]).timestamp()
    before = math.floor((start - time.time() - 12) / 60)
    messaging = {
        "sender_number": SENDER, "messaging_profile_id": MESSAGING_PROFILE_ID, "confirmations": True,
        "reminders": [{"before_minutes": before}], "window": ALL_DAY, "max_texts_per_day": 20,
    }
    put_messaging(api, messaging)
    return ReminderPlan(early=early, slot=slot, before_minutes=before, due=start - 60 * before, messaging=messaging)


@pytest.fixture
def messaging(api, plan):
    """The module's messaging section, in force for this test and put back after it."""
    put_messaging(api, plan.messaging)
    yield dict(plan.messaging)
    put_messaging(api, plan.messaging)


@dataclass
class ReminderScenario:
    early_patient: dict
    early: dict               # booked at plan.early: reminded at once
    cancelled_patient: dict
    cancelled: dict           # booked at plan.slot, then cancelled before its reminder came due
    kept_patient: dict
    kept: dict                # booked at plan.slot after the cancellation: reminded at plan.due


@pytest.fixture(scope="module")
def reminders(server, api, plan, telnyx, business) -> ReminderScenario:
    early_patient, cancelled_patient, kept_patient = (new_patient(api, "Remi") for _ in range(3))
    early = book(api, early_patient, slot=plan.early)
    cancelled = book(api, cancelled_patient, slot=plan.slot)
    assert time.time() < plan.due - 3, "the scenario was set up too slowly for its reminder"
    # Reminder rows are written in the booking's own transaction: listed as soon as the booking is answered.
    assert rows_to(server, cancelled_patient["phone"], "reminder"), \
        f"no reminder row for a new booking right after it was made:\n{texts_list(server)}"
    api.ok("POST", f"appointments/{cancelled['id']}/cancel", {"reason": "texts e2e"})
    kept = book(api, kept_patient, slot=plan.slot)   # the freed slot: the same reminder time
    assert kept["start"] == cancelled["start"]
    return ReminderScenario(early_patient, early, cancelled_patient, cancelled, kept_patient, kept)


# ---------------------------------------------------------------------------------------------
# 1. Confirmations


def test_voice_and_rest_bookings_cancel_and_reschedule_are_confirmed_by_text(server, api, plan, reminders, messaging,
                                                                              telnyx, fake, business):
    [emily] = [p for p in api.get("patients", q="5550101")["data"] if p["first_name"] == "Emily"]
    assert emily["phone"] == EMILY
    start_mark = time.monotonic()

    # a booking by voice
    own = api.booked_of(emily["id"])
    voice_day = today_local() + timedelta(days=35)
    offered = [s for s in slots(api, "cleaning", voice_day, provider="rivera") if not overlaps(s, own)]
    assert offered, "a free cleaning with Sofia Rivera five weeks ahead"
    slot = offered[0]
    day = datetime.fromisoformat(slot["start_local"]).date().isoformat()
    find = {"id": "call_find", "name": "find_available_slots", "arguments": json.dumps({
        "service_id": "cleaning", "provider_id": "rivera", "location_id": None, "from_date": day, "to_date": day,
        "time_of_day": None, "limit": 5})}
    book_call = {"id": "call_book", "name": "book_appointment", "arguments": json.dumps({
        "service_id": "cleaning", "start": slot["start"], "provider_id": "rivera", "location_id": None,
        "hold_id": None, "notes": None})}
    fake.script(tool_calls_reply([find]), tool_calls_reply([book_call]), text_reply("You're booked, Emily."))
    call = VoiceCall(server, api.key, telnyx_end_user_target=EMILY, telnyx_agent_target=SENDER, telnyx_conversation_id=f"texts-e2e-{uuid.uuid4().hex[:8]}")
    assert call.say("Hi, it's Emily. Book me a cleaning with Sofia please.").endswith("You're booked, Emily.")
    result = tool_results(fake.chat_bodies()[2])["call_book"]
    assert "appointment_id" in result, f"book_appointment did not book: {result}"
    by_voice = api.get(f"appointments/{result['appointment_id']}")
    assert by_voice["patient"]["id"] == emily["id"] and by_voice["status"] == "booked", by_voice

    voice_text = rendered("booked", by_voice, business)
    first = wait_until(lambda: [s for s in telnyx.sent(EMILY, start_mark) if s.text == voice_text],
                       f"the confirmation of the voice booking: {voice_text!r}", 10,
                       context=lambda: f"the fake got:\n{telnyx.summary(EMILY)}\nlog:\n{server.log_text()[-2000:]}")[0]
    assert first.headers.get("authorization") == f"Bearer {TELNYX_API_KEY}", first.headers
    assert first.headers.get("content-type", "").split(";")[0].strip() == "application/json", first.headers
    body = first.json()
    assert body["from"] == SENDER and body["to"] == EMILY and body["text"] == voice_text, body
    assert body.get("messaging_profile_id") == MESSAGING_PROFILE_ID, body
    assert [s for s in telnyx.others() if not s.path.endswith("/scheduled_events")] == [], [(s.path, s.status) for s in telnyx.others()]

    # a REST booking
    rest = book(api, emily, days_ahead=49, service="exam")
    rest_text = rendered("booked", rest, business)
    wait_until(lambda: rest_text in telnyx.texts(EMILY, start_mark), f"the confirmation of the REST booking: {rest_text!r}",
               10, context=lambda: telnyx.summary(EMILY))

    # the REST booking cancelled
    api.ok("POST", f"appointments/{rest['id']}/cancel", {"reason": "texts e2e"})
    cancelled_text = rendered("cancelled", rest, business)
    wait_until(lambda: cancelled_text in telnyx.texts(EMILY, start_mark), f"the cancellation text: {cancelled_text!r}",
               10, context=lambda: telnyx.summary(EMILY))

    # the voice booking moved
    own = api.booked_of(emily["id"])
    target = [s for s in slots(api, "cleaning", today_local() + timedelta(days=63), provider="rivera")
              if not overlaps(s, own)][0]
    moved = api.ok("POST", f"appointments/{by_voice['id']}/reschedule",
                   {"start": target["start"], "provider_id": "rivera", "location_id": target["location_id"]})
    assert moved["rescheduled_from"] == by_voice["id"]
    moved_text = rendered("rescheduled", moved, business)
    wait_until(lambda: moved_text in telnyx.texts(EMILY, start_mark), f"the reschedule text: {moved_text!r}", 10,
               context=lambda: telnyx.summary(EMILY))

    # each change is texted exactly once; moving an appointment is one text, not a cancellation too
    old_cancelled = rendered("cancelled", by_voice, business)

    def counts() -> dict[str, int]:
        texts = telnyx.texts(EMILY, start_mark)
        return {t: texts.count(t) for t in (voice_text, rest_text, cancelled_text, moved_text, old_cancelled)}

    expected = {voice_text: 1, rest_text: 1, cancelled_text: 1, moved_text: 1, old_cancelled: 0}
    stays(lambda: counts() == expected, 1.5, lambda: f"each change texted once: {counts()}\n{telnyx.summary(EMILY)}")

    # `texts list` shows each as sent, with Telnyx's id
    listing = texts_list(server)
    for sent in telnyx.sent(EMILY, start_mark):
        lines = lines_with(listing, sent.provider_id)
        assert len(lines) == 1, f"one `texts list` line with provider id {sent.provider_id}:\n{listing}"
        assert EMILY in lines[0] and states_in(lines[0]) & SENT, lines[0]
        assert re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", lines[0]), f"the line has the sent time: {lines[0]}"

    # reminder rows (key `reminder:<appointment id>:<before_minutes>`) go with their appointment: a cancel or a
    # reschedule cancels the old appointment's, the new appointment gets its own
    def reminder_row(appointment: dict) -> str:
        rows = lines_with(listing, f"reminder:{appointment['id']}:{plan.before_minutes}")
        assert len(rows) == 1, f"one reminder row for appointment {appointment['id']}:\n{listing}"
        return rows[0]

    for gone in (by_voice, rest):
        assert states_in(reminder_row(gone)) & CANCELLED and not states_in(reminder_row(gone)) & SENT, reminder_row(gone)
    assert states_in(reminder_row(moved)) & WAITING, f"the moved appointment's own reminder waits: {reminder_row(moved)}"

    limited = [line for line in server.cli("texts", "list", "--limit", "2").splitlines() if re.match(r"\s*\d+\s", line)]
    assert len(limited) == 2, f"`texts list --limit 2` lists two texts: {limited}"


# ---------------------------------------------------------------------------------------------
# 4. Replies


def is_confirmed_reply(text: str) -> bool:
    """The answer to C/YES: the contract says it texts "Confirmed…" (any case, any prefix accepted here)."""
    return re.search(r"\bconfirmed\b", text, re.IGNORECASE) is not None


def is_cancelled_reply(text: str, appointment: dict, business: str) -> bool:
    """The answer to X: "Cancelled…" (any case), not the `cancelled` confirmation template."""
    return re.search(r"\bcancell?ed\b", text, re.IGNORECASE) is not None and text != rendered("cancelled", appointment,
                                                                                               business)


def next_booked(api: Api, patient_id: int) -> dict:
    now = datetime.now(timezone.utc)
    upcoming = [a for a in api.booked_of(patient_id) if instant(a["start"]) > now]
    assert upcoming, "the patient has an upcoming appointment"
    return min(upcoming, key=lambda a: (instant(a["start"]), a["id"]))


def test_c_confirms_and_x_cancels_emilys_next_appointment_by_text(server, api, messaging, telnyx, business):
    [emily] = [p for p in api.get("patients", q="5550101")["data"] if p["first_name"] == "Emily"]
    target = next_booked(api, emily["id"])
    assert target["confirmed_at"] is None, f"her next appointment is not confirmed yet: {target}"
    events_before = {e["id"] for e in api.events()}

    mark = time.monotonic()
    text_in(server, EMILY, "C")
    confirmed = wait_until(lambda: (lambda a: a if a["confirmed_at"] else None)(api.get(f"appointments/{target['id']}")),
                           f"confirmed_at on appointment {target['id']} (her next booked one)", 10,
                           context=lambda: server.log_text()[-2000:])
    assert confirmed["status"] == "booked"
    change = [c for c in confirmed["changes"] if c["action"] == "booking.confirmed"]
    assert len(change) == 1, confirmed["changes"]
    assert (change[0]["actor_kind"], change[0]["channel"]) == ("caller", "sms"), change[0]
    event = wait_until(lambda: [e for e in api.events() if e["id"] not in events_before
                                and e["type"] == "booking.confirmed"],
                       "a booking.confirmed event in /api/v1/events", 8)
    assert len(event) == 1 and event[0]["data"]["appointment_id"] == target["id"], event
    assert event[0]["data"].get("channel") == "sms", event[0]["data"]
    reply = wait_until(lambda: [t for t in telnyx.texts(EMILY, mark) if is_confirmed_reply(t)],
                       "a 'Confirmed…' text back to Emily", 10, context=lambda: telnyx.summary(EMILY))
    assert len(reply) == 1, reply
    others = [a for a in api.booked_of(emily["id"]) if a["id"] != target["id"]]
    assert all(a["confirmed_at"] is None for a in others if instant(a["start"]) > instant(target["start"])), \
        "only her next appointment is confirmed"

    booked_before = {a["id"] for a in api.booked_of(emily["id"])}
    mark = time.monotonic()
    text_in(server, EMILY, "X")
    cancelled = wait_until(lambda: (lambda a: a if a["status"] == "cancelled" else None)(
        api.get(f"appointments/{target['id']}")), f"appointment {target['id']} cancelled by 'X'", 10,
        context=lambda: server.log_text()[-2000:])
    change = [c for c in cancelled["changes"] if c["action"] == "booking.cancelled"]
    assert len(change) == 1 and (change[0]["actor_kind"], change[0]["channel"]) == ("caller", "sms"), cancelled["changes"]
    # With confirmations on, the cancellation's own text is the answer: exactly one text, not two.
    cancelled_text = rendered("cancelled", target, business)
    wait_until(lambda: cancelled_text in telnyx.texts(EMILY, mark), "the cancellation text back to Emily", 10,
               context=lambda: telnyx.summary(EMILY))
    time.sleep(1.0)
    assert telnyx.texts(EMILY, mark) == [cancelled_text], f"one text answers X: {telnyx.summary(EMILY)}"
    assert {a["id"] for a in api.booked_of(emily["id"])} == booked_before - {target["id"]}, \
        "X cancels her next appointment only"


def test_stop_silences_a_number_and_start_lets_texts_through_again(server, api, messaging, telnyx, business):
    patient = new_patient(api, "Stop")
    phone = patient["phone"]
    first = book(api, patient, days_ahead=9)
    wait_until(lambda: rendered("booked", first, business) in telnyx.texts(phone), "the first confirmation", 10,
               context=lambda: telnyx.summary(phone))

    event = text_in(server, phone, "STOP")
    wait_settled(server, event["data"]["id"])
    time.sleep(0.5)
    mark = time.monotonic()
    second = book(api, patient, days_ahead=16)
    wait_until(lambda: [r for r in notice_rows(server, phone) if states_in(r) & SKIPPED],
               "the new booking's confirmation row `skipped` in `texts list` (the number opted out)", 8,
               context=lambda: f"{texts_list(server)}\nthe fake got:\n{telnyx.summary(phone)}", interval=0.25)
    stays(lambda: telnyx.requests(phone, mark) == [], 1.0,
          lambda: f"nothing more is sent to a number that sent STOP:\n{telnyx.summary(phone)}")
    assert rendered("booked", second, business) not in telnyx.texts(phone)

    event = text_in(server, phone, "START")
    wait_settled(server, event["data"]["id"])
    time.sleep(0.5)
    third = book(api, patient, days_ahead=23)
    expected = rendered("booked", third, business)
    wait_until(lambda: expected in telnyx.texts(phone), "a confirmation again after START", 10,
               context=lambda: f"the fake got:\n{telnyx.summary(phone)}\n{texts_list(server)}")


def test_an_unclear_text_goes_to_the_staff_inbox_with_the_patient(server, api, messaging, telnyx):
    patient = new_patient(api, "Inbox")
    book(api, patient, days_ahead=10)
    question = "can I bring my dog?"
    text_in(server, patient["phone"], question)

    def mine() -> list[str]:
        return [line for line in lines_with(inbox_list(server), question)
                if patient["phone"] in line or patient["last_name"] in line]

    lines = wait_until(mine, "the message in `frontdesk inbox list` (with the patient's number or name)", 8,
                       interval=0.25, context=lambda: inbox_list(server))
    assert len(lines) == 1, lines
    tokens = set(re.findall(r"[\w+]+", lines[0]))
    assert patient["last_name"] in tokens or str(patient["id"]) in tokens, \
        f"the inbox names the patient the number identifies ({patient['first_name']} {patient['last_name']}, " \
        f"id {patient['id']}): {lines[0]}"
    assert all(a["confirmed_at"] is None for a in api.booked_of(patient["id"])) and \
        len(api.booked_of(patient["id"])) == 1, "an unclear text changes no appointment"


# ---------------------------------------------------------------------------------------------
# 5. Retries


def test_5xx_and_429_are_retried_and_400_fails_at_once(server, api, messaging, telnyx, business):
    flaky, limited, refused = (new_patient(api, "Retry") for _ in range(3))
    telnyx.fail_next(flaky["phone"], 500)
    telnyx.fail_next(limited["phone"], 429)
    telnyx.fail_next(refused["phone"], 400)
    booked = {p["phone"]: book(api, p, days_ahead=11) for p in (flaky, limited, refused)}

    for patient in (flaky, limited):
        phone = patient["phone"]
        expected = rendered("booked", booked[phone], business)
        wait_until(lambda: telnyx.sent(phone), f"the retried text to {phone}", 12,
                   context=lambda: f"{telnyx.summary(phone)}\n{texts_list(server)}")
        attempts = telnyx.requests(phone)
        assert [s.status for s in attempts] in ([500, 200], [429, 200]), telnyx.summary(phone)
        assert attempts[0].json() == attempts[1].json() and attempts[1].text == expected, telnyx.summary(phone)
        gap = attempts[1].at - attempts[0].at
        assert 4.0 <= gap <= 9.0, f"the second attempt comes about 5 s after the first, got {gap:.1f} s"

    refused_phone = refused["phone"]
    first = wait_until(lambda: telnyx.requests(refused_phone), "the attempt refused with 400", 5)[0]
    stays(lambda: len(telnyx.requests(flaky["phone"])) == 2 and len(telnyx.requests(limited["phone"])) == 2, 1.0,
          lambda: f"one success ends the retries:\n{telnyx.summary()}")
    remaining = first.at + 6.5 - time.monotonic()
    stays(lambda: len(telnyx.requests(refused_phone)) == 1, max(remaining, 0.1),
          lambda: f"a 400 is not retried:\n{telnyx.summary(refused_phone)}")

    listing = texts_list(server)
    for patient in (flaky, limited):
        success = telnyx.sent(patient["phone"])[0]
        lines = lines_with(listing, success.provider_id)
        assert len(lines) == 1 and states_in(lines[0]) & SENT, f"{success.provider_id} sent once:\n{listing}"
        rows = [r for r in lines_with(listing, patient["phone"]) if "reminder" not in r.lower()]
        assert len(rows) == 1, f"one row for the retried text:\n{listing}"
    [line] = [r for r in lines_with(listing, refused_phone) if "reminder" not in r.lower()]
    assert states_in(line) & FAILED, f"the refused text is `failed`: {line}"


# ---------------------------------------------------------------------------------------------
# More of the contract


def test_an_invalid_messaging_section_is_refused_with_its_place(api, plan):
    before = api.get("business")
    for change, param in (({"sender_number": "555-0140"}, "messaging.sender_number"),
                          ({"templates": {"booked": "{business}: see you {pet_name}!"}}, "messaging.templates.booked"),
                          ({"window": dict(ALL_DAY, start="25:00")}, "messaging.window.start")):
        profile = json.loads(json.dumps(before))
        profile["messaging"] = dict(plan.messaging, **change)
        result = api.call("PUT", "business", profile)
        assert result.status == 400, f"{change}: expected 400, got {result.status}: {result.text[:300]}"
        error = result.json()["error"]
        assert error["param"] == param, f"{change}: param {error['param']!r}, expected {param!r}: {error}"
    assert api.get("business") == before, "a refused profile changes nothing"


def test_a_duplicate_delivery_of_a_reply_is_handled_once(server, api, messaging, telnyx, business):
    patient = new_patient(api, "Dup")
    appointment = book(api, patient, days_ahead=14)
    wait_until(lambda: rendered("booked", appointment, business) in telnyx.texts(patient["phone"]),
               "the confirmation", 10)
    event_id = str(uuid.uuid4())
    text_in(server, patient["phone"], "YES", event_id=event_id)
    text_in(server, patient["phone"], "YES", event_id=event_id, duplicate=True)
    wait_until(lambda: api.get(f"appointments/{appointment['id']}")["confirmed_at"], "confirmed by 'YES'", 10)
    wait_until(lambda: [t for t in telnyx.texts(patient["phone"]) if is_confirmed_reply(t)], "the 'Confirmed…' reply",
               10, context=lambda: telnyx.summary(patient["phone"]))
    stays(lambda: len([t for t in telnyx.texts(patient["phone"]) if is_confirmed_reply(t)]) == 1, 1.5,
          lambda: f"one reply for one message:\n{telnyx.summary(patient['phone'])}")


def test_r_and_texts_from_unknown_numbers_go_to_the_inbox(server, api, messaging, telnyx):
    patient = new_patient(api, "Resched")
    appointment = book(api, patient, days_ahead=15)
    stranger = random_phone()
    text_in(server, patient["phone"], "R")
    words = f"Hi, is this the dentist? {random_name()}"
    text_in(server, stranger, words)
    wait_until(lambda: lines_with(inbox_list(server), words), "the stranger's text in the inbox", 8, interval=0.25,
               context=lambda: inbox_list(server))
    wait_until(lambda: lines_with(inbox_list(server), patient["phone"]) or lines_with(inbox_list(server),
                                                                                       patient["last_name"]),
               "the 'R' text in the inbox", 8, interval=0.25, context=lambda: inbox_list(server))
    assert api.get(f"appointments/{appointment['id']}")["status"] == "booked", "R changes nothing by itself"


def test_help_gets_one_help_text(server, api, messaging, telnyx):
    patient = new_patient(api, "Help")
    mark = time.monotonic()
    text_in(server, patient["phone"], "HELP")
    wait_until(lambda: telnyx.sent(patient["phone"], mark), "a help text", 10,
               context=lambda: telnyx.summary(patient["phone"]))
    stays(lambda: len(telnyx.requests(patient["phone"], mark)) == 1, 1.5,
          lambda: f"one help text:\n{telnyx.summary(patient['phone'])}")
    assert telnyx.sent(patient["phone"])[0].json()["from"] == SENDER


def test_the_other_keywords_confirm_cancel_unsubscribe_and_unstop(server, api, messaging, telnyx, business):
    """CONFIRM confirms, CANCEL cancels (it is not an opt-out here), UNSUBSCRIBE opts out, UNSTOP opts in again."""
    patient = new_patient(api, "Words")
    phone = patient["phone"]
    first = book(api, patient, days_ahead=17)
    text_in(server, phone, "CONFIRM")
    wait_until(lambda: api.get(f"appointments/{first['id']}")["confirmed_at"], "confirmed by 'CONFIRM'", 10)
    text_in(server, phone, "CANCEL")
    wait_until(lambda: api.get(f"appointments/{first['id']}")["status"] == "cancelled", "cancelled by 'CANCEL'", 10)
    second = book(api, patient, days_ahead=24)
    wait_until(lambda: rendered("booked", second, business) in telnyx.texts(phone),
               "a confirmation after CANCEL (CANCEL is no opt-out)", 10, context=lambda: telnyx.summary(phone))

    event = text_in(server, phone, "UNSUBSCRIBE")
    wait_settled(server, event["data"]["id"])
    time.sleep(0.5)
    mark = time.monotonic()
    third = book(api, patient, days_ahead=31)
    wait_until(lambda: [r for r in notice_rows(server, phone) if states_in(r) & SKIPPED],
               "the confirmation `skipped` after UNSUBSCRIBE", 8, interval=0.25,
               context=lambda: f"{texts_list(server)}\n{telnyx.summary(phone)}")
    assert rendered("booked", third, business) not in telnyx.texts(phone, mark), telnyx.summary(phone)

    event = text_in(server, phone, "UNSTOP")
    wait_settled(server, event["data"]["id"])
    time.sleep(0.5)
    fourth = book(api, patient, days_ahead=38)
    wait_until(lambda: rendered("booked", fourth, business) in telnyx.texts(phone), "a confirmation after UNSTOP", 10,
               context=lambda: f"{telnyx.summary(phone)}\n{texts_list(server)}")


# ---------------------------------------------------------------------------------------------
# 2b. Reminders: the one that came due during the module


def test_a_reminder_comes_due_once_and_never_for_a_cancelled_appointment(server, api, plan, reminders, telnyx,
                                                                         business):
    kept_phone, cancelled_phone = reminders.kept_patient["phone"], reminders.cancelled_patient["phone"]
    expected = rendered("reminder", reminders.kept, business)
    wait_until(lambda: expected in telnyx.texts(kept_phone), f"the reminder to {kept_phone} (due at "
               f"{datetime.fromtimestamp(plan.due, ZONE):%H:%M:%S})", max(plan.due - time.time(), 0) + 10,
               context=lambda: f"{telnyx.summary(kept_phone)}\n{texts_list(server)}")
    [sent] = [s for s in telnyx.sent(kept_phone) if s.text == expected]
    assert sent.wall >= plan.due - 2, \
        f"the reminder went out {plan.due - sent.wall:.0f} s before it was due ({plan.before_minutes} min before)"

    def reminders_to(phone: str) -> list[str]:
        return [t for t in telnyx.texts(phone) if "reminder of your" in t]

    stays(lambda: len(reminders_to(kept_phone)) == 1, 1.5,
          lambda: f"the reminder is sent once:\n{telnyx.summary(kept_phone)}")
    assert reminders_to(cancelled_phone) == [], f"no reminder for a cancelled appointment:\n{telnyx.summary(cancelled_phone)}"
    assert [s for s in telnyx.requests(cancelled_phone) if "reminder of your" in s.text] == [], \
        "the cancelled appointment's reminder is not even attempted"
    assert rendered("cancelled", reminders.cancelled, business) in telnyx.texts(cancelled_phone), \
        telnyx.summary(cancelled_phone)

    listing = texts_list(server)
    kept_rows = [r for r in lines_with(listing, kept_phone) if "reminder" in r.lower()]
    assert len(kept_rows) == 1 and sent.provider_id in kept_rows[0] and states_in(kept_rows[0]) & SENT, \
        f"the reminder row:\n{listing}"
    for row in (r for r in lines_with(listing, cancelled_phone) if "reminder" in r.lower()):
        assert states_in(row) & (CANCELLED | SKIPPED) and not states_in(row) & SENT, \
            f"the cancelled appointment's reminder row: {row}"


# ---------------------------------------------------------------------------------------------
# 3. The window


def test_outside_the_window_a_confirmation_waits(server, api, plan, telnyx):
    closed = dict(plan.messaging, window=window_at(datetime.now(ZONE) + timedelta(hours=12)))
    put_messaging(api, closed)
    try:
        patient = new_patient(api, "Window")
        book(api, patient, days_ahead=12)
        wait_until(lambda: notice_rows(server, patient["phone"]), "the confirmation row in `texts list`", 5,
                   interval=0.25, context=lambda: texts_list(server))
        stays(lambda: telnyx.requests(patient["phone"]) == [], 3.0,
              lambda: f"nothing is sent outside the window:\n{telnyx.summary(patient['phone'])}")
        rows = notice_rows(server, patient["phone"])
        assert len(rows) == 1, rows
        assert states_in(rows[0]) & WAITING and not states_in(rows[0]) & (SENT | SKIPPED | FAILED | CANCELLED), \
            f"the confirmation waits for the window: {rows[0]}"
    finally:
        put_messaging(api, plan.messaging)


# ---------------------------------------------------------------------------------------------
# 6. The daily cap


def test_max_texts_per_day_skips_a_second_confirmation_to_the_same_number(server, api, plan, telnyx, business):
    put_messaging(api, dict(plan.messaging, max_texts_per_day=1))
    try:
        patient = new_patient(api, "Capped")
        phone = patient["phone"]
        first = book(api, patient, days_ahead=13)
        wait_until(lambda: rendered("booked", first, business) in telnyx.texts(phone), "the first confirmation", 10,
                   context=lambda: telnyx.summary(phone))
        second = book(api, patient, days_ahead=20)
        wait_until(lambda: [r for r in notice_rows(server, phone) if states_in(r) & SKIPPED],
                   "the second confirmation row `skipped` (max_texts_per_day 1)", 8, interval=0.25,
                   context=lambda: f"{texts_list(server)}\n{telnyx.summary(phone)}")
        stays(lambda: len(telnyx.requests(phone)) == 1, 1.0, lambda: f"one text a day:\n{telnyx.summary(phone)}")
        assert rendered("booked", second, business) not in telnyx.texts(phone)
    finally:
        put_messaging(api, plan.messaging)


# ---------------------------------------------------------------------------------------------
# Last: no messaging section at all


def test_without_a_messaging_section_nothing_is_texted(server, api, plan, telnyx):
    put_messaging(api, None)
    try:
        patient = new_patient(api, "Quiet")
        book(api, patient, days_ahead=16)
        stays(lambda: telnyx.requests(patient["phone"]) == [], 2.0,
              lambda: f"a business without messaging texts nobody:\n{telnyx.summary(patient['phone'])}")
    finally:
        put_messaging(api, plan.messaging)


# ---------------------------------------------------------------------------------------------
# 2c. A reminder already due when the appointment is booked (checked last: the server disagrees, see below)


def test_a_reminder_whose_time_passed_before_the_booking_is_not_made(server, api, plan, reminders, telnyx, business):
    """An appointment booked `before_minutes` or less ahead: its reminder's time has passed when it is
    made, and the booking confirmation has just told the patient, so no reminder row is written (the
    README says so). Booked when the module started."""
    phone = reminders.early_patient["phone"]
    booked = rendered("booked", reminders.early, business)
    wait_until(lambda: booked in telnyx.texts(phone), f"the booking confirmation to {phone}", 10,
               context=lambda: telnyx.summary(phone))
    time.sleep(1.0)
    assert rows_to(server, phone, "reminder") == [], f"no reminder row:\n{texts_list(server)}"
    assert rendered("reminder", reminders.early, business) not in telnyx.texts(phone), telnyx.summary(phone)


def test_a_reminder_call_is_placed_through_the_assistant_once_with_the_reminder_as_its_key(server, api, plan, telnyx):
    """A call reminder: when it comes due, FrontDesk asks Telnyx's assistant to call (a scheduled
    event), with the reminder's key as Idempotency-Key and its id in the dynamic variables, once."""
    import sqlite3

    put_messaging(api, dict(plan.messaging, assistant_id="assistant-e2e",
                            reminders=[{"before_minutes": 1440, "channel": "call"}]))
    try:
        patient = new_patient(api, "Ring")
        appointment = book(api, patient, days_ahead=6)
        # The reminder is due five days from now: the test's clock moves it to now.
        with sqlite3.connect(server.database) as db:
            changed = db.execute("UPDATE reminder_calls SET next_attempt_at_ms = ? WHERE appointment_id = ? AND state = 'waiting'",
                                 (int(time.time() * 1000), appointment["id"])).rowcount
        assert changed == 1, "one reminder call row, written with the booking"
        path = "/v2/ai/assistants/assistant-e2e/scheduled_events"
        def calls() -> list:
            return [r for r in telnyx.others() if r.path == path and r.json().get("telnyx_end_user_target") == patient["phone"]]

        placed = wait_until(calls,
                            "the scheduled call at the fake Telnyx API", 10,
                            context=lambda: f"{[(r.path, r.status) for r in telnyx.others()]}\n{server.log_text()[-3000:]}")
        request = placed[0]
        body = request.json()
        assert request.headers.get("idempotency-key") == f"reminder-call-{appointment['id']}-1440", request.headers
        assert request.headers.get("authorization") == f"Bearer {TELNYX_API_KEY}"
        assert body["telnyx_conversation_channel"] == "phone_call" and body["telnyx_agent_target"] == SENDER
        assert body["dynamic_variables"]["frontdesk_reminder_id"].isdigit()
        assert body["dynamic_variables"]["patient_first_name"] == patient["first_name"]
        stays(lambda: len(calls()) == 1, 1.5,
              "the reminder call is placed once")
        with sqlite3.connect(server.database) as db:
            state = db.execute("SELECT state, scheduled_event_id FROM reminder_calls WHERE appointment_id = ?",
                               (appointment["id"],)).fetchone()
        assert state[0] == "placed" and state[1], state
    finally:
        put_messaging(api, plan.messaging)


def test_a_text_in_flight_when_the_process_is_killed_and_one_due_while_it_was_down_are_each_sent_after_the_restart(
        start_frontdesk, fake, telnyx, plan):
    """kill -9 with a confirmation in flight (the fake never answers it) and a reminder that comes
    due while the process is down: the next process sends each once it is due (a claim is a
    lease: the in-flight one after the lease, at least once; the reminder once)."""
    import signal
    import sqlite3

    env = dict(TELNYX_API_KEY=TELNYX_API_KEY, TELNYX_API_BASE_URL=telnyx.base_url, TEXTS_POLL_MS="100",
               TELNYX_PUBLIC_KEY=PUBLIC_KEY_B64, WEBHOOK_POLL_MS="100", WEBHOOK_TIMEOUT_MS="1000")
    first = start_frontdesk(upstream_env(fake, **env))
    api = Api.for_server(first)
    put_messaging(api, dict(plan.messaging, reminders=[{"before_minutes": 1440}]))
    business_name = api.get("business")["business"]["name"]
    patient = new_patient(api, "Kill")
    phone = patient["phone"]
    telnyx.hang_next(phone, 20)
    appointment = book(api, patient, days_ahead=6)
    wait_until(lambda: telnyx.requests(phone), "the confirmation in flight at the fake", 10)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    # While it is down, the day-before reminder comes due (the test's clock moves it to now).
    with sqlite3.connect(first.database) as db:
        assert db.execute("UPDATE text_messages SET next_attempt_at_ms = ? WHERE appointment_id = ? AND kind = 'reminder'",
                          (int(time.time() * 1000), appointment["id"])).rowcount == 1
    second = start_frontdesk(upstream_env(fake, DATABASE_PATH=str(first.database), **env))
    confirmation, reminder = rendered("booked", appointment, business_name), rendered("reminder", appointment, business_name)
    wait_until(lambda: reminder in telnyx.texts(phone), "the reminder due while the process was down", 15,
               context=lambda: telnyx.summary(phone))
    wait_until(lambda: confirmation in telnyx.texts(phone), "the confirmation that was in flight, after its lease", 20,
               context=lambda: f"{telnyx.summary(phone)}\n{second.log_text()[-2000:]}")
    time.sleep(1.0)
    assert telnyx.texts(phone).count(reminder) == 1, telnyx.summary(phone)
    assert telnyx.texts(phone).count(confirmation) == 1, telnyx.summary(phone)
    second.stop()



def test_r_starts_a_text_conversation_with_the_assistant_when_there_is_one(server, api, plan, telnyx):
    """`R` with an assistant set up: the assistant texts the patient (a scheduled sms_chat event,
    keyed by the patient's message, so a repeated webhook does not start a second one)."""
    put_messaging(api, dict(plan.messaging, assistant_id="assistant-e2e"))
    try:
        patient = new_patient(api, "Resch")
        appointment = book(api, patient, days_ahead=7)
        event_id = str(uuid.uuid4())
        text_in(server, patient["phone"], "R", event_id=event_id)
        path = "/v2/ai/assistants/assistant-e2e/scheduled_events"

        def chats() -> list:
            return [r for r in telnyx.others() if r.path == path and r.json().get("telnyx_end_user_target") == patient["phone"]]

        [chat] = wait_until(chats, "the assistant's text conversation at the fake Telnyx API", 10)
        body = chat.json()
        assert body["telnyx_conversation_channel"] == "sms_chat", body
        assert patient["first_name"] in body["text"] and "new time" in body["text"], body["text"]
        assert body["dynamic_variables"]["frontdesk_reschedule_appointment_id"] == str(appointment["id"])
        assert chat.headers.get("idempotency-key", "").startswith("reschedule-"), chat.headers
        text_in(server, patient["phone"], "R", event_id=event_id, duplicate=True)
        stays(lambda: len(chats()) == 1, 1.5, "one conversation for one message")
        assert patient["phone"] not in inbox_list(server), f"it did not go to the inbox:\n{inbox_list(server)}"
    finally:
        put_messaging(api, plan.messaging)
