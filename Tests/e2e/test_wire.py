"""W1–W5 over plain HTTP: bad input, telephony fields, body limits, routes."""
import json
import re

import pytest

from conftest import assert_openai_error, http_request, post_chat, text_reply, upstream_env, validate_openai

MAX_BODY_BYTES = 300_000
MODEL = "frontdesk/default"
HELLO = [{"role": "user", "content": "Hello?"}]


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake, MAX_BODY_BYTES=str(MAX_BODY_BYTES)))


# W1 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ['{"model": "frontdesk/default", "messages": [', "not json at all", "{'a': 1}", ""])
def test_w1_malformed_json_is_400_invalid_request_error(server, fake, body):
    result = post_chat(server.url, body, headers={"Content-Type": "application/json"})
    assert_openai_error(result, 400, error_type="invalid_request_error")
    assert fake.requests() == [], "nothing may reach the upstream"


# W2 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, param", [
    ({"model": MODEL}, "messages"),
    ({"model": MODEL, "messages": []}, "messages"),
    ({"model": MODEL, "messages": "Hello?"}, "messages"),
    ({"model": MODEL, "messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role"),
    ({"model": MODEL, "messages": [{"role": "user", "content": "hi"}, {"role": "pirate", "content": "arr"}]},
     "messages[1].role"),
    ({"model": MODEL, "messages": [{"role": "user", "content": 42}]}, "messages[0].content"),
    ({"model": MODEL, "messages": HELLO, "stream": "yes"}, "stream"),
], ids=["missing", "empty", "string", "unknown-role", "unknown-role-second", "content-number", "stream-string"])
def test_w2_invalid_fields_are_400_naming_the_param(server, fake, payload, param):
    result = post_chat(server.url, payload)
    assert_openai_error(result, 400, param=param, error_type="invalid_request_error")
    assert fake.requests() == []


# W3 -------------------------------------------------------------------------------------------

TELEPHONY_FIELDS = {
    "call": {"id": "call-7f3a", "type": "inboundPhoneCall", "customer": {"number": "+15551230001"}},
    "customer": {"number": "+15551230001", "name": "Jordan"},
    "phoneNumber": {"id": "pn-1", "number": "+15557654321"},
    "metadata": {"crm_id": "crm-991", "campaign": "recall"},
    "extra_metadata": {"telnyx_end_user_target": "+15551230001", "telnyx_agent_target": "+15557654321"},
}
# Raw JSON text of each forwarded OpenAI field, exactly as the client sends it.
OPENAI_FIELDS_RAW = {
    "temperature": "0.37",
    "max_tokens": "150",
    "seed": "1234567890123",
    "response_format": '{"type":"text"}',
    "user": '"vapi-user-42"',
}


def raw_value(body_text: str, key: str) -> str:
    """The raw JSON text of a top-level scalar/flat-object value, whitespace removed."""
    match = re.search(r'"%s"\s*:\s*(\{[^{}]*\}|"(?:[^"\\]|\\.)*"|[^,}\]]+)' % re.escape(key), body_text)
    assert match, f"{key} not in upstream body"
    return re.sub(r"\s+", "", match.group(1)) if match.group(1).startswith("{") else match.group(1).strip()


@pytest.mark.parametrize("stream", [False, True])
def test_w3_telephony_fields_accepted_not_forwarded_openai_fields_forwarded(server, fake, stream):
    fake.script(text_reply("Thanks for calling."))
    body = '{"model": "%s", "stream": %s, "messages": [{"role": "user", "content": "Hi"}], %s, %s}' % (
        MODEL, "true" if stream else "false",
        ", ".join(f'"{k}": {json.dumps(v)}' for k, v in TELEPHONY_FIELDS.items()),
        ", ".join(f'"{k}": {v}' for k, v in OPENAI_FIELDS_RAW.items()),
    )
    result = post_chat(server.url, body, headers={"Content-Type": "application/json"})
    assert result.status == 200, result.text
    if stream:
        validate_openai.validate_sse(result.text)
    else:
        validate_openai.validate_response(result.json())

    [recorded] = fake.requests()
    upstream = json.loads(recorded["body"])
    for key in TELEPHONY_FIELDS:
        assert key not in upstream, f"telephony field {key!r} was forwarded upstream"
    for key, raw in OPENAI_FIELDS_RAW.items():
        assert key in upstream, f"OpenAI field {key!r} was not forwarded"
        assert upstream[key] == json.loads(raw)
        assert raw_value(recorded["body"], key) == raw, f"{key} not byte-identical"


# W4 -------------------------------------------------------------------------------------------

def realistic_call(turns: int = 40, target_bytes: int = 200_000) -> dict:
    """A 40-turn phone call with tool calls, tool results and a set of client tool schemas."""
    tools = []
    for name, desc in [
        ("transfer_call", "Transfer the caller to a human at the front desk or a department."),
        ("end_call", "End the call politely after confirming the caller has nothing else."),
        ("send_sms_confirmation", "Text the caller a confirmation of their appointment."),
        ("lookup_insurance", "Check whether an insurance plan is accepted by the practice."),
        ("record_callback_request", "Record that the caller wants a callback from clinical staff."),
        ("play_hold_music", "Play hold music while the assistant checks something."),
    ]:
        tools.append({"type": "function", "function": {
            "name": name, "description": desc + " " + "Use only when the caller clearly asks. " * 10,
            "parameters": {"type": "object", "properties": {
                f"field_{i}": {"type": "string", "description": f"Detail number {i} for {name}. " * 4}
                for i in range(12)}, "required": ["field_0"]}}})
    messages = [{"role": "system", "content": "You are the phone assistant for the practice. " * 40}]
    sentence = ("I was hoping to come in sometime next week, ideally in the morning before work, "
                "and if possible with the same hygienist I saw last time because she was very gentle. ")
    for turn in range(turns):
        if turn % 5 == 3:
            call_id = f"call_{turn:03d}"
            messages.append({"role": "assistant", "content": None, "tool_calls": [{
                "id": call_id, "type": "function",
                "function": {"name": "lookup_insurance", "arguments": json.dumps({"field_0": "Delta Dental PPO"})}}]})
            messages.append({"role": "tool", "tool_call_id": call_id,
                             "content": json.dumps({"accepted": True, "notes": ["Plan accepted."] * 20})})
        messages.append({"role": "user", "content": f"Turn {turn}. " + sentence * 3})
        messages.append({"role": "assistant", "content": f"Of course. (turn {turn}) " + sentence})
    body = {"model": MODEL, "messages": messages, "tools": tools, "temperature": 0.4}
    # Pad the prose to the target size, keeping the structure.
    size = len(json.dumps(body))
    if size < target_bytes:
        pad = (target_bytes - size) // turns
        for m in messages:
            if m["role"] == "user":
                m["content"] += " And one more thing." * (pad // 20)
    return body


def test_w4_realistic_200kb_forty_turn_call_is_accepted(server, fake):
    body = realistic_call()
    size = len(json.dumps(body))
    assert 180_000 <= size <= 240_000, size
    fake.script(text_reply("Let me check that for you."))
    result = post_chat(server.url, body)
    assert result.status == 200, result.text[:500]
    validate_openai.validate_response(result.json())
    assert len(fake.requests()) == 1


def test_w4_body_over_limit_is_413(server, fake):
    body = realistic_call(turns=40, target_bytes=MAX_BODY_BYTES + 100_000)
    assert len(json.dumps(body)) > MAX_BODY_BYTES
    result = post_chat(server.url, body)
    assert_openai_error(result, 413)
    assert fake.requests() == []


# W5 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [("POST", "/v1/does-not-exist"), ("GET", "/v1/chat"), ("GET", "/nope")])
def test_w5_unknown_route_is_404_openai_error(server, method, path):
    result = http_request(server.url, method, path, {"model": MODEL, "messages": HELLO} if method == "POST" else None)
    assert_openai_error(result, 404)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_w5_wrong_method_is_405_openai_error(server, fake, method):
    result = http_request(server.url, method, "/v1/chat/completions")
    assert_openai_error(result, 405)
    assert fake.requests() == []
