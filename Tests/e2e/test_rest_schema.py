"""The staff REST API against its OpenAPI document (Sources/FrontDeskApp/Resources/openapi.json).

1. The document is valid OpenAPI 3.1, served unchanged at GET /api/v1/openapi.json, and names
   every route of the contract.
2. Real responses of a server with data in it (a voice booking, a transfer, the demo practice)
   validate against the document's schemas.
3. Schemathesis generates requests for every operation (valid and invalid ones, a bounded
   number each) and checks every answer: no 5xx, a documented status code, a documented content
   type, and a body that fits the documented schema. Authenticated with a business key.
"""
from __future__ import annotations

import json
import time
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from conftest import REPO, http_request, post_chat, text_reply, tool_calls_reply, upstream_env

SPEC_PATH = REPO / "Sources" / "FrontDeskApp" / "Resources" / "openapi.json"
SPEC = json.loads(SPEC_PATH.read_text())
EMILY = "+12125550101"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 25  # per operation (plus schemathesis's explicit examples and coverage cases)

CONTRACT_ROUTES = {
    ("get", "/api/v1/openapi.json"), ("get", "/api/v1/business"), ("put", "/api/v1/business"),
    ("get", "/api/v1/providers"), ("get", "/api/v1/services"), ("get", "/api/v1/locations"),
    ("get", "/api/v1/availability"), ("get", "/api/v1/appointments"), ("post", "/api/v1/appointments"),
    ("get", "/api/v1/appointments/export"), ("get", "/api/v1/appointments/{appointment_id}"),
    ("post", "/api/v1/appointments/{appointment_id}/cancel"),
    ("post", "/api/v1/appointments/{appointment_id}/reschedule"),
    ("post", "/api/v1/appointments/{appointment_id}/confirm"),
    ("get", "/api/v1/patients"), ("post", "/api/v1/patients"), ("get", "/api/v1/patients/{patient_id}"),
    ("patch", "/api/v1/patients/{patient_id}"), ("get", "/api/v1/calls"), ("get", "/api/v1/calls/export"),
    ("get", "/api/v1/calls/{call_id}"),
    ("get", "/api/v1/events"), ("get", "/api/v1/webhooks"), ("post", "/api/v1/webhooks"),
    ("delete", "/api/v1/webhooks/{webhook_id}"), ("post", "/api/v1/webhooks/{webhook_id}/rotate"),
    ("post", "/api/v1/webhooks/{webhook_id}/test"), ("get", "/api/v1/webhooks/{webhook_id}/attempts"),
    ("get", "/api/v1/knowledge"), ("post", "/api/v1/knowledge"), ("get", "/api/v1/knowledge/search"),
    ("delete", "/api/v1/knowledge/{document_id}"),
}


@pytest.fixture(scope="module")
def target(start_frontdesk, fake):
    """A server with a business key and a call log that has a booking call and a transfer."""
    server = start_frontdesk(upstream_env(fake))
    key = server.create_key("default")
    auth = {"Authorization": f"Bearer {key}"}
    deadline = time.monotonic() + 10
    while http_request(server.url, "GET", "/api/v1/business", headers=auth).status != 200:
        assert time.monotonic() < deadline, "the server did not accept the new key"
        time.sleep(0.1)

    later = (datetime.now(ZoneInfo("America/New_York")).date() + timedelta(days=40)).isoformat()  # Emily is free then
    found = http_request(server.url, "GET", f"/api/v1/availability?service_id=cleaning&provider_id=rivera&limit=1&from={later}",
                         headers=auth).json()
    slot = found["slots"][0]
    fake.script(
        tool_calls_reply([{"id": "call_book", "name": "book_appointment", "arguments": json.dumps({
            "service_id": "cleaning", "start": slot["start"], "provider_id": "rivera", "location_id": None,
            "hold_id": None, "notes": None})}]),
        text_reply("Booked."),
        tool_calls_reply([{"id": "call_xfer", "name": "transfer_call", "arguments": json.dumps({"reason": "billing"})}]))
    transfer_tool = {"type": "function", "function": {"name": "transfer_call", "parameters": {
        "type": "object", "properties": {"reason": {"type": "string"}}}}}
    for call_id, words, tools in (("schema-book", "Book a cleaning", None), ("schema-xfer", "Billing please", [transfer_tool])):
        body = {"model": "frontdesk/default", "messages": [{"role": "user", "content": words}],
                "extra_metadata": {"telnyx_end_user_target": EMILY, "telnyx_conversation_id": call_id}}
        if tools:
            body["tools"] = tools
        result = post_chat(server.url, body, headers=auth)
        assert result.status == 200, result.text[:300]
    deadline = time.monotonic() + 10
    while len(http_request(server.url, "GET", "/api/v1/calls", headers=auth).json().get("data", [])) < 2:
        assert time.monotonic() < deadline, "the call log did not get the two calls"
        time.sleep(0.1)
    booked = [m for body in fake.chat_bodies() for m in body["messages"] if m.get("tool_call_id") == "call_book"]
    assert booked and "appointment_id" in json.loads(booked[0]["content"]), booked
    return server, key


# ---------------------------------------------------------------------------------------------
# The document


def test_the_document_is_valid_openapi_3_1_and_names_every_route():
    assert SPEC["openapi"] == "3.1.0"
    import openapi_spec_validator  # a dependency of schemathesis

    openapi_spec_validator.validate(SPEC)
    routes = {(method, path) for path, item in SPEC["paths"].items() for method in item if method != "parameters"}
    assert routes == CONTRACT_ROUTES
    assert SPEC["servers"] == [{"url": "/"}]
    assert SPEC["security"] == [{"bearerAuth": []}]
    assert SPEC["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_the_server_serves_the_document_unchanged_without_auth(target):
    server, _ = target
    result = http_request(server.url, "GET", "/api/v1/openapi.json")
    assert result.status == 200 and result.headers["content-type"].startswith("application/json")
    assert result.json() == SPEC


# ---------------------------------------------------------------------------------------------
# Real responses against the document's schemas


def schema_validator(name: str) -> jsonschema.protocols.Validator:
    registry = Registry().with_resource("urn:frontdesk-openapi", Resource.from_contents(SPEC, DRAFT202012))
    return jsonschema.Draft202012Validator({"$ref": f"urn:frontdesk-openapi#/components/schemas/{name}"},
                                           registry=registry, format_checker=jsonschema.FormatChecker())


def test_real_responses_fit_the_schemas(target):
    server, key = target
    auth = {"Authorization": f"Bearer {key}"}

    def get(path: str, status: int = 200, headers: dict | None = None) -> dict:
        result = http_request(server.url, "GET", path, headers=auth if headers is None else headers)
        assert result.status == status, f"{path}: {result.status} {result.text[:300]}"
        return result.json()

    calls = get("/api/v1/calls")
    [booking_call] = [c for c in calls["data"] if c["id"] == "call:schema-book"]
    call_detail = get(f"/api/v1/calls/{urllib.parse.quote(booking_call['id'], safe='')}")
    assert call_detail["changes"], "the booking call changed an appointment"
    emily = get("/api/v1/patients?q=Johnson")["data"][0]
    cases = [
        ("BusinessProfile", get("/api/v1/business")),
        ("ProviderList", get("/api/v1/providers")),
        ("ServiceList", get("/api/v1/services")),
        ("LocationList", get("/api/v1/locations")),
        ("Availability", get("/api/v1/availability?service_id=exam&time_of_day=morning&limit=5")),
        ("AppointmentList", get("/api/v1/appointments?limit=5")),
        ("AppointmentDetail", get(f"/api/v1/appointments/{call_detail['changes'][0]['appointment_id']}")),
        ("AppointmentDetail", get("/api/v1/appointments/1")),
        ("PatientList", get("/api/v1/patients?limit=3")),
        ("PatientDetail", get(f"/api/v1/patients/{emily['id']}")),
        ("CallList", calls),
        ("CallDetail", call_detail),
        ("CallDetail", get("/api/v1/calls/" + urllib.parse.quote("call:schema-xfer", safe=""))),
        ("Error", get("/api/v1/appointments/999999", 404)),
        ("Error", get("/api/v1/appointments?limit=0", 400)),
        ("Error", get("/api/v1/appointments", 401, headers={})),
        ("OpenAPIDocument", get("/api/v1/openapi.json", headers={})),
    ]
    problems = set()
    for name, instance in cases:
        for error in schema_validator(name).iter_errors(instance):
            where = "/".join("*" if isinstance(p, int) else str(p) for p in error.absolute_path)
            problems.add(f"{name} at /{where}: {error.message}")
    assert not problems, "responses that do not fit the document:\n" + "\n".join(sorted(problems))


def test_webhook_answers_fit_the_schemas(target):
    server, key = target
    auth = {"Authorization": f"Bearer {key}"}
    # The API refuses private and local URLs (the CLI may allow them), and says which field.
    refused = http_request(server.url, "POST", "/api/v1/webhooks", headers={**auth, "Content-Type": "application/json"},
                           body=json.dumps({"url": "http://127.0.0.1:9/hook", "events": ["booking.*"]}).encode())
    assert refused.status == 400 and refused.json()["error"]["param"] == "url", refused.text
    bad_events = http_request(server.url, "POST", "/api/v1/webhooks", headers={**auth, "Content-Type": "application/json"},
                              body=json.dumps({"url": "http://127.0.0.1:9/hook", "events": ["nonsense"]}).encode())
    assert bad_events.status == 400, bad_events.text
    server.cli("webhook", "add", "http://127.0.0.1:9/hook", "--events", "booking.*", "--allow-private")
    listed = http_request(server.url, "GET", "/api/v1/webhooks", headers=auth).json()
    endpoint_id = listed["data"][-1]["id"]
    rotated = http_request(server.url, "POST", f"/api/v1/webhooks/{endpoint_id}/rotate", headers=auth)
    tested = http_request(server.url, "POST", f"/api/v1/webhooks/{endpoint_id}/test", headers=auth)
    attempts = http_request(server.url, "GET", f"/api/v1/webhooks/{endpoint_id}/attempts", headers=auth)
    events = http_request(server.url, "GET", "/api/v1/events?after=0&limit=3", headers=auth)
    assert (rotated.status, tested.status, attempts.status, events.status) == (200, 202, 200, 200)
    assert rotated.json()["secret"].startswith("whsec_")
    cases = [("WebhookEndpointList", listed), ("WebhookEndpointWithSecret", rotated.json()), ("QueuedEvent", tested.json()),
             ("WebhookAttemptList", attempts.json()), ("EventList", events.json()), ("Error", refused.json())]
    problems = {f"{name}: {error.message}" for name, instance in cases for error in schema_validator(name).iter_errors(instance)}
    assert not problems, "\n".join(sorted(problems))
    deleted = http_request(server.url, "DELETE", f"/api/v1/webhooks/{endpoint_id}", headers=auth)
    assert deleted.status == 204


# ---------------------------------------------------------------------------------------------
# Schemathesis over every operation


# createWebhook is the one operation not fuzzed: a generated public URL would be resolved in DNS
# and then receive deliveries on the internet. Its answers are checked in
# test_webhook_answers_fit_the_schemas with real requests instead.
schema = schemathesis.openapi.from_path(str(SPEC_PATH)).exclude(operation_id="createWebhook")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case, target):
    server, key = target
    case.call_and_validate(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, checks=CHECKS,
                           timeout=30)


def test_the_document_is_what_scripts_openapi_py_writes():
    """The document is edited through scripts/openapi.py; a hand edit that drifts from it fails here."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "openapi.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
