"""R3: another process holds the SQLite write lock (`BEGIN IMMEDIATE` in a sqlite3 shell, another
FrontDesk, `frontdesk import`). /health, reads and tool-free turns keep answering promptly; only
writes wait."""
import sqlite3
import time

import pytest

from conftest import http_request, post_chat, text_reply, upstream_env

HOLD_SECONDS = 6


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake))


def turn(server, words: str, call_id: str):
    return post_chat(server.url, {
        "model": "frontdesk/default",
        "messages": [{"role": "user", "content": words}],
        "extra_metadata": {"telnyx_conversation_id": call_id, "telnyx_end_user_target": "+12125550101"},
    }, timeout=30)


def test_r3_a_write_lock_held_elsewhere_delays_no_health_check_and_no_tool_free_turn(server, fake):
    # Given a first turn (so the call log has work queued behind the lock later)
    fake.script(text_reply("Hello."))
    assert turn(server, "Hi", "lock-0").status == 200
    # When another connection holds the write lock
    holder = sqlite3.connect(server.database, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    held_since = time.monotonic()
    try:
        health, turns = [], []
        for index in range(4):
            started = time.monotonic()
            assert http_request(server.url, "GET", "/health", timeout=20).status == 200
            health.append(time.monotonic() - started)
            fake.script(text_reply(f"Answer {index}."))
            started = time.monotonic()
            result = turn(server, f"Question {index}", f"lock-{index + 1}")
            turns.append(time.monotonic() - started)
            assert result.status == 200, result.text[:300]
            time.sleep(0.5)
        # Then every health check and every tool-free turn answered promptly, while the lock was held
        assert time.monotonic() - held_since < HOLD_SECONDS
        assert max(health) < 1.0, health
        assert max(turns) < 1.5, turns
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # And once the lock is gone, the queued call-log writes land
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as db:
            if db.execute("SELECT count(*) FROM calls WHERE id LIKE 'call:lock-%'").fetchone()[0] == 5:
                break
        time.sleep(0.2)
    else:
        pytest.fail("the call log did not catch up after the lock was released")
