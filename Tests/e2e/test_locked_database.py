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


def test_a_write_lock_on_one_business_delays_neither_its_reads_nor_another_business_booking(server, fake):
    """#11: two businesses on one server. While another process holds the home file's write
    lock, a read-only tool turn of the home business and a booking in the second business's
    own file both answer well inside the lock's hold (they never wait for it)."""
    import datetime
    import json
    import subprocess
    from zoneinfo import ZoneInfo

    from conftest import REPO, executable, tool_calls_reply

    # Given a second business registered through the CLI while the server runs
    cli = [str(executable("frontdesk")), "--database", str(server.database)]
    subprocess.run([cli[0], "business", "add", "uptown", "--import", "env/business.example.json", *cli[1:]],
                   cwd=REPO, check=True, capture_output=True)
    subprocess.run([cli[0], "business", "number", "add", "+13105550000", "--business", "uptown", *cli[1:]],
                   cwd=REPO, check=True, capture_output=True)
    subprocess.run([cli[0], "business", "number", "add", "+12125550000", "--business", "default", *cli[1:]],
                   cwd=REPO, check=True, capture_output=True)
    time.sleep(1.2)  # the server re-reads the registry at most once a second
    uptown_db = server.database.parent / "businesses" / "uptown.sqlite"
    zone = ZoneInfo("America/New_York")
    day = datetime.date.today() + datetime.timedelta(days=7)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7)  # a Monday a week or more ahead
    start = datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=zone).isoformat()

    def called(number: str, words: str, call_id: str):
        return post_chat(server.url, {
            "messages": [{"role": "user", "content": words}],
            "extra_metadata": {"telnyx_conversation_id": call_id, "telnyx_end_user_target": "+12125550101",
                               "telnyx_agent_target": number},
        }, timeout=30)

    holder = sqlite3.connect(server.database, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    held_since = time.monotonic()
    try:
        # When the home business answers a read-only tool turn
        fake.script(tool_calls_reply([{"id": "find", "name": "find_available_slots", "arguments": json.dumps(
            {"service_id": "exam", "provider_id": None, "location_id": None, "from_date": None, "to_date": None,
             "time_of_day": None, "limit": 2})}]), text_reply("Here are some times."))
        started = time.monotonic()
        read = called("+12125550000", "When can I come in?", "lock-read")
        read_seconds = time.monotonic() - started
        # and the other business books in its own file
        fake.script(tool_calls_reply([{"id": "book", "name": "book_appointment", "arguments": json.dumps(
            {"service_id": "exam", "start": start, "provider_id": "dr-patel", "location_id": None, "hold_id": None,
             "notes": None})}]), text_reply("Booked."))
        started = time.monotonic()
        booked = called("+13105550000", "Book me an exam", "lock-book")
        book_seconds = time.monotonic() - started
        # Then both answered while the lock was still held, well inside its hold
        assert time.monotonic() - held_since < HOLD_SECONDS
        assert read.status == 200 and booked.status == 200, (read.text[:300], booked.text[:300])
        assert read_seconds < 1.5, read_seconds
        assert book_seconds < 1.5, book_seconds
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # And the read saw slots, and the booking is in the second business's file with its event
    results = [m for body in fake.chat_bodies()[-4:] for m in body["messages"] if m.get("role") == "tool"]
    found = next(json.loads(m["content"]) for m in results if m["tool_call_id"] == "find")
    assert found["slots"], found
    with sqlite3.connect(f"file:{uptown_db}?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM appointments WHERE status = 'booked'").fetchone()[0] == 1
        assert db.execute("SELECT type FROM outbox").fetchall() == [("booking.created",)]
    with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM appointments WHERE conversation_id = 'call:lock-book'").fetchone()[0] == 0
