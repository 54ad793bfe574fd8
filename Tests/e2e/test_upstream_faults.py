"""U1–U4: upstream errors, retries, fallbacks, hangs and drops, seen by a client of FrontDesk."""
import json
import time

import pytest

from conftest import (
    HANG, UPSTREAM_KEY, FakeUpstream, assert_openai_error, drop_reply, free_port, post_chat, status_reply,
    text_reply, upstream_env, validate_openai,
)

MODEL = "frontdesk/default"
HELLO = [{"role": "user", "content": "Hi, is the office open on Saturday?"}]
CLIENT_BEARER = "client-bearer-token-QmV9xZ4tLp2Rw8Ks"
FIRST_BYTE_TIMEOUT_MS = 1000


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake, UPSTREAM_FIRST_BYTE_TIMEOUT_MS=str(FIRST_BYTE_TIMEOUT_MS)))


def chat(server, stream=False, timeout=30.0):
    return post_chat(server.url, {"model": MODEL, "messages": HELLO, "stream": stream},
                     headers={"Authorization": f"Bearer {CLIENT_BEARER}"}, timeout=timeout)


# U1 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, message", [
    (401, "Incorrect API key provided: sk-test-***7890. You can find your API key at "
          "https://platform.openai.com/account/api-keys."),
    (400, "Invalid value for 'temperature': must be between 0 and 2."),
    (404, "The model `scripted-model` does not exist or you do not have access to it."),
])
def test_u1_upstream_client_error_passes_through_without_secrets_or_retry(server, fake, status, message):
    fake.script(status_reply(status, message))
    result = chat(server)
    error = assert_openai_error(result, status)
    # The upstream's words are kept (a key-like token in them may be redacted).
    kept = [w for w in message.split() if not w.startswith("sk-")]
    assert all(w in error["message"] for w in kept), f"upstream message not kept: {error['message']!r}"
    response_text = result.text + json.dumps(result.headers)
    for secret in (UPSTREAM_KEY, CLIENT_BEARER):
        assert secret not in response_text
    log = server.log_text()
    for secret in (UPSTREAM_KEY, CLIENT_BEARER):
        assert secret not in log, f"{secret} is in the server log"
    assert len(fake.requests()) == 1, "a 4xx from the upstream must not be retried"


# U2 -------------------------------------------------------------------------------------------

def test_u2_503_twice_then_text_is_retried_to_200(server, fake):
    fake.script(status_reply(503, "overloaded"), status_reply(503, "overloaded"), text_reply("We open at nine."))
    result = chat(server)
    assert result.status == 200, result.text
    validate_openai.validate_response(result.json())
    assert result.json()["choices"][0]["message"]["content"] == "We open at nine."
    assert len(fake.requests()) == 3


def test_u2_503_twice_then_text_is_retried_to_200_streaming(server, fake):
    fake.script(status_reply(503, "overloaded"), status_reply(503, "overloaded"), text_reply("We open at nine."))
    result = chat(server, stream=True)
    assert result.status == 200, result.text
    validate_openai.validate_sse(result.text)
    assert "error" not in result.text
    assert len(fake.requests()) == 3


def test_u2_429_retry_after_is_honoured(server, fake):
    fake.script(status_reply(429, "Rate limit reached for requests", retry_after=1), text_reply("Yes, we are."))
    started = time.monotonic()
    result = chat(server)
    elapsed = time.monotonic() - started
    assert result.status == 200, result.text
    assert elapsed >= 1.0, f"Retry-After: 1 not honoured (answered after {elapsed:.3f}s)"
    assert len(fake.requests()) == 2


def test_u2_all_attempts_fail_is_502_openai_error(server, fake):
    fake.script(*[status_reply(500, "internal upstream failure")] * 3)
    result = chat(server)
    assert_openai_error(result, 502)
    assert len(fake.requests()) == 3, "1 attempt + UPSTREAM_MAX_RETRIES (2) retries"


def test_u2_connection_refused_falls_back_to_next_upstream(start_frontdesk, fake):
    closed_port = free_port()  # nothing listens there
    env = upstream_env(fake, UPSTREAM_BASE_URL=f"http://127.0.0.1:{closed_port}/v1",
                       UPSTREAM_FALLBACK_BASE_URLS=fake.base_url)
    fallback_server = start_frontdesk(env)
    fake.script(text_reply("Fallback answering."))
    started = time.monotonic()
    result = chat(fallback_server)
    assert result.status == 200, result.text
    assert result.json()["choices"][0]["message"]["content"] == "Fallback answering."
    assert len(fake.requests()) == 1
    assert time.monotonic() - started < 10


# U3 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_u3_upstream_hang_is_504_before_deadline(server, fake, stream):
    fake.script(*[HANG] * 4)
    started = time.monotonic()
    result = chat(server, stream=stream, timeout=15)
    elapsed = time.monotonic() - started
    assert_openai_error(result, 504)
    assert elapsed < 3.0, f"answered after {elapsed:.2f}s with a {FIRST_BYTE_TIMEOUT_MS} ms first-byte timeout"
    assert elapsed >= FIRST_BYTE_TIMEOUT_MS / 1000 * 0.9


# U4 -------------------------------------------------------------------------------------------

def test_u4_drop_mid_stream_ends_with_error_event_then_done(server, fake):
    fake.script(drop_reply("Our Saturday hours are nine to one.", after_words=3))
    result = chat(server, stream=True)
    assert result.status == 200, result.text
    events = result.sse_events()
    assert events[-1] == "[DONE]", events[-3:]
    error_event = json.loads(events[-2])
    assert "error" in error_event, f"no error event before [DONE]: {events[-3:]}"
    content = "".join(
        c["delta"].get("content") or ""
        for e in events[:-2] for c in json.loads(e).get("choices", [])
    )
    assert content == "Our Saturday hours ", content
    assert all(c.get("finish_reason") != "stop" for e in events[:-2] for c in json.loads(e).get("choices", [])), \
        "a dropped stream must not look like a clean end"
    validate_openai.validate_sse(result.text)
    assert len(fake.requests()) == 1
