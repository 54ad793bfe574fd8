"""`GET /metrics`: FrontDesk's Prometheus metrics move when their events happen, need their own
token, and never carry a caller's number, name or words in a label.

The real `frontdesk` binary (which bootstraps swift-metrics with a Prometheus registry) and the
scripted FAKE upstream LLM; a booking by voice with the official openai SDK.
"""
from __future__ import annotations

import json
import random
import re

from conftest import http_request, text_reply, tool_calls_reply, upstream_env, wait_until

TOKEN = "metrics-test-token"


def metrics_text(server, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http_request(server.url, "GET", "/metrics", headers=headers)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the series `name` whose labels include `labels` (summed when several match)."""
    total, found = 0.0, False
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        series_labels = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(series_labels.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    return total if found else 0.0


def test_metrics_need_their_own_token_and_move_with_a_booking_by_voice(start_frontdesk, fake):
    server = start_frontdesk(upstream_env(fake, METRICS_TOKEN=TOKEN))
    assert metrics_text(server, None).status == 401
    assert metrics_text(server, "wrong").status == 401
    key = server.create_key("default")
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    wait_until(lambda: http_request(server.url, "GET", "/api/v1/business", headers=auth).status == 200, "the key to work")
    phone = "+1212555" + str(random.randint(1000, 9999))
    patient = http_request(server.url, "POST", "/api/v1/patients", headers=auth, body={
        "first_name": "Metra", "last_name": "Quinn", "date_of_birth": "1980-04-05", "phone": phone}).json()
    slot = http_request(server.url, "GET", "/api/v1/availability?service_id=cleaning&limit=1", headers=auth).json()["slots"][0]
    before = metrics_text(server).text

    # A voice turn: the model books the slot, then answers.
    fake.script(
        tool_calls_reply([{"id": "call_book", "name": "book_appointment", "arguments": json.dumps({
            "service_id": "cleaning", "start": slot["start_local"], "provider_id": slot["provider_id"], "location_id": None,
            "hold_id": None, "notes": None})}], shape="whole"),
        text_reply("You're booked."))
    client = server.openai_client(api_key=key)
    stream = client.chat.completions.create(
        model="frontdesk/dental_office", messages=[{"role": "user", "content": "Book me that cleaning please, Metra Quinn here"}],
        stream=True, extra_body={"extra_metadata": {"telnyx_end_user_target": phone, "telnyx_conversation_id": "metrics-1"}})
    spoken = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert spoken.endswith("You're booked."), spoken

    # The same slot again by API: a conflict.
    again = http_request(server.url, "POST", "/api/v1/appointments", headers=auth, body={
        "patient_id": patient["id"], "service_id": "cleaning", "start": slot["start"], "provider_id": slot["provider_id"]})
    assert again.status == 409, again.text

    def moved() -> str | None:
        text = metrics_text(server).text
        done = (sample(text, "frontdesk_bookings_total", action="created", channel="voice") == 1
                and sample(text, "frontdesk_tool_duration_seconds_count", tool="book_appointment", outcome="ok") == 1
                and sample(text, "frontdesk_booking_conflicts_total") >= 1
                and sample(text, "frontdesk_requests_total", persona="dental_office", stream="true", status="ok") == 1
                and sample(text, "frontdesk_upstream_first_byte_seconds_count") >= 1
                and sample(text, "frontdesk_upstream_first_token_seconds_count") == 1
                # the streamed turn's own share up to the first words (here: the filler)
                and sample(text, "frontdesk_overhead_seconds_count", path="sse") == 1
                # the API's availability search (the voice turn searched nothing), and the
                # booking's transaction and the refused one
                and sample(text, "frontdesk_availability_search_seconds_count") >= 1
                and sample(text, "frontdesk_booking_transaction_seconds_count", action="create") == 2
                and sample(text, "frontdesk_tool_rounds_count") >= 1)
        return text if done else None

    after = wait_until(moved, "the booking's metrics", 5, context=lambda: metrics_text(server).text[-3000:])
    # A JSON turn records FrontDesk's own share of it (the turn less the upstream's and the tools' time)
    fake.script(text_reply("Hello."))
    client.chat.completions.create(model="frontdesk/dental_office", messages=[{"role": "user", "content": "Hi"}])
    after = wait_until(lambda: (lambda t: t if sample(t, "frontdesk_overhead_seconds_count", path="json") == 1 else None)(
        metrics_text(server).text), "the overhead of a JSON turn", 5)
    assert sample(before, "frontdesk_bookings_total", action="created", channel="voice") == 0
    # A streamed turn whose model claims a cancel no tool made: withheld, corrected, counted,
    # and the hold of its first words timed
    fake.script(text_reply("Okay, I've cancelled your visit."), text_reply("Nothing has changed yet. Which visit?"))
    stream = client.chat.completions.create(
        model="frontdesk/dental_office", messages=[{"role": "user", "content": "Cancel it"}], stream=True,
        extra_body={"extra_metadata": {"telnyx_end_user_target": phone, "telnyx_conversation_id": "metrics-2"}})
    spoken = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert spoken == "Okay, Nothing has changed yet. Which visit?", spoken
    after = wait_until(lambda: (lambda t: t if sample(t, "frontdesk_speech_interventions_total", kind="unkept_claim") == 1
                                and sample(t, "frontdesk_speech_interventions_total", kind="corrective_round") == 1
                                and sample(t, "frontdesk_speech_hold_seconds_count") >= 1 else None)(metrics_text(server).text),
                       "the speech guard's metrics", 5, context=lambda: metrics_text(server).text[-3000:])
    # FrontDesk's own share is measured in microseconds: its histogram has buckets that fine
    assert 'frontdesk_overhead_seconds_bucket{path="json",le="0.00025"}' in after, after[:3000]
    # Hummingbird's own HTTP metrics are there too
    assert "hb_requests" in after or "http_server_request_duration" in after, after[:2000]
    # and no label carries a phone number, a name or the caller's words
    assert phone.lstrip("+") not in after and "Metra" not in after and "Quinn" not in after and "cleaning please" not in after
    assert not re.search(r'"\+?\d{10,15}"', after), "a phone-like label value"


def test_metrics_are_off_without_a_token(start_frontdesk, fake):
    server = start_frontdesk(upstream_env(fake))
    result = metrics_text(server)
    assert result.status == 404 and result.json()["error"]["code"] == "metrics_off"
