#!/usr/bin/env python3
"""Plays the phone and SMS scenarios under Tests/scenarios/ through FrontDesk's real
`/v1/chat/completions`, as a telephony provider would (the official openai SDK, streaming, with
Telnyx's metadata), and scores how each conversation ended: the rows in SQLite, what the caller
heard, and every *unkept promise* (an answer that says something was booked, moved or cancelled
when nothing of the kind was committed in the conversation).

    scripts/conversations.py                         every scenario against the scripted FAKE model
    scripts/conversations.py --upstream URL --model NAME [--api-key KEY]
                                                     against any OpenAI-compatible upstream
    scripts/conversations.py --only book_known_caller --json out.json

Each scenario gets its own `frontdesk serve` on a fresh demo database (the debug build, or
--bin). With the scripted fake, each turn's `model:` replies are what the fake model answers;
`{{tool.path}}` in them is filled from what FrontDesk's tools returned earlier in the call, so a
scripted booking takes the slot the search really offered. Against a real model the `model:`
parts are ignored. The fake's replies for a turn are fixed before the turn starts, so they may
use results of earlier turns only. Prints one Markdown table; exits 1 when a scenario fails (with --upstream:
only with --strict, since a real model's rate is a measurement, not a pass/fail).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import select
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "Tests" / "scenarios"
CLIENT_KEY = "sk-conversations-runner-0123456789"
METRICS_TOKEN = "conversations-runner-metrics"
ZONE = ZoneInfo("America/New_York")  # the demo practice's time zone

# What an answer claims, by the kind of change it claims. A sentence with a negation ("I have
# not booked", "nothing was cancelled") claims nothing.
CLAIMS = {
    "booked": re.compile(r"\b(booked|scheduled you|you'?re all set|you are all set|got you down)\b", re.I),
    "cancelled": re.compile(r"\b(cancell?ed)\b", re.I),
    "rescheduled": re.compile(r"\b(rescheduled|moved your|moved it|(has been|was|is now|been) moved)\b", re.I),
}
NEGATION = re.compile(r"\b(not|n't|no|nothing|never|couldn'?t|cannot|can't|wasn'?t|unable)\b", re.I)


# ---------------------------------------------------------------------------------------------
# Processes


def binary(bin_dir: Path, name: str) -> Path:
    path = bin_dir / name
    if not path.exists():
        sys.exit(f"conversations: {path} is missing; run `swift build --product {name}` (or pass --bin)")
    return path


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not re.match(r"^(UPSTREAM_|FRONTDESK_|OPENAI_|PERSONA|DATABASE_PATH$|HOST$|PORT$|LOG_LEVEL$|MAX_)", k)}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def http(method: str, url: str, body=None, timeout: float = 10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read().decode()
        return json.loads(text) if text.strip().startswith(("{", "[")) else text


class Fake:
    """The scripted FAKE upstream model (`scripted-upstream`), driven over its control endpoints."""

    def __init__(self, bin_dir: Path):
        self.process = subprocess.Popen([str(binary(bin_dir, "scripted-upstream")), "--host", "127.0.0.1", "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=clean_env())
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        line = self.process.stdout.readline() if ready else b""
        if not line.startswith(b"LISTENING "):
            self.process.kill()
            sys.exit(f"conversations: scripted-upstream did not start ({line!r})")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def script(self, replies: list[dict]) -> None:
        http("POST", self.url + "/_script", {"replies": replies})

    def chat_bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in http("GET", self.url + "/_requests")["requests"]
                if r["path"] == "/v1/chat/completions"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)


class FrontDesk:
    """`frontdesk serve --env test` on a fresh demo database in its own directory."""

    def __init__(self, bin_dir: Path, directory: Path, upstream: str, model: str, api_key: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.database = directory / "fd.sqlite"
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = clean_env()
        env.update({"DATABASE_PATH": str(self.database), "PERSONAS_DIR": str(REPO / "personas"), "LOG_LEVEL": "info",
                    "UPSTREAM_BASE_URL": upstream, "UPSTREAM_API_KEY": api_key, "UPSTREAM_MODEL": model,
                    "FRONTDESK_API_KEYS": CLIENT_KEY, "METRICS_TOKEN": METRICS_TOKEN,
                    # A small local model can take minutes to its first word.
                    "UPSTREAM_FIRST_BYTE_TIMEOUT_MS": "600000", "UPSTREAM_TOTAL_TIMEOUT_MS": "1200000",
                    "UPSTREAM_IDLE_TIMEOUT_MS": "600000", "TURN_DEADLINE_MS": "1800000"})
        self.log = open(directory / "frontdesk.log", "wb")
        self.process = subprocess.Popen([str(binary(bin_dir, "frontdesk")), "serve", "--env", "test", "--port", str(port)],
                                        cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(self.url + "/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"conversations: frontdesk did not start; see {directory / 'frontdesk.log'}")
            time.sleep(0.05)

    def metric(self, name: str) -> float:
        """The sum of a metric's series in the server's /metrics (0 when it has none yet)."""
        request = urllib.request.Request(self.url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name + " ") or line.startswith(name + "{"))

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The calendar, before and after


def calendar(server: FrontDesk) -> dict:
    with server.db() as db:
        appointments = {row[0]: {"id": row[0], "phone": row[1], "service": row[2], "start": row[3], "status": row[4],
                                 "rescheduled_from": row[5]}
                        for row in db.execute("""
                            SELECT a.id, p.phone, a.service_id, a.start_utc, a.status, a.rescheduled_from
                            FROM appointments a JOIN patients p ON p.id = a.patient_id""")}
        patients = {row[0]: {"first_name": row[1], "last_name": row[2], "phone": row[3]}
                    for row in db.execute("SELECT id, first_name, last_name, phone FROM patients")}
    return {"appointments": appointments, "patients": patients}


def changes(before: dict, after: dict) -> dict:
    """What the conversation committed: appointments booked, rescheduled (the new row), cancelled
    (not as part of a reschedule), and patients created."""
    new = [a for i, a in after["appointments"].items() if i not in before["appointments"]]
    moved_from = {a["rescheduled_from"] for a in new if a["rescheduled_from"]}
    cancelled = [a for i, a in after["appointments"].items()
                 if i in before["appointments"] and before["appointments"][i]["status"] != "cancelled"
                 and a["status"] == "cancelled" and i not in moved_from]
    return {"booked": [a for a in new if not a["rescheduled_from"]], "rescheduled": [a for a in new if a["rescheduled_from"]],
            "cancelled": cancelled,
            "patients": [p for i, p in after["patients"].items() if i not in before["patients"]]}


def free_slot(server: FrontDesk, phone: str | None, found: dict | None) -> dict | None:
    """The first slot of a find_available_slots result that the caller is free for (a patient
    cannot be booked twice at once, whoever the provider): what a scripted model offers."""
    if not found or not found.get("slots"):
        return None
    with server.db() as db:
        busy = db.execute("""
            SELECT a.start_utc, a.end_utc FROM appointments a JOIN patients p ON p.id = a.patient_id
            WHERE p.phone = ? AND a.status = 'booked'""", (phone or "",)).fetchall()
    length = 60 * int(found.get("duration_minutes", 60))
    for slot in found["slots"]:
        start = int(datetime.fromisoformat(slot["start"]).timestamp())
        if all(start + length <= b_start or start >= b_end for b_start, b_end in busy):
            return slot
    return None


def next_appointment(server: FrontDesk, phone: str) -> dict | None:
    with server.db() as db:
        row = db.execute("""
            SELECT a.id, a.start_utc, a.service_id FROM appointments a JOIN patients p ON p.id = a.patient_id
            WHERE p.phone = ? AND a.status = 'booked' AND a.start_utc > ? ORDER BY a.start_utc LIMIT 1""",
                         (phone, int(time.time()))).fetchone()
    if not row:
        return None
    start = datetime.fromtimestamp(row[1], timezone.utc).astimezone(ZONE)
    return {"id": row[0], "weekday": start.strftime("%A"), "month_day": f"{start.strftime('%B')} {start.day}",
            "service": row[2]}


# ---------------------------------------------------------------------------------------------
# Templates: `{{find_available_slots.slots.0.start}}` from the tools' latest results


def tool_results(fake: Fake) -> dict[str, object]:
    """The latest result of each tool, as FrontDesk sent it back to the model."""
    latest: dict[str, object] = {}
    for body in fake.chat_bodies():
        names = {}
        for message in body.get("messages", []):
            for call in message.get("tool_calls") or []:
                names[call["id"]] = call["function"]["name"]
            if message.get("role") == "tool" and message.get("tool_call_id") in names:
                try:
                    latest[names[message["tool_call_id"]]] = json.loads(message["content"])
                except (TypeError, ValueError):
                    pass
    return latest


def resolve(path: str, context: dict):
    node = context
    for part in path.strip().split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def fill(value, context: dict):
    """`{{a.b.0.c}}` filled from `context`: a whole-string reference keeps the value's type (an
    appointment id stays a number), one inside text is written into it."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{\{([^}]+)\}\}", value)
        if whole:
            return resolve(whole.group(1), context)

        def text(match):
            node = resolve(match.group(1), context)
            return node if isinstance(node, str) else json.dumps(node)
        return re.sub(r"\{\{([^}]+)\}\}", text, value)
    if isinstance(value, list):
        return [fill(v, context) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, context) for k, v in value.items()}
    return value


def scripted_replies(turn: dict, context: dict, number: int) -> list[dict]:
    replies = []
    for index, step in enumerate(turn.get("model") or []):
        if "text" in step:
            replies.append({"type": "text", "text": fill(step["text"], context)})
        elif "tools" in step:
            replies.append({"type": "tool_calls", "shape": "fragments", "calls": [
                {"id": f"call_t{number}_{index}_{n}", "name": call["name"], "arguments": json.dumps(fill(call.get("arguments", {}), context))}
                for n, call in enumerate(step["tools"])]})
        else:
            raise ValueError(f"a model step is `text:` or `tools:`, not {step}")
    return replies


# ---------------------------------------------------------------------------------------------
# One scenario


@dataclass
class Turn:
    said: str
    heard: str
    first_word_ms: float | None
    prompt_tokens: int | None
    client_tools: list[str]
    unkept: list[str]


@dataclass
class Result:
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    tool_calls: int = 0
    unkept_promises: int = 0
    # Cancels and moves committed without a read-back the caller could answer first (goal: 0).
    unconfirmed_changes: int = 0
    # Claims FrontDesk's speech guard withheld (no tool committed them), and markup it took out.
    withheld_claims: int = 0
    markup_removed: int = 0
    # Markdown, JSON or field names the caller heard anyway (goal: 0).
    markup_heard: int = 0
    # What the speech guard's hold cost: from the model's first words to the caller's, mean
    # over the turns that began in the model's words (FrontDesk's own histogram).
    speech_hold_ms: float | None = None
    # Scripted runs only: how much of each upstream request repeats the beginning of the one before.
    stable_prefix_share: float | None = None


def rendered(body: dict) -> str:
    """An upstream request in the order a chat template lays it out (the system message, the
    tool schemas, then the conversation): what a prompt cache can reuse is its unchanged start."""
    messages = body.get("messages", [])
    head = messages[:1] if messages and messages[0].get("role") == "system" else []
    parts = [json.dumps(m, sort_keys=True) for m in head]
    parts.append(json.dumps(body.get("tools", []), sort_keys=True))
    parts += [json.dumps(m, sort_keys=True) for m in messages[len(head):]]
    return "\n".join(parts)


def stable_prefix_share(bodies: list[dict]) -> float | None:
    """The mean share of each request (after the first) that its predecessor began with too."""
    texts = [rendered(b) for b in bodies]
    shares = []
    for previous, current in zip(texts, texts[1:]):
        common = len(os.path.commonprefix([previous, current]))
        shares.append(common / max(1, len(current)))
    return sum(shares) / len(shares) if shares else None


def claims(text: str) -> set[str]:
    found = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if NEGATION.search(sentence):
            continue
        found |= {kind for kind, pattern in CLAIMS.items() if pattern.search(sentence)}
    return found


MARKUP = re.compile(r"\*\*|`|\{\"|^\s*#|^\s*\d+\.\s|\b[a-z]+_[a-z_]+\b|\([^)]*\bids?\b[^)]*\)", re.MULTILINE | re.IGNORECASE)


def markup_heard(text: str) -> int:
    """Markdown, JSON, field names and ids in parentheses in what the caller heard: none should be there."""
    return len(MARKUP.findall(text))


def unconfirmed_changes(db: sqlite3.Connection, conversation: str) -> int:
    """Cancels and moves that committed without having been proposed (read back) in an earlier
    turn of the call: what the call log's tool rounds show, whatever the model said."""
    proposed: set[tuple[str, int]] = set()
    unconfirmed = 0
    rows = db.execute("""SELECT t.internal_messages FROM call_turns t JOIN calls c ON c.id = t.call_id
                         WHERE c.id LIKE ? ORDER BY t.id""", (f"%{conversation}%",)).fetchall()
    for (text,) in rows:
        names: dict[str, str] = {}
        this_turn: set[tuple[str, int]] = set()
        for message in json.loads(text):
            for call in message.get("tool_calls") or []:
                names[call["id"]] = call["function"]["name"]
            name = names.get(message.get("tool_call_id", ""))
            if message.get("role") != "tool" or name not in ("cancel_appointment", "reschedule_appointment"):
                continue
            try:
                content = json.loads(message.get("content") or "")
            except ValueError:
                continue
            error = content.get("error") if isinstance(content, dict) else None
            if error and error.get("code") == "confirmation_required":
                proposal = (error.get("details") or {}).get("proposal") or {}
                this_turn.add((name, proposal.get("appointment_id")))
            elif isinstance(content, dict) and not error and not content.get("already_done"):
                target = content.get("previous_appointment_id", content.get("appointment_id"))
                if (name, target) not in proposed:
                    unconfirmed += 1
        proposed |= this_turn
    return unconfirmed


def play(scenario: dict, bin_dir: Path, upstream: str | None, model: str, api_key: str, workdir: Path,
         max_tokens: int | None = None) -> Result:
    import openai

    name = scenario["name"]
    fake = Fake(bin_dir) if upstream is None else None
    server = FrontDesk(bin_dir, workdir / name, fake.url + "/v1" if fake else upstream, model, api_key)
    result = Result(name=name, passed=False)
    try:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key=CLIENT_KEY, max_retries=0, timeout=1800)
        caller = scenario.get("caller")
        conversation = f"scenario-{name}-{int(time.time() * 1000)}"
        metadata = {"telnyx_conversation_id": conversation}
        if caller:
            metadata["telnyx_end_user_target"] = caller
        if scenario.get("channel") == "sms":
            metadata["telnyx_conversation_channel"] = "sms_chat"
        messages: list[dict] = []
        start = calendar(server)
        with server.db() as db:
            phones = [row[0] for row in db.execute("SELECT DISTINCT phone FROM patients WHERE phone IS NOT NULL")]
        facts = {"next_appointment": next_appointment(server, caller) if caller else None,
                 "next_appointment_of": {phone: next_appointment(server, phone) for phone in phones}}
        committed: set[str] = set()
        for number, turn in enumerate(scenario["turns"]):
            before = calendar(server)
            context = dict(facts)
            if fake:
                context.update(tool_results(fake))
                context["free_slot"] = free_slot(server, caller, context.get("find_available_slots"))
                fake.script(scripted_replies(turn, context, number))
            if not isinstance(turn.get("say"), str):
                raise ValueError(f"`say:` must be text, got {turn.get('say')!r} (quote a bare yes or no in YAML)")
            said = fill(turn["say"], context)
            messages.append({"role": "user", "content": said})
            sent = time.monotonic()
            first_word = None
            heard, calls, prompt_tokens = "", {}, None
            stream = client.chat.completions.create(
                model=f"frontdesk/{scenario.get('persona', 'dental_office')}", messages=messages, stream=True,
                stream_options={"include_usage": True}, tools=scenario.get("client_tools") or openai.NOT_GIVEN,
                max_tokens=max_tokens or openai.NOT_GIVEN,
                extra_body={"extra_metadata": metadata})
            for chunk in stream:
                if chunk.usage:
                    prompt_tokens = chunk.usage.prompt_tokens
                if not chunk.choices:
                    continue
                delta = chunk.choices[0].delta
                if delta.content:
                    if first_word is None:
                        first_word = (time.monotonic() - sent) * 1000
                    heard += delta.content
                for call in delta.tool_calls or []:
                    entry = calls.setdefault(call.index, {"id": call.id, "name": "", "arguments": ""})
                    if call.function:
                        entry["name"] += call.function.name or ""
                        entry["arguments"] += call.function.arguments or ""
            assistant = {"role": "assistant", "content": heard or None}
            if calls:
                assistant["tool_calls"] = [{"id": c["id"], "type": "function",
                                            "function": {"name": c["name"], "arguments": c["arguments"]}} for c in calls.values()]
            messages.append(assistant)
            for c in calls.values():  # a client tool (a transfer) is the telephony provider's to run
                messages.append({"role": "tool", "tool_call_id": c["id"], "content": json.dumps({"ok": True})})
            done = changes(before, calendar(server))
            committed |= {kind for kind in ("booked", "rescheduled", "cancelled") if done[kind]}
            unkept = sorted(claims(heard) - committed)
            result.turns.append(Turn(said, heard, first_word, prompt_tokens, [c["name"] for c in calls.values()], unkept))
        result.unkept_promises = sum(len(t.unkept) for t in result.turns)
        time.sleep(0.3)  # the call log is written in the background
        with server.db() as db:
            result.tool_calls = db.execute("SELECT count(*) FROM tool_audit WHERE conversation_id LIKE ?",
                                           (f"%{conversation}%",)).fetchone()[0]
            result.unconfirmed_changes = unconfirmed_changes(db, conversation)
            for (text,) in db.execute("""SELECT t.interventions FROM call_turns t WHERE t.call_id LIKE ?""",
                                      (f"%{conversation}%",)).fetchall():
                kinds = [item.get("kind") for item in json.loads(text)]
                result.withheld_claims += kinds.count("unkept_claim")
                result.markup_removed += kinds.count("markup")
        result.markup_heard = sum(markup_heard(t.heard) for t in result.turns)
        holds = server.metric("frontdesk_speech_hold_seconds_count")
        if holds:
            result.speech_hold_ms = 1000 * server.metric("frontdesk_speech_hold_seconds_sum") / holds
        if fake:
            result.stable_prefix_share = stable_prefix_share(fake.chat_bodies())
        result.failures = judge(scenario.get("expect", {}), changes(start, calendar(server)), result, facts)
        result.passed = not result.failures
    except Exception as error:  # a crash is a failed scenario, reported, not a stack trace mid-table
        result.failures.append(f"{type(error).__name__}: {error}")
    finally:
        server.stop()
        if fake:
            fake.stop()
    return result


def judge(expect: dict, done: dict, result: Result, facts: dict) -> list[str]:
    failures = []
    for kind in ("booked", "rescheduled", "cancelled"):
        wanted = expect.get(kind, [])
        got = done[kind]
        if len(got) != len(wanted):
            failures.append(f"{kind}: expected {len(wanted)}, got {len(got)} ({got})")
            continue
        for want, have in zip(wanted, got):
            for key, value in want.items():
                if have.get(key) != value:
                    failures.append(f"{kind}: expected {key}={value!r}, got {have.get(key)!r}")
    wanted_patients = expect.get("patients_created", [])
    if len(done["patients"]) != len(wanted_patients):
        failures.append(f"patients created: expected {len(wanted_patients)}, got {len(done['patients'])}")
    else:
        for want, have in zip(wanted_patients, done["patients"]):
            for key, value in want.items():
                if have.get(key) != value:
                    failures.append(f"patient created: expected {key}={value!r}, got {have.get(key)!r}")
    everything = " ".join(t.heard for t in result.turns)
    for phrase in expect.get("said", []):
        phrase = fill(phrase, facts) if "{{" in phrase else phrase
        if str(phrase).lower() not in everything.lower():
            failures.append(f"never said {phrase!r}")
    for phrase in expect.get("never_said", []):
        if phrase.lower() in everything.lower():
            failures.append(f"said {phrase!r}")
    wanted_tools = expect.get("client_tools", [])
    called = [name for t in result.turns for name in t.client_tools]
    if called != wanted_tools:
        failures.append(f"client tool calls: expected {wanted_tools}, got {called}")
    if result.unconfirmed_changes:
        failures.append(f"unconfirmed changes: {result.unconfirmed_changes}")
    if result.markup_heard:
        failures.append(f"markup heard: {result.markup_heard}")
    if "withheld_claims" in expect and result.withheld_claims != expect["withheld_claims"]:
        failures.append(f"withheld claims: expected {expect['withheld_claims']}, got {result.withheld_claims}")
    if result.unkept_promises != expect.get("unkept_promises", 0):
        failures.append(f"unkept promises: expected {expect.get('unkept_promises', 0)}, got {result.unkept_promises} "
                        f"({[t.unkept for t in result.turns]})")
    return failures


# ---------------------------------------------------------------------------------------------
# Report


def table(results: list[Result], label: str) -> str:
    def ms(values):
        values = [v for v in values if v is not None]
        return " / ".join(f"{v / 1000:.1f} s" if v >= 1000 else f"{v:.0f} ms" if v >= 10 else f"{v:.2f} ms"
                          for v in values) or "n/a"

    passed = sum(r.passed for r in results)
    lines = [f"## Conversations against {label}: {passed}/{len(results)} passed "
             f"({100 * passed / max(1, len(results)):.0f}%), {sum(r.unkept_promises for r in results)} unkept promises, "
             f"{sum(r.unconfirmed_changes for r in results)} unconfirmed changes, {sum(r.withheld_claims for r in results)} claims withheld, "
             f"{sum(r.markup_heard for r in results)} markup heard", "",
             "| Scenario | Result | Turns | Tool calls | First word per turn | Speech hold | Prompt tokens per turn | Prefix reused | Unkept promises | Unconfirmed changes | Withheld claims | Markup removed / heard | Why not |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        tokens = " / ".join(str(t.prompt_tokens) if t.prompt_tokens is not None else "n/a" for t in r.turns) or "n/a"
        why = "; ".join(r.failures).replace("|", "\\|")[:300]
        prefix = f"{r.stable_prefix_share:.0%}" if r.stable_prefix_share is not None else "n/a"
        lines.append(f"| {r.name} | {'pass' if r.passed else 'FAIL'} | {len(r.turns)} | {r.tool_calls} | "
                     f"{ms([t.first_word_ms for t in r.turns])} | {ms([r.speech_hold_ms])} | {tokens} | {prefix} | {r.unkept_promises} | {r.unconfirmed_changes} | "
                     f"{r.withheld_claims} | {r.markup_removed} / {r.markup_heard} | {why} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", help="an OpenAI-compatible base URL (…/v1); default: the scripted fake")
    parser.add_argument("--model", default="scripted-model")
    parser.add_argument("--api-key", default="sk-not-needed")
    parser.add_argument("--only", nargs="*", help="scenario names")
    parser.add_argument("--scenarios", type=Path, default=SCENARIOS)
    parser.add_argument("--bin", type=Path, default=REPO / ".build" / "debug")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a failed scenario even with --upstream")
    parser.add_argument("--max-tokens", type=int,
                        help="max_tokens on every request, as a telephony provider's LLM settings cap an answer "
                             "(a small local model can otherwise repeat itself for minutes)")
    args = parser.parse_args()

    scenarios = [yaml.safe_load(p.read_text()) for p in sorted(args.scenarios.glob("*.yaml"))]
    if args.upstream:  # the scorer's own checks need the scripted model
        scenarios = [s for s in scenarios if not s.get("scripted_only")]
    if args.only:
        scenarios = [s for s in scenarios if s["name"] in args.only]
    if not scenarios:
        sys.exit("conversations: no scenarios")
    results = []
    with tempfile.TemporaryDirectory(prefix="frontdesk-conversations-") as work:
        for scenario in scenarios:
            print(f"== {scenario['name']}", file=sys.stderr)
            result = play(scenario, args.bin, args.upstream, args.model, args.api_key, Path(work), args.max_tokens)
            for turn in result.turns:
                print(f"   caller: {turn.said}\n   heard:  {turn.heard}", file=sys.stderr)
            results.append(result)
    print(table(results, args.upstream or "the scripted fake model"))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ | {"turns": [t.__dict__ for t in r.turns]} for r in results], indent=2))
    strict = args.strict or args.upstream is None
    return 1 if strict and not all(r.passed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
