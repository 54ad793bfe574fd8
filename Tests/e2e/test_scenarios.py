"""The scenario suite (Tests/scenarios/, scripts/conversations.py) against the scripted FAKE
model: every scenario must end as its file says, in the real SQLite file, with the real binary
driven by the official openai SDK. Against a real model the same runner reports a rate."""
import importlib.util
import json
import sqlite3
import subprocess
import sys

from conftest import REPO, bin_path


def runner():
    spec = importlib.util.spec_from_file_location("conversations", REPO / "scripts" / "conversations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_every_scenario_ends_right_against_the_scripted_model():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "conversations.py"), "--bin", str(bin_path())],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    scenarios = len(list((REPO / "Tests" / "scenarios").glob("*.yaml")))
    assert f"{scenarios}/{scenarios} passed (100%)" in result.stdout, result.stdout
    assert "0 unkept promises, 0 unconfirmed changes" in result.stdout, result.stdout
    # FrontDesk's guard withheld both of the scripted model's made-up bookings
    row = result.stdout.split("| guard_withholds_an_unkept_promise |")[1].splitlines()[0]
    assert [cell.strip() for cell in row.split("|")][9:11] == ["2", "0 / 0"], row


def test_the_scorer_counts_claims_markup_and_unconfirmed_changes():
    # The runner's own checks, which the guard now keeps at zero against FrontDesk, can still fail.
    conversations = runner()
    assert conversations.claims("I've booked your whitening for Friday at 9 AM.") == {"booked"}
    assert conversations.claims("Nothing was booked yet.") == set()
    assert conversations.markup_heard("Give me your provider_id and **name**") == 3  # a name, two bold marks
    assert conversations.markup_heard("Give me your provider and name.") == 0
    assert conversations.markup_heard("Your filling on Friday (appointment id 4).") == 1

    db = sqlite3.connect(":memory:")
    db.executescript("""CREATE TABLE calls (id TEXT PRIMARY KEY);
                        CREATE TABLE call_turns (id INTEGER PRIMARY KEY, call_id TEXT, internal_messages TEXT);""")
    db.execute("INSERT INTO calls VALUES ('call:x')")

    def turn(tool: str, result: dict):
        messages = [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function",
                                                          "function": {"name": tool, "arguments": "{}"}}]},
                    {"role": "tool", "tool_call_id": "c", "content": json.dumps(result)}]
        db.execute("INSERT INTO call_turns (call_id, internal_messages) VALUES ('call:x', ?)", (json.dumps(messages),))

    # a cancel committed with no proposal before it is unconfirmed; one proposed a turn earlier is not
    turn("cancel_appointment", {"appointment_id": 7, "status": "cancelled"})
    assert conversations.unconfirmed_changes(db, "x") == 1
    turn("cancel_appointment", {"ok": False, "error": {"code": "confirmation_required",
                                                      "details": {"proposal": {"action": "cancel", "appointment_id": 8}}}})
    turn("cancel_appointment", {"appointment_id": 8, "status": "cancelled"})
    assert conversations.unconfirmed_changes(db, "x") == 1
