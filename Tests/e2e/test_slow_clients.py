"""R2, W-errors and idle cost, against the real binary: slow and idle clients are closed by the
configured timeouts, a connection cap holds, /health keeps answering, every protocol-level error
is OpenAI-shaped, HEAD works where GET does, an idle server burns no CPU, and a client that closes a
stream mid-answer leaves an interrupted turn in the call log, not a failed call."""
import json
import os
import socket
import sqlite3
import time

import pytest

from conftest import http_request, text_reply, upstream_env, validate_openai, wait_until

IDLE_MS = 1000
BODY_MS = 500  # below the idle timeout, so the 408 is written before the idle close


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake, HTTP_IDLE_TIMEOUT_MS=str(IDLE_MS), HTTP_BODY_TIMEOUT_MS=str(BODY_MS)))


def connect(server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes (EOF or reset) within `within` seconds, reading whatever it sent."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


def health_latency(server) -> float:
    started = time.monotonic()
    assert http_request(server.url, "GET", "/health", timeout=10).status == 200
    return time.monotonic() - started


def raw_response(sock: socket.socket, timeout: float = 5) -> bytes:
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def openai_error_of(response: bytes, status: int) -> dict:
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status}".encode()), head[:200]
    assert b"application/json" in head.lower(), head
    parsed = json.loads(body)
    validate_openai.validate_error(parsed)
    return parsed["error"]


def test_r2_slow_heads_trickled_bodies_and_idle_keepalives_are_closed_while_health_answers(server):
    # Given a flood of slow clients: half-sent heads, trickled bodies, silent keep-alives
    slow_heads = [connect(server) for _ in range(150)]
    for sock in slow_heads:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    bodies = [connect(server) for _ in range(20)]
    for sock in bodies:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100000\r\n\r\n{")
    idle = [connect(server) for _ in range(100)]
    # When they keep trickling, /health is asked again and again
    latencies = []
    started = time.monotonic()
    while time.monotonic() - started < 2.5:
        for sock in slow_heads[:10] + bodies[:5]:
            try:
                sock.sendall(b"a")
            except OSError:
                pass
        latencies.append(health_latency(server))
        time.sleep(0.1)
    # Then /health kept answering promptly
    assert max(latencies) < 1.0, latencies
    # and every slow connection was closed by the server within its timeout (plus slack)
    assert all(closed_by_server(sock, 2.0) for sock in slow_heads + idle + bodies[:5])
    # (the ones still trickling may have had the 408 reset away; the others read it)
    for sock in bodies[5:]:
        error = openai_error_of(raw_response(sock), 408)
        assert error["code"] == "request_timeout"
    for sock in slow_heads + bodies + idle:
        sock.close()


def test_r2_the_connection_cap_holds_and_frees_up_when_idle_connections_close(start_frontdesk, fake):
    # Given a server capped at 20 connections, all 20 held by idle clients
    capped = start_frontdesk(upstream_env(fake, MAX_CONNECTIONS="20", HTTP_IDLE_TIMEOUT_MS="2000"))
    held = [connect(capped) for _ in range(20)]
    time.sleep(0.3)
    # When a 21st client asks for /health
    late = connect(capped)
    started = time.monotonic()
    late.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    # Then it is not served while the cap is reached, and is served once the idle ones are closed
    late.settimeout(1.0)
    with pytest.raises(socket.timeout):
        late.recv(1)
    response = raw_response(late, timeout=10)
    assert response.startswith(b"HTTP/1.1 200"), response[:200]
    assert 1.0 <= time.monotonic() - started < 6.0
    for sock in held + [late]:
        sock.close()


def test_w_a_header_over_80kb_gets_an_openai_error_not_an_empty_400(server):
    sock = connect(server)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
    error = openai_error_of(raw_response(sock), 431)
    assert error["code"] == "request_header_too_large"
    sock.close()


def test_w_malformed_http_gets_an_openai_error(server):
    sock = connect(server)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n")
    error = openai_error_of(raw_response(sock), 400)
    assert error["code"] == "malformed_request"
    sock.close()


@pytest.mark.parametrize("path", ["/health", "/v1/models"])
def test_head_works_where_get_does(server, path):
    get = http_request(server.url, "GET", path)
    head = http_request(server.url, "HEAD", path)
    assert get.status == 200
    assert head.status == 200
    assert head.body == b""


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_an_idle_server_burns_no_cpu(server):
    # Given the server after some traffic, then left alone
    health_latency(server)
    time.sleep(0.5)
    before = cpu_seconds(server.process.pid)
    # When it idles for three seconds
    time.sleep(3)
    # Then it used (almost) no CPU: a loop waiting on the wall clock would burn ~3 s
    used = cpu_seconds(server.process.pid) - before
    assert used < 0.15, f"{used:.2f} s of CPU while idle"


ROLE_CHUNK = ('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":'
              '[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n')


def test_r1_shutdown_with_a_stalled_stream_in_flight_drains_within_the_turn_deadline(start_frontdesk, fake):
    # Given a stream whose upstream sent its role chunk and stalled (idle timeout left long)
    import signal
    import threading
    server = start_frontdesk(upstream_env(fake, TURN_DEADLINE_MS="2000", UPSTREAM_IDLE_TIMEOUT_MS="60000"))
    fake.script({"type": "raw", "pieces": [ROLE_CHUNK], "stall": True})
    results = []
    client = threading.Thread(target=lambda: results.append(http_request(
        server.url, "POST", "/v1/chat/completions",
        {"model": "frontdesk/default", "stream": True, "messages": [{"role": "user", "content": "Hi"}]}, timeout=30)))
    client.start()
    time.sleep(0.5)
    # When the server is asked to stop
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=20)
    # Then it stopped within the turn deadline (not the 120 s total timeout), the stream ended
    # with an error event and [DONE]
    assert time.monotonic() - started < 5.0
    client.join(timeout=10)
    assert results and results[0].status == 200
    events = results[0].sse_events()
    assert events[-1] == "[DONE]", events
    assert "error" in json.loads(events[-2])


def test_a_client_that_closes_the_stream_mid_answer_leaves_an_interrupted_turn_not_a_failed_call(server, fake):
    # Telnyx closes the stream when the caller talks over the voice: that is a barge-in, not a failure.
    words = " ".join(f"word{i}" for i in range(60))
    body = json.dumps({"model": "frontdesk/dental_office", "stream": True,
                       "messages": [{"role": "user", "content": "Tell me everything about your hours"}],
                       "extra_metadata": {"telnyx_conversation_id": "barge-in-1",
                                          "telnyx_end_user_target": "+12125550101"}}).encode()
    upstream_failures_logged = server.log_text().count("stream failed")
    fake.set_chunk_delay(50)
    try:
        fake.script(text_reply(words))
        sock = connect(server)
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: frontdesk\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
        received = b""
        while b"word1 " not in received:  # the answer has started reaching the caller
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        sock.close()
    finally:
        fake.set_chunk_delay(0)

    def turn():
        with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as db:
            return db.execute("SELECT finish_reason, error, answer FROM call_turns WHERE call_id = 'call:barge-in-1'").fetchone()

    finish_reason, error, answer = wait_until(turn, "the interrupted turn in the call log")
    assert (finish_reason, error) == ("interrupted", None), (finish_reason, error)
    assert answer.startswith("word0 word1") and "word59" not in answer, answer
    transcript = server.cli("calls", "show", "call:barge-in-1")
    assert "(interrupted: the client closed the stream here)" in transcript and "FAILED" not in transcript, transcript
    # Nor is the caller's hang-up blamed on the upstream (an error event, a warning, the upstream-error metric).
    assert server.log_text().count("stream failed") == upstream_failures_logged, server.log_text()[-2000:]
