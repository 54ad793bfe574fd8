"""The staff REST API (`/api/v1/...`) end to end, against the real `frontdesk` binary.

What is checked, per the contract (the OpenAPI document is Sources/FrontDeskApp/Resources/openapi.json):
- auth: never open (401 even when no key exists), business keys act for their own business only
  (403 on a header naming another, nothing of business B visible with A's key), server keys need
  `X-FrontDesk-Business` once there are several businesses;
- every route: profile, providers/services/locations, availability, appointments (filters, cursor
  pagination, exports), booking with `Idempotency-Key`, cancel/reschedule/confirm, patients, calls;
- error shapes (`{"error": {message, type, param, code}}`) with `param` and `code`;
- every change made through the API is audited in `change_audit` as `staff` through `api`
  (read straight from the SQLite files with Python's sqlite3);
- a call made through `/v1/chat/completions` (the scripted fake upstream plays the model and books
  with a tool) shows up under /calls with its turns, tools, outcome and the link to the appointment.

Objects are checked here for the fields the contract names; that they carry no others is checked by
test_rest_schema.py (the document's response schemas are closed).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import sqlite3
import string
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pytest

from conftest import (REPO, HTTPResult, assert_openai_error, http_request, post_chat, text_reply, tool_calls_reply,
                      upstream_env)

API = "/api/v1"
SERVER_KEY = "srv-rest-e2e-Hc4Lm9Qz2Wx7Tb5N"          # FRONTDESK_API_KEYS
MAX_BODY = 131072                                     # MAX_BODY_BYTES of the main server
HOME_ZONE = "America/New_York"                        # the demo practice
BETA = "beta"                                         # the second business
BETA_NAME = "Beta Smile West"
BETA_ZONE = "America/Los_Angeles"
BETA_PATIENT = {"first_name": "Zelda", "last_name": "Betaperson", "date_of_birth": "1970-01-01", "phone": "+13105550123"}
EMILY = "+12125550101"       # demo patient Emily Johnson
MICHAEL = "+12125550102"     # demo patient Michael Brown
TRANSFER_TOOL = {
    "type": "function",
    "function": {
        "name": "transfer_call",
        "description": "Transfer the caller to a human.",
        "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]},
    },
}


# ---------------------------------------------------------------------------------------------
# Helpers


class Client:
    """Requests to /api/v1 with one token (and optionally an X-FrontDesk-Business header)."""

    def __init__(self, url: str, token: str | None = None, business: str | None = None):
        self.url, self.token, self.business = url, token, business

    def call(self, method: str, path: str, body: Any = None, *, query: dict | None = None,
             headers: dict[str, str] | None = None) -> HTTPResult:
        all_headers = {}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        if self.business:
            all_headers["X-FrontDesk-Business"] = self.business
        all_headers.update(headers or {})
        target = path if path.startswith("/") else f"{API}/{path}"
        query = {k: v for k, v in (query or {}).items() if v is not None}
        if query:
            target += "?" + urllib.parse.urlencode(query)
        return http_request(self.url, method, target, body, all_headers)

    def get(self, path: str, **query) -> HTTPResult:
        return self.call("GET", path, query=query)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **kwargs) -> Any:
        result = self.call(method, path, body, **kwargs)
        assert result.status == status, f"{method} {path}: expected {status}, got {result.status}: {result.text[:600]}"
        assert result.headers.get("content-type", "").startswith("application/json"), result.headers
        return result.json()

    def fetch(self, path: str, **query) -> Any:
        return self.ok("GET", path, query=query)


def expect_error(result: HTTPResult, status: int, code: str | tuple[str, ...], param: Any = ...) -> dict:
    """The contract's error shape with this status and code (and `param`, when given; a tuple of
    params means any of them)."""
    error = assert_openai_error(result, status)
    assert set(error) == {"message", "type", "param", "code"}, error
    assert isinstance(error["message"], str) and error["message"], error
    codes = code if isinstance(code, tuple) else (code,)
    assert error["code"] in codes, f"code: expected {codes}, got {error['code']!r}: {error}"
    if param is not ...:
        params = param if isinstance(param, tuple) else (param,)
        assert error["param"] in params, f"param: expected {params}, got {error['param']!r}: {error}"
    return error


BAD_REQUEST_CODES = ("invalid_request", "invalid_arguments")


def walk(client: Client, path: str, limit: int, **filters) -> list[dict]:
    """Every item of a cursor-paginated list, following next_cursor to the end."""
    items: list[dict] = []
    cursor = None
    for _ in range(1000):
        page = client.fetch(path, **filters, limit=limit, cursor=cursor)
        assert page["object"] == "list" and {"object", "data", "next_cursor"} <= set(page), page
        assert len(page["data"]) <= limit, (limit, len(page["data"]))
        items += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert page["data"], "a page that has a next_cursor must not be empty"
    pytest.fail("pagination did not end")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def utc_z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def working_day(profile: dict, min_days: int, weekday: int) -> date:
    """The first `weekday` (0 = Monday) at least `min_days` ahead that no override touches."""
    overrides = {o["date"] for o in profile["overrides"]}
    day = today(profile["business"]["time_zone"]) + timedelta(days=min_days)
    while day.weekday() != weekday or day.isoformat() in overrides:
        day += timedelta(days=1)
    return day


def wait_for(predicate: Callable[[], Any], what: str, seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def check_appointment(appointment: dict, zone: str) -> None:
    """The fields every appointment carries, and that its times agree with each other."""
    assert appointment["object"] == "appointment"
    for name in ("start", "end", "created_at", "updated_at"):
        assert appointment[name].endswith("Z"), (name, appointment[name])
    assert appointment["time_zone"] == zone
    start, end = instant(appointment["start"]), instant(appointment["end"])
    assert end > start
    for utc_name, local_name in (("start", "start_local"), ("end", "end_local")):
        local_time = datetime.fromisoformat(appointment[local_name])
        assert local_time == instant(appointment[utc_name]), (appointment[utc_name], appointment[local_name])
        assert local_time.utcoffset() == instant(appointment[utc_name]).astimezone(ZoneInfo(zone)).utcoffset(), \
            appointment[local_name]
    assert {"id", "first_name", "last_name", "phone"} <= set(appointment["patient"])
    for ref in ("provider", "service", "location"):
        assert {"id", "name"} <= set(appointment[ref]), appointment[ref]
    for name in ("notes", "cancel_reason", "rescheduled_from", "confirmed_at", "conversation_id"):
        assert name in appointment, name


def read_db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def audit(path: Path, appointment_id: int) -> list[tuple]:
    with read_db(path) as db:
        return db.execute("""SELECT action, actor_kind, actor_id, channel, conversation_id FROM change_audit
                             WHERE appointment_id = ? ORDER BY id""", (appointment_id,)).fetchall()


def random_name() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(9)).capitalize()


def random_phone() -> str:
    """A number no test searches for: no fragment the tests use fits in it."""
    return "+19178" + "".join(random.choice(string.digits) for _ in range(6))


def tool_results(body: dict) -> dict[str, dict]:
    return {m["tool_call_id"]: json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"}


@dataclass
class World:
    server: Any
    key_a: str
    key_b: str
    a: Client                 # business key of the home business (the demo practice)
    b: Client                 # business key of business beta
    profile: dict             # the home business profile (GET /business)
    actor_a: set[str]         # the actor ids key A may be audited as (`api_key:<id>`)
    actor_b: set[str]
    beta_db: Path

    @property
    def home_db(self) -> Path:
        return self.server.database

    def new_patient(self, client: Client | None = None, **overrides) -> dict:
        body = {"first_name": "Rest", "last_name": random_name(), "date_of_birth": "1980-05-17", "phone": random_phone()}
        body.update(overrides)
        return (client or self.a).ok("POST", "patients", body, status=201)

    def slots(self, service: str, provider: str | None, day: date, days: int = 1, client: Client | None = None,
              **extra) -> list[dict]:
        found = (client or self.a).fetch("availability", service_id=service, provider_id=provider,
                                         **{"from": day.isoformat(), "to": (day + timedelta(days=days - 1)).isoformat()},
                                         limit=50, **extra)
        return found["slots"]

    def book(self, patient_id: int, slot: dict, service: str, client: Client | None = None,
             headers: dict | None = None, **extra) -> HTTPResult:
        body = {"patient_id": patient_id, "service_id": service, "start": slot["start"],
                "provider_id": slot["provider_id"], "location_id": slot["location_id"], **extra}
        return (client or self.a).call("POST", "appointments", body, headers=headers)


def key_actor_ids(server, key: str) -> set[str]:
    """`api_key:<key id>`: the key's row id or its prefix (the contract says "key id")."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    with read_db(server.database) as db:
        key_id, prefix = db.execute("SELECT id, prefix FROM api_keys WHERE key_hash = ?", (digest,)).fetchone()
    return {f"api_key:{key_id}", f"api_key:{prefix}"}


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake, FRONTDESK_API_KEYS=SERVER_KEY, MAX_BODY_BYTES=str(MAX_BODY)))


@pytest.fixture(scope="module")
def world(server, tmp_path_factory) -> World:
    """The demo practice with a business key, and a second business `beta` (its own profile,
    zone and patient) with its own key, both made with the CLI while the server runs."""
    key_a = server.create_key("default")
    profile_b = json.loads((REPO / "env" / "business.example.json").read_text())
    profile_b["business"]["name"] = BETA_NAME
    profile_b["business"]["time_zone"] = BETA_ZONE
    profile_b["patients"] = [BETA_PATIENT]
    path = tmp_path_factory.mktemp("beta") / "beta.json"
    path.write_text(json.dumps(profile_b))
    server.cli("business", "add", BETA)
    server.cli("business", "import", BETA, str(path))
    key_b = server.create_key(BETA)
    a, b = Client(server.url, key_a), Client(server.url, key_b)
    wait_for(lambda: a.get("business").status == 200 and b.get("business").status == 200,
             "the server to accept the new keys")
    return World(server=server, key_a=key_a, key_b=key_b, a=a, b=b, profile=a.fetch("business"),
                 actor_a=key_actor_ids(server, key_a), actor_b=key_actor_ids(server, key_b),
                 beta_db=server.database.parent / "businesses" / f"{BETA}.sqlite")


# ---------------------------------------------------------------------------------------------
# The document and auth


def test_openapi_document_is_served_without_auth_and_is_the_shipped_file(world):
    result = http_request(world.server.url, "GET", f"{API}/openapi.json")
    assert result.status == 200, result.text[:300]
    assert result.headers["content-type"].startswith("application/json")
    served = result.json()
    assert served["openapi"] == "3.1.0"
    shipped = json.loads((REPO / "Sources" / "FrontDeskApp" / "Resources" / "openapi.json").read_text())
    assert served == shipped


def test_no_token_is_401_even_when_no_key_exists_anywhere(start_frontdesk):
    bare = start_frontdesk({})  # no FRONTDESK_API_KEYS, no business key: the API is still closed
    for headers in ({}, {"Authorization": "Bearer fdk_" + "0" * 64}, {"Authorization": "Bearer "},
                    {"X-FrontDesk-Business": "default"}):
        result = http_request(bare.url, "GET", f"{API}/appointments", headers=headers)
        expect_error(result, 401, "invalid_api_key")
        assert result.headers.get("www-authenticate", "").startswith("Bearer"), result.headers
    result = http_request(bare.url, "POST", f"{API}/patients",
                          {"first_name": "No", "last_name": "Body", "date_of_birth": "1990-01-01"})
    expect_error(result, 401, "invalid_api_key")
    with read_db(bare.database) as db:
        assert db.execute("SELECT count(*) FROM patients WHERE last_name = 'Body'").fetchone() == (0,)
    assert http_request(bare.url, "GET", f"{API}/openapi.json").status == 200


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer fdk_" + "1" * 64}, {"Authorization": "Bearer wrong"},
    {"Authorization": f"Basic {SERVER_KEY}"}, {"Authorization": SERVER_KEY},
], ids=["none", "unknown-business-key", "wrong", "basic", "no-scheme"])
@pytest.mark.parametrize("route", [("GET", "business"), ("GET", "appointments"), ("GET", "calls"),
                                   ("POST", "appointments/1/cancel")])
def test_missing_or_wrong_token_is_401(world, headers, route):
    method, path = route
    result = http_request(world.server.url, method, f"{API}/{path}", {} if method == "POST" else None, headers)
    expect_error(result, 401, "invalid_api_key")
    assert result.headers.get("www-authenticate", "").startswith("Bearer")


def test_a_business_key_acts_for_its_own_business_only(world):
    home = world.a.fetch("business")
    assert home["business"]["name"] == "Bright Smile Dental"
    assert Client(world.server.url, world.key_a, "default").fetch("business") == home
    expect_error(Client(world.server.url, world.key_a, BETA).get("business"), 403, "business_mismatch")
    expect_error(Client(world.server.url, world.key_b, "default").get("appointments"), 403, "business_mismatch")
    # a header naming no business at all is refused too, never served
    unknown = Client(world.server.url, world.key_a, "nowhere").get("business")
    assert unknown.status in (403, 404), unknown.text
    expect_error(unknown, unknown.status, "business_mismatch" if unknown.status == 403 else "unknown_business")
    beta = world.b.fetch("business")
    assert beta["business"]["name"] == BETA_NAME and beta["business"]["time_zone"] == BETA_ZONE


def test_a_server_key_needs_the_business_header_when_there_are_several(world):
    expect_error(Client(world.server.url, SERVER_KEY).get("business"), 400, "business_required")
    expect_error(Client(world.server.url, SERVER_KEY, "nowhere").get("business"), 404, "unknown_business")
    assert Client(world.server.url, SERVER_KEY, "default").fetch("business")["business"]["name"] == "Bright Smile Dental"
    assert Client(world.server.url, SERVER_KEY, BETA).fetch("business")["business"]["name"] == BETA_NAME


def test_a_server_key_alone_on_a_single_business_server(start_frontdesk):
    single = start_frontdesk({"FRONTDESK_API_KEYS": SERVER_KEY})
    assert Client(single.url, SERVER_KEY).fetch("business")["business"]["name"] == "Bright Smile Dental"
    expect_error(Client(single.url, "not-the-key").get("business"), 401, "invalid_api_key")


def test_a_revoked_key_stops_working(world):
    key = world.server.create_key("default")
    client = Client(world.server.url, key)
    wait_for(lambda: client.get("providers").status == 200, "the new key to work")
    world.server.cli("business", "key", "revoke", key[:16], "--business", "default")
    wait_for(lambda: client.get("providers").status == 401, "the revoked key to be refused", seconds=5)


def test_unknown_route_and_wrong_method(world):
    expect_error(world.a.get("no-such-thing"), 404, "unknown_url")
    result = world.a.call("DELETE", "appointments")
    expect_error(result, 405, "method_not_allowed")
    allowed = {m.strip().upper() for m in result.headers.get("allow", "").split(",")}
    assert {"GET", "POST"} <= allowed, result.headers
    expect_error(world.a.call("PUT", "patients"), 405, "method_not_allowed")


# ---------------------------------------------------------------------------------------------
# Profile and availability


def test_profile_providers_services_locations(world):
    profile = world.a.fetch("business")
    example = json.loads((REPO / "env" / "business.example.json").read_text())
    assert profile["business"]["time_zone"] == HOME_ZONE
    assert profile["booking_rules"] == example["booking_rules"]
    for route in ("providers", "services", "locations"):
        listing = world.a.fetch(route)
        assert listing["object"] == "list" and listing["next_cursor"] is None, listing
        assert listing["data"] == profile[route], route
        assert [e["id"] for e in listing["data"]] == [e["id"] for e in example[route]]
    assert [p["id"] for p in world.b.fetch("providers")["data"]] == [p["id"] for p in example["providers"]]


def test_availability(world):
    monday = working_day(world.profile, 20, 0)
    found = world.a.fetch("availability", service_id="cleaning", provider_id="rivera",
                          **{"from": monday.isoformat(), "to": monday.isoformat()})
    assert {"object", "time_zone", "slots", "next_available_date"} <= set(found)
    assert found["object"] == "availability" and found["time_zone"] == HOME_ZONE
    assert 1 <= len(found["slots"]) <= 10, "default limit is 10"
    for slot in found["slots"]:
        assert {"start", "end", "start_local", "end_local", "provider_id", "provider_name", "location_id",
                "location_name"} <= set(slot)
        assert slot["start"].endswith("Z") and slot["end"].endswith("Z")
        start_local = datetime.fromisoformat(slot["start_local"])
        assert start_local == instant(slot["start"]) and start_local.date() == monday
        assert instant(slot["end"]) - instant(slot["start"]) == timedelta(minutes=60)
        assert start_local.minute % 15 == 0 and 8 <= start_local.hour < 17
        assert (slot["provider_id"], slot["provider_name"]) == ("rivera", "Sofia Rivera")
        assert (slot["location_id"], slot["location_name"]) == ("downtown", "Downtown office")  # Mondays downtown
    starts = [s["start"] for s in found["slots"]]
    assert starts == sorted(starts)

    three = world.a.fetch("availability", service_id="exam", limit=3, **{"from": monday.isoformat()})
    assert len(three["slots"]) == 3
    afternoon = world.a.fetch("availability", service_id="exam", time_of_day="afternoon",
                              **{"from": monday.isoformat(), "to": monday.isoformat()})
    assert afternoon["slots"] and all(datetime.fromisoformat(s["start_local"]).hour >= 12 for s in afternoon["slots"])
    morning = world.a.fetch("availability", service_id="exam", time_of_day="morning",
                            **{"from": monday.isoformat(), "to": monday.isoformat()})
    assert morning["slots"] and all(datetime.fromisoformat(s["start_local"]).hour < 12 for s in morning["slots"])

    sunday = monday + timedelta(days=6)
    none = world.a.fetch("availability", service_id="cleaning", provider_id="rivera",
                         **{"from": sunday.isoformat(), "to": sunday.isoformat()})
    assert none["slots"] == []
    assert none["next_available_date"] is not None and date.fromisoformat(none["next_available_date"]) > sunday

    expect_error(world.a.get("availability"), 400, BAD_REQUEST_CODES, "service_id")
    expect_error(world.a.get("availability", service_id="exam", limit=51), 400, BAD_REQUEST_CODES, "limit")
    expect_error(world.a.get("availability", service_id="exam", limit=0), 400, BAD_REQUEST_CODES, "limit")
    expect_error(world.a.get("availability", service_id="exam", time_of_day="night"), 400, BAD_REQUEST_CODES,
                 "time_of_day")
    expect_error(world.a.get("availability", service_id="exam", **{"from": "2026-02-30"}), 400, BAD_REQUEST_CODES, "from")
    expect_error(world.a.get("availability", service_id="exam", to="tomorrow"), 400, BAD_REQUEST_CODES, "to")
    expect_error(world.a.get("availability", service_id="no-such-service"), 404, "not_found", (None, "service_id"))


# ---------------------------------------------------------------------------------------------
# Appointments: booking, idempotency, errors


def test_book_an_appointment_and_it_is_audited_as_staff(world):
    patient = world.new_patient()
    day = working_day(world.profile, 14, 0)
    slot = world.slots("exam", "dr-chen", day)[0]
    result = world.book(patient["id"], slot, "exam", notes="Front desk booking")
    assert result.status == 201, result.text
    booked = result.json()
    check_appointment(booked, HOME_ZONE)
    assert booked["status"] == "booked"
    assert (booked["start"], booked["end"]) == (slot["start"], slot["end"])
    assert (booked["start_local"], booked["end_local"]) == (slot["start_local"], slot["end_local"])
    assert booked["patient"] == {"id": patient["id"], "first_name": patient["first_name"],
                                 "last_name": patient["last_name"], "phone": patient["phone"]}
    assert booked["provider"] == {"id": "dr-chen", "name": "Dr. Marcus Chen"}
    assert booked["service"] == {"id": "exam", "name": "Dental exam"}
    assert booked["location"] == {"id": slot["location_id"], "name": slot["location_name"]}
    assert booked["notes"] == "Front desk booking"
    assert (booked["cancel_reason"], booked["rescheduled_from"], booked["confirmed_at"], booked["conversation_id"]) == \
        (None, None, None, None)

    detail = world.a.fetch(f"appointments/{booked['id']}")
    assert {k: v for k, v in detail.items() if k != "changes"} == booked
    [change] = detail["changes"]
    assert change["action"] == "booking.created" and change["actor_kind"] == "staff" and change["channel"] == "api"
    assert change["actor_id"] in world.actor_a and change["conversation_id"] is None and change["at"].endswith("Z")

    [row] = audit(world.home_db, booked["id"])
    assert row[:2] == ("booking.created", "staff") and row[2] in world.actor_a and row[3] == "api"
    with read_db(world.home_db) as db:
        stored = db.execute("SELECT patient_id, provider_id, service_id, status, start_utc FROM appointments WHERE id = ?",
                            (booked["id"],)).fetchone()
        assert db.execute("SELECT type FROM outbox WHERE appointment_id = ?", (booked["id"],)).fetchall() == \
            [("booking.created",)]
    assert stored == (patient["id"], "dr-chen", "exam", "booked", int(instant(slot["start"]).timestamp()))


def test_booking_without_provider_or_location_picks_one_that_can(world):
    patient = world.new_patient()
    day = working_day(world.profile, 14, 2)
    slot = world.slots("whitening", None, day)[0]  # only dr-chen does whitening
    result = world.a.call("POST", "appointments", {"patient_id": patient["id"], "service_id": "whitening",
                                                   "start": slot["start"]})
    assert result.status == 201, result.text
    assert result.json()["provider"]["id"] == "dr-chen"


def test_a_booking_start_with_an_offset_is_the_same_instant(world):
    patient = world.new_patient()
    day = working_day(world.profile, 14, 3)
    slot = world.slots("exam", "dr-okafor", day)[-1]
    body = {"patient_id": patient["id"], "service_id": "exam", "start": slot["start_local"], "provider_id": "dr-okafor"}
    booked = world.a.ok("POST", "appointments", body, status=201)
    assert booked["start"] == slot["start"]


def test_the_same_idempotency_key_books_once(world):
    patient = world.new_patient()
    day = working_day(world.profile, 15, 1)
    first_slot, other_slot = world.slots("exam", "dr-chen", day)[:2]
    key = {"Idempotency-Key": f"rest-e2e-{random_name()}"}
    first = world.book(patient["id"], first_slot, "exam", headers=key)
    again = world.book(patient["id"], first_slot, "exam", headers=key)
    assert first.status == 201 and again.status == 201, (first.text, again.text)
    assert again.json()["id"] == first.json()["id"]
    assert again.json() == first.json()
    with read_db(world.home_db) as db:
        rows = db.execute("SELECT id FROM appointments WHERE patient_id = ?", (patient["id"],)).fetchall()
    assert rows == [(first.json()["id"],)]
    assert [r[0] for r in audit(world.home_db, first.json()["id"])] == ["booking.created"]

    # the same key with another request is refused, and books nothing
    reused = world.book(patient["id"], other_slot, "exam", headers=key)
    expect_error(reused, 422, "idempotency_key_reused", "Idempotency-Key")
    with read_db(world.home_db) as db:
        assert db.execute("SELECT count(*) FROM appointments WHERE patient_id = ?", (patient["id"],)).fetchone() == (1,)

    # without a key the same request is a new request: the patient is already booked then
    expect_error(world.book(patient["id"], first_slot, "exam"), 409, ("slot_unavailable", "patient_conflict"), "start")

    # any other field counts too: the same key with other notes is another request
    reused_notes = world.book(patient["id"], first_slot, "exam", headers=key, notes="different")
    expect_error(reused_notes, 422, "idempotency_key_reused", "Idempotency-Key")


def test_booking_errors_name_the_field(world):
    patient = world.new_patient()
    other = world.new_patient()
    day = working_day(world.profile, 21, 0)
    chen = {s["start"]: s for s in world.slots("exam", "dr-chen", day)}
    patel = {s["start"]: s for s in world.slots("exam", "dr-patel", day)}
    both = sorted(set(chen) & set(patel))
    assert both, "dr-chen and dr-patel share a free start on a Monday"
    with read_db(world.home_db) as db:
        before = db.execute("SELECT count(*) FROM appointments").fetchone()[0]
        audit_before = db.execute("SELECT count(*) FROM change_audit").fetchone()[0]

    good = {"patient_id": patient["id"], "service_id": "exam", "start": both[0], "provider_id": "dr-chen"}
    post = lambda body, **kw: world.a.call("POST", "appointments", body, **kw)  # noqa: E731
    expect_error(post({k: v for k, v in good.items() if k != "service_id"}), 400, BAD_REQUEST_CODES, "service_id")
    expect_error(post({k: v for k, v in good.items() if k != "patient_id"}), 400, BAD_REQUEST_CODES, "patient_id")
    expect_error(post({k: v for k, v in good.items() if k != "start"}), 400, BAD_REQUEST_CODES, "start")
    expect_error(post({**good, "patient_id": "one"}), 400, BAD_REQUEST_CODES, "patient_id")
    expect_error(post({**good, "start": "next tuesday"}), 400, BAD_REQUEST_CODES, "start")
    expect_error(post({**good, "notes": 42}), 400, BAD_REQUEST_CODES, "notes")
    expect_error(post({**good, "patient_id": 999999}), 404, "not_found", (None, "patient_id"))
    expect_error(post({**good, "service_id": "no-such-service"}), 404, "not_found", (None, "service_id"))
    expect_error(post({**good, "provider_id": "dr-nobody"}), 404, "not_found", (None, "provider_id"))
    expect_error(post({**good, "location_id": "mars"}), 404, "not_found", (None, "location_id"))
    expect_error(post({**good, "notes": "x" * (MAX_BODY + 1)}), 413, "request_too_large")

    # times the calendar refuses
    at = lambda moment: post({**good, "start": utc_z(moment)})  # noqa: E731
    expect_error(at(local(day, 3, 0, HOME_ZONE)), 422, "outside_hours", "start")
    past_monday = today(HOME_ZONE) - timedelta(days=today(HOME_ZONE).weekday() + 7)
    expect_error(at(local(past_monday, 10, 0, HOME_ZONE)), 422, "in_past", "start")
    far = working_day(world.profile, world.profile["booking_rules"]["horizon_days"] + 7, 0)
    expect_error(at(local(far, 10, 0, HOME_ZONE)), 422, "beyond_horizon", "start")
    with read_db(world.home_db) as db:
        assert db.execute("SELECT count(*) FROM appointments").fetchone()[0] == before
        assert db.execute("SELECT count(*) FROM change_audit").fetchone()[0] == audit_before

    # the slot is taken by someone else; the patient is busy elsewhere at that time
    assert post(good).status == 201
    expect_error(post({**good, "patient_id": other["id"]}), 409, "slot_unavailable", "start")
    expect_error(post({**good, "provider_id": "dr-patel"}), 409, "patient_conflict", "start")
    with read_db(world.home_db) as db:
        assert db.execute("SELECT count(*) FROM appointments").fetchone()[0] == before + 1

    expect_error(world.a.get("appointments/999999"), 404, "not_found")
    expect_error(world.a.call("POST", "appointments/999999/cancel", {}), 404, "not_found")
    expect_error(world.a.call("POST", "appointments/999999/confirm"), 404, "not_found")
    expect_error(world.a.call("POST", "appointments/999999/reschedule", {"start": both[0]}), 404, "not_found")


@pytest.mark.parametrize("body", [b"{not json", b'{"a": 1', b"[]", b'"text"'],
                         ids=["bad-key", "cut-object", "array", "string"])
def test_a_body_that_is_not_a_json_object_is_400_invalid_request(world, body):
    for method, path in (("POST", "appointments"), ("POST", "patients"), ("PUT", "business"),
                         ("PATCH", "patients/1"), ("POST", "appointments/1/reschedule")):
        result = world.a.call(method, path, body, headers={"Content-Type": "application/json"})
        expect_error(result, 400, "invalid_request")


def test_the_business_profile_can_be_replaced_and_its_rules_apply(world):
    original = world.a.fetch("business")
    try:
        check_profile_changes(world, original)
    finally:  # whatever happened, the rest of the module gets the demo profile back
        world.a.call("PUT", "business", original)


def check_profile_changes(world: World, original: dict) -> None:
    assert world.a.ok("PUT", "business", original) == original, "PUT of what GET returned changes nothing"

    # a closed day added through the API is closed for booking
    closed = working_day(original, 28, 2)
    slot = world.slots("exam", "dr-patel", closed)[0]
    changed = json.loads(json.dumps(original))
    changed["overrides"].append({"date": closed.isoformat(), "closed": True, "reason": "REST e2e closure"})
    stored = world.a.ok("PUT", "business", changed)
    assert any(o["date"] == closed.isoformat() and o["closed"] for o in stored["overrides"])
    assert world.a.fetch("business") == stored
    assert world.slots("exam", "dr-patel", closed) == []
    patient = world.new_patient()
    expect_error(world.book(patient["id"], slot, "exam"), 422, "closed_date", "start")

    # minimum notice longer than the distance to the slot: too soon
    later = working_day(original, 29, 3)
    slot = world.slots("exam", "dr-chen", later)[0]
    strict = json.loads(json.dumps(original))
    strict["booking_rules"]["minimum_notice_minutes"] = 60 * 24 * 60
    assert world.a.ok("PUT", "business", strict)["booking_rules"]["minimum_notice_minutes"] == 60 * 24 * 60
    expect_error(world.book(patient["id"], slot, "exam"), 422, "inside_minimum_notice", "start")

    # an invalid profile names the place and changes nothing
    bad_zone = json.loads(json.dumps(original))
    bad_zone["business"]["time_zone"] = "America/Atlantis"
    expect_error(world.a.call("PUT", "business", bad_zone), 400, BAD_REQUEST_CODES, "business.time_zone")
    overlap = json.loads(json.dumps(original))
    overlap["providers"][1]["hours"].append(dict(overlap["providers"][1]["hours"][0]))
    error = expect_error(world.a.call("PUT", "business", overlap), 400, BAD_REQUEST_CODES)
    assert (error["param"] or "").startswith("providers[1].hours["), error
    expect_error(world.a.call("PUT", "business", {"booking_rules": {}}), 400, BAD_REQUEST_CODES, "business")
    assert world.a.fetch("business")["booking_rules"]["minimum_notice_minutes"] == 60 * 24 * 60

    assert world.a.ok("PUT", "business", original) == original
    assert world.a.fetch("business") == original
    assert world.book(patient["id"], slot, "exam").status == 201


def test_replacing_the_profile_keeps_each_patients_preferred_provider(world):
    patient = world.new_patient(preferred_provider_id="rivera")
    profile = world.a.fetch("business")
    assert world.a.ok("PUT", "business", profile) == profile
    assert world.a.fetch(f"patients/{patient['id']}")["preferred_provider_id"] == "rivera"


def test_removing_a_provider_who_has_appointments_is_refused(world):
    profile = world.a.fetch("business")
    with read_db(world.home_db) as db:
        assert db.execute("SELECT count(*) FROM appointments WHERE provider_id = 'dr-patel'").fetchone()[0] > 0
    without = json.loads(json.dumps(profile))
    without["providers"] = [p for p in without["providers"] if p["id"] != "dr-patel"]
    for service in without["services"]:
        service["providers"] = [p for p in service["providers"] if p != "dr-patel"]
    for patient_override in without["overrides"]:
        assert patient_override.get("provider") != "dr-patel"
    result = world.a.call("PUT", "business", without)
    try:
        assert result.status in (400, 409), f"a refusal the client can act on, got {result.status}: {result.text[:300]}"
        assert result.json()["error"]["type"] == "invalid_request_error", result.text
    finally:
        if result.status == 200:
            world.a.call("PUT", "business", profile)
    assert world.a.fetch("business") == profile


def test_cancel_reschedule_confirm(world):
    patient = world.new_patient()
    day = working_day(world.profile, 22, 1)
    first_slot = world.slots("cleaning", "rivera", day)[0]
    moved_slot = world.slots("cleaning", "rivera", day + timedelta(days=1))[0]
    booked = world.book(patient["id"], first_slot, "cleaning").json()

    confirmed = world.a.ok("POST", f"appointments/{booked['id']}/confirm")
    check_appointment(confirmed, HOME_ZONE)
    assert confirmed["status"] == "booked" and confirmed["confirmed_at"].endswith("Z")
    again = world.a.ok("POST", f"appointments/{booked['id']}/confirm")
    assert again["confirmed_at"] == confirmed["confirmed_at"]

    key = {"Idempotency-Key": f"move-{random_name()}"}
    move = {"start": moved_slot["start"], "provider_id": "rivera", "location_id": moved_slot["location_id"]}
    moved = world.a.ok("POST", f"appointments/{booked['id']}/reschedule", move, headers=key)
    check_appointment(moved, HOME_ZONE)
    assert moved["id"] != booked["id"] and moved["rescheduled_from"] == booked["id"]
    assert moved["status"] == "booked" and moved["start"] == moved_slot["start"]
    assert moved["patient"]["id"] == patient["id"] and moved["service"]["id"] == "cleaning"
    assert world.a.ok("POST", f"appointments/{booked['id']}/reschedule", move, headers=key) == moved
    expect_error(world.a.call("POST", f"appointments/{booked['id']}/reschedule",
                              {**move, "start": first_slot["start"]}, headers=key),
                 422, "idempotency_key_reused", "Idempotency-Key")
    assert world.a.fetch(f"appointments/{booked['id']}")["status"] == "cancelled"
    expect_error(world.a.call("POST", f"appointments/{booked['id']}/reschedule", move), 409, "not_booked", None)
    expect_error(world.a.call("POST", f"appointments/{booked['id']}/confirm"), 409, "not_booked", None)
    expect_error(world.a.call("POST", f"appointments/{moved['id']}/reschedule", {}), 400, BAD_REQUEST_CODES, "start")

    cancelled = world.a.ok("POST", f"appointments/{moved['id']}/cancel", {"reason": "patient travelling"})
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "patient travelling"
    assert cancelled["id"] == moved["id"]
    assert world.a.ok("POST", f"appointments/{moved['id']}/cancel", {"reason": "patient travelling"}) == cancelled
    expect_error(world.a.call("POST", f"appointments/{moved['id']}/confirm"), 409, "not_booked", None)
    expect_error(world.a.call("POST", f"appointments/{moved['id']}/reschedule", move), 409, "not_booked", None)

    # the freed slot can be booked again; cancelling with no body works too
    rebooked = world.book(patient["id"], moved_slot, "cleaning")
    assert rebooked.status == 201, rebooked.text
    rebooked = rebooked.json()
    assert world.a.ok("POST", f"appointments/{rebooked['id']}/cancel")["status"] == "cancelled"

    detail = world.a.fetch(f"appointments/{moved['id']}")
    assert [c["action"] for c in detail["changes"]] == ["booking.rescheduled", "booking.cancelled"]
    assert all(c["actor_kind"] == "staff" and c["channel"] == "api" and c["actor_id"] in world.actor_a
               for c in detail["changes"])
    first_actions = [c["action"] for c in world.a.fetch(f"appointments/{booked['id']}")["changes"]]
    assert first_actions[:2] == ["booking.created", "booking.confirmed"], first_actions
    rows = audit(world.home_db, booked["id"]) + audit(world.home_db, moved["id"]) + audit(world.home_db, rebooked["id"])
    assert [r[0] for r in rows if r[0] == "booking.confirmed"] == ["booking.confirmed"], "one confirmation"
    assert [r[0] for r in audit(world.home_db, moved["id"])] == ["booking.rescheduled", "booking.cancelled"]
    assert all(r[1] == "staff" and r[2] in world.actor_a and r[3] == "api" and r[4] is None for r in rows), rows


def test_the_server_key_acts_as_server_key_staff(world):
    client = Client(world.server.url, SERVER_KEY, "default")
    patient = world.new_patient(client)
    slot = world.slots("exam", "dr-okafor", working_day(world.profile, 16, 4), client=client)[0]
    booked = world.book(patient["id"], slot, "exam", client=client)
    assert booked.status == 201, booked.text
    assert audit(world.home_db, booked.json()["id"]) == [("booking.created", "staff", "server_key", "api", None)]


# ---------------------------------------------------------------------------------------------
# Listing, filtering, paginating, exporting


def db_appointments(path: Path, zone: str) -> list[dict]:
    with read_db(path) as db:
        rows = db.execute("""SELECT a.id, a.start_utc, a.provider_id, a.location_id, a.service_id, a.status,
                                    a.patient_id, p.phone
                             FROM appointments a JOIN patients p ON p.id = a.patient_id""").fetchall()
    keys = ("id", "start", "provider_id", "location_id", "service_id", "status", "patient_id", "phone")
    out = [dict(zip(keys, row)) for row in rows]
    for row in out:
        row["day"] = datetime.fromtimestamp(row["start"], ZoneInfo(zone)).date()
    return sorted(out, key=lambda r: (r["start"], r["id"]))


def test_appointment_list_filters_and_cursor_pagination(world):
    # a few more rows, so that every filter has something to find
    patient = world.new_patient(phone="+16465550999")
    day = working_day(world.profile, 30, 4)
    assert world.book(patient["id"], world.slots("filling", "dr-patel", day)[0], "filling").status == 201
    assert world.book(patient["id"], world.slots("exam", "dr-okafor", day)[-1], "exam").status == 201

    rows = db_appointments(world.home_db, HOME_ZONE)
    everything = walk(world.a, "appointments", 4)
    ids = [a["id"] for a in everything]
    assert len(ids) == len(set(ids)), "no appointment twice across pages"
    assert ids == [r["id"] for r in rows], "all of them, sorted by start then id"
    for appointment in everything:
        check_appointment(appointment, HOME_ZONE)
    assert [a["id"] for a in walk(world.a, "appointments", 200)] == ids
    first_page = world.a.fetch("appointments")
    assert len(first_page["data"]) == min(50, len(ids)), "default limit 50"

    start, end = today(HOME_ZONE) + timedelta(days=1), today(HOME_ZONE) + timedelta(days=10)
    cases: list[tuple[dict, Callable[[dict], bool]]] = [
        ({"from": start.isoformat(), "to": end.isoformat()}, lambda r: start <= r["day"] <= end),
        ({"from": day.isoformat()}, lambda r: r["day"] >= day),
        ({"to": start.isoformat()}, lambda r: r["day"] <= start),
        ({"from": day.isoformat(), "to": day.isoformat()}, lambda r: r["day"] == day),
        ({"provider_id": "dr-patel"}, lambda r: r["provider_id"] == "dr-patel"),
        ({"location_id": "uptown"}, lambda r: r["location_id"] == "uptown"),
        ({"service_id": "cleaning"}, lambda r: r["service_id"] == "cleaning"),
        ({"status": "cancelled"}, lambda r: r["status"] == "cancelled"),
        ({"status": "booked"}, lambda r: r["status"] == "booked"),
        ({"patient_id": patient["id"]}, lambda r: r["patient_id"] == patient["id"]),
        ({"phone": "5550101"}, lambda r: "5550101" in (r["phone"] or "")),
        ({"phone": "0999"}, lambda r: "0999" in (r["phone"] or "")),
        ({"phone": "212555"}, lambda r: "212555" in (r["phone"] or "")),
        ({"provider_id": "dr-patel", "status": "booked", "from": start.isoformat(), "to": day.isoformat()},
         lambda r: r["provider_id"] == "dr-patel" and r["status"] == "booked" and start <= r["day"] <= day),
    ]
    for filters, matches in cases:
        expected = [r["id"] for r in rows if matches(r)]
        assert expected or filters.get("status") == "cancelled", f"test data should match {filters}"
        got = walk(world.a, "appointments", 3, **filters)
        assert [a["id"] for a in got] == expected, filters

    for bad in ({"limit": 0}, {"limit": 201}, {"limit": "ten"}, {"limit": -1}):
        expect_error(world.a.get("appointments", **bad), 400, BAD_REQUEST_CODES, "limit")
    expect_error(world.a.get("appointments", cursor="not-a-cursor"), 400, BAD_REQUEST_CODES, "cursor")
    expect_error(world.a.get("appointments", **{"from": "2026-13-01"}), 400, BAD_REQUEST_CODES, "from")
    expect_error(world.a.get("appointments", to="01/02/2027"), 400, BAD_REQUEST_CODES, "to")
    expect_error(world.a.get("appointments", status="lost"), 400, BAD_REQUEST_CODES, "status")
    expect_error(world.a.get("appointments", patient_id="abc"), 400, BAD_REQUEST_CODES, "patient_id")


def test_appointment_exports(world):
    filters = {"provider_id": "dr-patel"}
    listed = walk(world.a, "appointments", 200, **filters)
    assert listed

    result = world.a.call("GET", "appointments/export", query={"format": "csv", **filters})
    assert result.status == 200, result.text[:300]
    assert result.headers["content-type"].startswith("text/csv")
    assert result.headers.get("content-disposition", "").startswith("attachment"), result.headers
    table = list(csv.DictReader(io.StringIO(result.text)))
    assert table and "id" in table[0], "a header row naming the columns, one of them id"
    assert sorted(int(r["id"]) for r in table) == sorted(a["id"] for a in listed)

    result = world.a.call("GET", "appointments/export", query={"format": "jsonl", **filters})
    assert result.status == 200, result.text[:300]
    assert result.headers["content-type"].startswith("application/x-ndjson")
    assert result.headers.get("content-disposition", "").startswith("attachment")
    lines = [json.loads(line) for line in result.text.splitlines() if line.strip()]
    assert sorted(a["id"] for a in lines) == sorted(a["id"] for a in listed)
    by_id = {a["id"]: a for a in listed}
    for appointment in lines:
        check_appointment(appointment, HOME_ZONE)
        assert appointment == by_id[appointment["id"]]

    everything = world.a.call("GET", "appointments/export", query={"format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(everything.text)))) == len(db_appointments(world.home_db, HOME_ZONE))
    expect_error(world.a.get("appointments/export"), 400, BAD_REQUEST_CODES, "format")
    expect_error(world.a.get("appointments/export", format="xml"), 400, BAD_REQUEST_CODES, "format")


# ---------------------------------------------------------------------------------------------
# Patients


def test_patients_search_create_update(world):
    emily = world.a.fetch("patients", q="Johnson")["data"]
    assert [(p["first_name"], p["phone"]) for p in emily] == [("Emily", EMILY)]
    [emily] = emily
    # (preferred_provider_id is left out: a profile replacement earlier in this module may have cleared it,
    # see test_replacing_the_profile_keeps_each_patients_preferred_provider)
    assert {k: v for k, v in emily.items() if k != "preferred_provider_id"} == {
        "object": "patient", "id": emily["id"], "first_name": "Emily", "last_name": "Johnson",
        "date_of_birth": "1988-04-12", "phone": EMILY, "email": "emily.johnson@example.com"}
    assert [p["id"] for p in world.a.fetch("patients", q="5550101")["data"]] == [emily["id"]]
    assert {p["first_name"] for p in world.a.fetch("patients", q="Wilson")["data"]} == {"Olivia", "Liam"}

    everyone = walk(world.a, "patients", 5)
    ids = [p["id"] for p in everyone]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    with read_db(world.home_db) as db:
        assert ids == [r[0] for r in db.execute("SELECT id FROM patients ORDER BY id")]
    expect_error(world.a.get("patients", limit=500), 400, BAD_REQUEST_CODES, "limit")
    expect_error(world.a.get("patients", cursor="%%%"), 400, BAD_REQUEST_CODES, "cursor")

    # create
    last = random_name()
    body = {"first_name": "Nora", "last_name": last, "date_of_birth": "1994-02-03", "phone": random_phone(),
            "email": "nora@example.com", "preferred_provider_id": "rivera"}
    created = world.a.ok("POST", "patients", body, status=201)
    assert created == {"object": "patient", "id": created["id"], **body}
    assert world.a.fetch("patients", q=last)["data"] == [created]
    error = expect_error(world.a.call("POST", "patients", {**body, "phone": None}), 409, "duplicate_patient", None)
    assert str(created["id"]) in error["message"], "the message names the existing patient"
    minimal = world.a.ok("POST", "patients", {"first_name": "Ode", "last_name": random_name(),
                                              "date_of_birth": "2001-12-31"}, status=201)
    assert (minimal["phone"], minimal["email"], minimal["preferred_provider_id"]) == (None, None, None)

    # idempotent create
    key = {"Idempotency-Key": f"patient-{random_name()}"}
    twin = {"first_name": "Ivo", "last_name": random_name(), "date_of_birth": "1977-07-07"}
    one = world.a.ok("POST", "patients", twin, status=201, headers=key)
    assert world.a.ok("POST", "patients", twin, status=201, headers=key) == one
    expect_error(world.a.call("POST", "patients", {**twin, "first_name": "Ivan"}, headers=key),
                 422, "idempotency_key_reused", "Idempotency-Key")
    with read_db(world.home_db) as db:
        assert db.execute("SELECT count(*) FROM patients WHERE last_name = ?", (twin["last_name"],)).fetchone() == (1,)

    # invalid input
    post = lambda b: world.a.call("POST", "patients", b)  # noqa: E731
    expect_error(post({k: v for k, v in body.items() if k != "last_name"}), 400, BAD_REQUEST_CODES, "last_name")
    expect_error(post({**body, "last_name": random_name(), "date_of_birth": "1994-02-30"}), 400, BAD_REQUEST_CODES,
                 "date_of_birth")
    expect_error(post({**body, "last_name": random_name(), "phone": "555-CALL"}), 400, BAD_REQUEST_CODES, "phone")
    expect_error(post({**body, "last_name": random_name(), "phone": random_phone(), "first_name": 7}), 400,
                 BAD_REQUEST_CODES, "first_name")

    # PATCH: change, clear, collide
    new_phone = random_phone()
    patched = world.a.ok("PATCH", f"patients/{created['id']}", {"email": "nora.new@example.com", "phone": new_phone})
    assert patched == {**created, "email": "nora.new@example.com", "phone": new_phone}
    assert world.a.ok("PATCH", f"patients/{created['id']}", {"email": None}) == {**patched, "email": None}
    assert world.a.ok("PATCH", f"patients/{created['id']}", {"phone": None})["phone"] is None
    assert world.a.ok("PATCH", f"patients/{created['id']}", {}) == {**patched, "email": None, "phone": None}
    same_birthday = world.new_patient(date_of_birth=emily["date_of_birth"])
    error = expect_error(world.a.call("PATCH", f"patients/{same_birthday['id']}", {"phone": EMILY}), 409,
                         "duplicate_patient", None)
    assert str(emily["id"]) in error["message"]
    expect_error(world.a.call("PATCH", f"patients/{created['id']}", {"phone": 12}), 400, BAD_REQUEST_CODES, "phone")
    expect_error(world.a.call("PATCH", "patients/999999", {"email": None}), 404, "not_found")
    expect_error(world.a.get("patients/999999"), 404, "not_found")
    with read_db(world.home_db) as db:
        assert db.execute("SELECT phone, email FROM patients WHERE id = ?", (created["id"],)).fetchone() == (None, None)

    # an unknown provider is named by the field that named it
    expect_error(post({**body, "last_name": random_name(), "phone": random_phone(), "preferred_provider_id": "dr-nobody"}),
                 404, "not_found", (None, "preferred_provider_id"))


def test_patient_detail_has_every_appointment_by_start(world):
    patient = world.new_patient()
    day = working_day(world.profile, 23, 3)
    slots = world.slots("exam", "dr-okafor", day)
    late = world.book(patient["id"], slots[-1], "exam").json()
    early = world.book(patient["id"], slots[0], "exam").json()
    world.a.ok("POST", f"appointments/{late['id']}/cancel", {"reason": "no longer needed"})
    detail = world.a.fetch(f"patients/{patient['id']}")
    assert {k: v for k, v in detail.items() if k not in ("appointments", "calls")} == patient
    assert [(a["id"], a["status"]) for a in detail["appointments"]] == [(early["id"], "booked"), (late["id"], "cancelled")]
    assert detail["calls"] == []


# ---------------------------------------------------------------------------------------------
# Calls: a voice booking through /v1/chat/completions, then the staff view of it


def voice_turn(world: World, key: str, caller: str, call_id: str, words: str, model: str = "frontdesk/dental_office",
               tools: list | None = None) -> dict:
    body = {"model": model, "messages": [{"role": "user", "content": words}],
            "extra_metadata": {"telnyx_end_user_target": caller, "telnyx_conversation_id": call_id}}
    if tools:
        body["tools"] = tools
    result = post_chat(world.server.url, body, headers={"Authorization": f"Bearer {key}"})
    assert result.status == 200, result.text[:500]
    return result.json()


def find_call(service: str, provider: str, day: date) -> dict:
    return {"id": "call_find", "name": "find_available_slots", "arguments": json.dumps({
        "service_id": service, "provider_id": provider, "location_id": None, "from_date": day.isoformat(),
        "to_date": day.isoformat(), "time_of_day": None, "limit": 5})}


def book_call(slot: dict, service: str) -> dict:
    return {"id": "call_book", "name": "book_appointment", "arguments": json.dumps({
        "service_id": service, "start": slot["start"], "provider_id": slot["provider_id"], "location_id": None,
        "hold_id": None, "notes": None})}


def test_calls_show_a_voice_booking_and_link_to_its_appointment(world, fake):
    [emily] = world.a.fetch("patients", q="Johnson")["data"]
    day = working_day(world.profile, 35, 1)
    slot = world.slots("cleaning", "rivera", day)[0]
    book_id, info_id, transfer_id = "call:rest-book", "call:rest-info", "call:rest-transfer"

    # a booking call: the model looks for slots, books one, then answers
    fake.script(tool_calls_reply([find_call("cleaning", "rivera", day)]),
                tool_calls_reply([book_call(slot, "cleaning")]), text_reply("You're booked."))
    answer = voice_turn(world, world.key_a, EMILY, "rest-book", "Book me a cleaning please.")
    assert answer["choices"][0]["message"]["content"].endswith("You're booked.")
    booked = tool_results(fake.chat_bodies()[2])["call_book"]
    appointment_id = booked["appointment_id"]
    # an information call from another caller, with another persona
    fake.script(text_reply("We open at eight."))
    voice_turn(world, world.key_a, MICHAEL, "rest-info", "When do you open?", model="frontdesk/default")
    # a call handed to a person: the transfer tool goes back to the telephony client
    fake.script(tool_calls_reply([{"id": "call_xfer", "name": "transfer_call",
                                   "arguments": json.dumps({"reason": "billing"})}]))
    transferred = voice_turn(world, world.key_a, EMILY, "rest-transfer", "I have a billing question.",
                             model="frontdesk/default", tools=[TRANSFER_TOOL])
    assert transferred["choices"][0]["finish_reason"] == "tool_calls"

    ours = {book_id, info_id, transfer_id}
    listing = wait_for(lambda: (lambda calls: calls if ours <= {c["id"] for c in calls} else None)(
        walk(world.a, "calls", 50)), "the call log to hold the three calls")
    by_id = {c["id"]: c for c in listing}
    assert [c["id"] for c in listing if c["id"] in ours] == [transfer_id, info_id, book_id], "newest first"
    started = [c["started_at"] for c in listing]
    assert started == sorted(started, reverse=True)
    for call in listing:
        assert {"object", "id", "caller", "persona", "started_at", "last_turn_at", "turns", "business_rule",
                "outcomes", "tools"} <= set(call)
        assert call["object"] == "call" and call["started_at"].endswith("Z") and call["last_turn_at"].endswith("Z")
    summary = by_id[book_id]
    assert (summary["caller"], summary["persona"], summary["turns"], summary["business_rule"]) == \
        (EMILY, "dental_office", 1, "api_key")
    assert summary["outcomes"] == ["booked"]
    assert sorted(summary["tools"]) == ["book_appointment", "find_available_slots"]
    assert (by_id[info_id]["caller"], by_id[info_id]["persona"], by_id[info_id]["outcomes"], by_id[info_id]["tools"]) == \
        (MICHAEL, "default", ["info"], [])
    assert by_id[transfer_id]["outcomes"] == ["transferred"]

    # the call in full, and the way to the appointment it made
    detail = world.a.fetch(f"calls/{urllib.parse.quote(book_id, safe='')}")
    assert {k: v for k, v in detail.items() if k not in ("turns", "changes")} == \
        {k: v for k, v in summary.items() if k != "turns"}
    [turn] = detail["turns"]
    assert {"request_id", "started_at", "duration_ms", "caller_text", "answer", "finish_reason", "error", "streamed",
            "tool_calls", "client_tool_calls"} <= set(turn)
    assert turn["caller_text"] == "Book me a cleaning please." and turn["answer"].endswith("You're booked.")
    assert (turn["finish_reason"], turn["error"], turn["streamed"], turn["client_tool_calls"]) == ("stop", None, False, [])
    assert [(t["id"], t["name"]) for t in turn["tool_calls"]] == [("call_find", "find_available_slots"),
                                                                  ("call_book", "book_appointment")]
    for tool_call in turn["tool_calls"]:
        assert {"id", "name", "arguments", "result", "duration_ms", "outcome", "audit_id"} <= set(tool_call)
        assert isinstance(tool_call["arguments"], str)
    assert json.loads(turn["tool_calls"][1]["arguments"]) == json.loads(book_call(slot, "cleaning")["arguments"])
    assert json.loads(turn["tool_calls"][1]["result"])["appointment_id"] == appointment_id
    [change] = detail["changes"]
    assert {k: change[k] for k in ("appointment_id", "action", "url")} == \
        {"appointment_id": appointment_id, "action": "booking.created", "url": f"{API}/appointments/{appointment_id}"}
    assert change["at"].endswith("Z")
    linked = world.a.fetch(change["url"])
    assert linked["conversation_id"] == book_id and linked["patient"]["id"] == emily["id"]
    assert linked["start"] == slot["start"] and linked["provider"]["id"] == "rivera"
    assert [(c["action"], c["actor_kind"], c["channel"], c["conversation_id"]) for c in linked["changes"]] == \
        [("booking.created", "caller", "voice", book_id)]
    assert audit(world.home_db, appointment_id)[0][:2] == ("booking.created", "caller")

    transfer = world.a.fetch(f"calls/{urllib.parse.quote(transfer_id, safe='')}")
    assert [(c["id"], c["name"], json.loads(c["arguments"])) for c in transfer["turns"][0]["client_tool_calls"]] == \
        [("call_xfer", "transfer_call", {"reason": "billing"})]
    assert transfer["changes"] == []
    expect_error(world.a.get(f"calls/{urllib.parse.quote('call:no-such-call', safe='')}"), 404, "not_found")

    # the patient's page shows the calls from their number
    patient_calls = [c["id"] for c in world.a.fetch(f"patients/{emily['id']}")["calls"]]
    assert book_id in patient_calls and transfer_id in patient_calls and info_id not in patient_calls

    # filters
    def listed(**filters) -> list[str]:
        return [c["id"] for c in walk(world.a, "calls", 1, **filters) if c["id"] in ours]
    assert listed() == [transfer_id, info_id, book_id]
    assert listed(caller="5550101") == [transfer_id, book_id]
    assert listed(caller="5550102") == [info_id]
    assert listed(outcome="booked") == [book_id]
    assert listed(outcome="info") == [info_id]
    assert listed(outcome="transferred") == [transfer_id]
    assert listed(outcome="cancelled") == []
    assert listed(tool="book_appointment") == [book_id]
    assert listed(persona="default") == [transfer_id, info_id]
    assert listed(persona="dental_office") == [book_id]
    local_today = today(HOME_ZONE)
    assert listed(**{"from": local_today.isoformat(), "to": local_today.isoformat()}) == [transfer_id, info_id, book_id]
    assert listed(**{"from": (local_today + timedelta(days=1)).isoformat()}) == []
    assert listed(to=(local_today - timedelta(days=1)).isoformat()) == []
    expect_error(world.a.get("calls", outcome="won"), 400, BAD_REQUEST_CODES, "outcome")
    expect_error(world.a.get("calls", limit=0), 400, BAD_REQUEST_CODES, "limit")
    expect_error(world.a.get("calls", cursor="nope"), 400, BAD_REQUEST_CODES, "cursor")
    expect_error(world.a.get("calls", **{"from": "yesterday"}), 400, BAD_REQUEST_CODES, "from")

    # exports
    result = world.a.call("GET", "calls/export", query={"format": "csv"})
    assert result.status == 200 and result.headers["content-type"].startswith("text/csv"), result.text[:300]
    assert result.headers.get("content-disposition", "").startswith("attachment")
    table = list(csv.DictReader(io.StringIO(result.text)))
    assert table and "id" in table[0]
    assert sorted(r["id"] for r in table) == sorted(c["id"] for c in listing)
    result = world.a.call("GET", "calls/export", query={"format": "jsonl", "outcome": "booked"})
    assert result.status == 200 and result.headers["content-type"].startswith("application/x-ndjson")
    exported = [json.loads(line) for line in result.text.splitlines() if line.strip()]
    assert [c["id"] for c in exported if c["id"] in ours] == [book_id]
    assert all(c["object"] == "call" and "booked" in c["outcomes"] for c in exported)
    expect_error(world.a.get("calls/export"), 400, BAD_REQUEST_CODES, "format")


# ---------------------------------------------------------------------------------------------
# Isolation between businesses


def test_a_key_of_one_business_never_sees_another(world, fake):
    b = world.b
    [zelda] = b.fetch("patients", q="Betaperson")["data"]
    assert [p["last_name"] for p in walk(b, "patients", 50)] == ["Betaperson"], "beta has its own patients only"
    assert b.fetch("patients", q="Johnson")["data"] == []

    monday = working_day(b.fetch("business"), 16, 2)
    slot = world.slots("exam", "dr-chen", monday, client=b)[0]
    booked = world.book(zelda["id"], slot, "exam", client=b)
    assert booked.status == 201, booked.text
    booked = booked.json()
    check_appointment(booked, BETA_ZONE)
    assert datetime.fromisoformat(booked["start_local"]).utcoffset() in (timedelta(hours=-8), timedelta(hours=-7))
    assert [a["id"] for a in walk(b, "appointments", 50)] == [booked["id"]]
    [row] = audit(world.beta_db, booked["id"])
    assert row[:2] == ("booking.created", "staff") and row[2] in world.actor_b and row[3] == "api"

    # a call to beta
    fake.script(text_reply("Beta here."))
    voice_turn(world, world.key_b, BETA_PATIENT["phone"], "rest-beta", "Hello beta", model="frontdesk/default")
    beta_call = "call:rest-beta"
    wait_for(lambda: any(c["id"] == beta_call for c in walk(b, "calls", 50)), "beta's call log")

    # nothing of beta through A's key
    a = world.a
    assert a.fetch("patients", q="Betaperson")["data"] == []
    assert a.fetch("patients", q="3105550123")["data"] == []
    assert all(p["last_name"] != "Betaperson" for p in walk(a, "patients", 200))
    assert all(x["patient"]["last_name"] != "Betaperson" for x in walk(a, "appointments", 200))
    assert "Betaperson" not in a.call("GET", "appointments/export", query={"format": "csv"}).text
    assert "Betaperson" not in a.call("GET", "appointments/export", query={"format": "jsonl"}).text
    same_id = a.get(f"appointments/{booked['id']}")  # ids are per business file: A may have its own with this id
    assert same_id.status == 404 or same_id.json()["patient"]["last_name"] != "Betaperson"
    same_patient = a.get(f"patients/{zelda['id']}")
    assert same_patient.status == 404 or same_patient.json()["last_name"] != "Betaperson"
    assert all(c["id"] != beta_call for c in walk(a, "calls", 200))
    expect_error(a.get(f"calls/{urllib.parse.quote(beta_call, safe='')}"), 404, "not_found")
    assert "rest-beta" not in a.call("GET", "calls/export", query={"format": "jsonl"}).text
    # nor can A's key write to beta's rows
    before = audit(world.beta_db, booked["id"])
    cancelled = a.call("POST", f"appointments/{booked['id']}/cancel", {}, headers={"X-FrontDesk-Business": BETA})
    expect_error(cancelled, 403, "business_mismatch")
    assert audit(world.beta_db, booked["id"]) == before
    with read_db(world.home_db) as db:
        assert db.execute("SELECT count(*) FROM patients WHERE last_name = 'Betaperson'").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM calls WHERE id = ?", (beta_call,)).fetchone() == (0,)

    # and beta does not see A's
    assert all(c["caller"] != EMILY for c in walk(b, "calls", 50))
    expect_error(b.get(f"calls/{urllib.parse.quote('call:rest-book', safe='')}"), 404, "not_found")


# ---------------------------------------------------------------------------------------------
# Every change made through the API is a staff change through `api`


def test_every_api_change_is_audited_as_staff_through_api(world):
    allowed = world.actor_a | {"server_key"}
    for path, actors in ((world.home_db, allowed), (world.beta_db, world.actor_b | {"server_key"})):
        with read_db(path) as db:
            rows = db.execute("SELECT actor_kind, actor_id, channel, conversation_id FROM change_audit").fetchall()
        api_rows = [r for r in rows if r[2] == "api"]
        assert api_rows, path
        for kind, actor, channel, conversation in api_rows:
            assert (kind, conversation) == ("staff", None) and actor in actors, (kind, actor, channel, conversation)
        for kind, actor, channel, conversation in rows:
            assert (kind, channel) in {("staff", "api"), ("caller", "voice"), ("system", "system")}, \
                (kind, actor, channel)
