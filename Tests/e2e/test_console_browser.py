"""The staff web console (`/console`), tested as a person would: headless Chromium clicks through it.

Playwright's sync API drives Debian's own chromium (`/usr/bin/chromium`, installed by
`scripts/ensure-deps.sh --python`; nothing is downloaded at run time, `playwright install` is
never used) against the real `frontdesk` binary, with `scripted-upstream` playing the model of
the voice calls (the official `openai` SDK speaks for the telephony provider, as in
test_appointments_by_voice.py). The contract is the console contract (pages, ids, labels and
data attributes this file relies on).

The story, in order (tests share one server and build on each other):
- a staff user made with the CLI signs in through the login form and sees a day of the demo
  schedule in provider columns, reached with the date form;
- a booking made by voice shows up on the open page within seconds, without a navigation;
- the appointment is cancelled by hand, and the voice tool offers the freed slot again;
- a slot held on a live call shows as a hold in its provider's column;
- the booking call's page shows the tool card and links to the appointment it changed;
- "Export CSV" on the calls and appointments pages downloads the expected rows;
- security: CSRF, sign-out, HTML-escaped caller text, the CSP header;
- a user of another business sees none of this business's data;
- a sixth login attempt after five wrong passwords is refused with 429 (on a server of its own).

Each page reached is saved as a full-page screenshot in Tests/e2e/screenshots/ (git-ignored),
plus phone-size (390x844) screenshots of the day and a call page.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.parse
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pytest

from conftest import REPO, executable, http_request, scrubbed_environment, text_reply, tool_calls_reply, upstream_env

import playwright.sync_api as playwright_sync  # noqa: E402  (scripts/ensure-deps.sh --python installs it)
expect = playwright_sync.expect

CHROMIUM = Path(os.environ.get("FRONTDESK_E2E_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
MODEL = "frontdesk/dental_office"
LIVE_TIMEOUT_MS = 5_000          # "within ~1–2 s": a generous bound for a loaded 2-core machine
ALICE, ALICE_PASSWORD = "alice", "alice-front-desk-2026"
BOB, BOB_PASSWORD = "bob", "bob-uptown-desk-2026"
CAROL, CAROL_PASSWORD = "carol", "carol-is-careful-2026"
CSP_DIRECTIVES = {
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
}
XSS = '<script>window.__pwned=1</script> and "><img src=x onerror="window.__pwned=1">'
BOOK_CALL = "console-book"       # telnyx_conversation_id; the call's id is "call:" + this
FIND_CALL = "console-find"
XSS_CALL = "console-xss"
HOLD_CALL = "console-hold"
DEFAULT_ONLY_PATIENT = {"first_name": "Quentin", "last_name": "Defaultonly", "date_of_birth": "1980-02-02"}


# ---------------------------------------------------------------------------------------------
# Helpers: CLI, REST, voice


def frontdesk_cli(server, *args: str, stdin: str | None = None) -> str:
    """`frontdesk ARGS --database <server's file>`, optionally with standard input."""
    result = subprocess.run([str(executable("frontdesk")), *args, "--database", str(server.database)],
                            cwd=REPO, env=scrubbed_environment(), input=stdin, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"frontdesk {' '.join(args)} failed ({result.returncode}): {result.stderr}"
    return result.stdout


def add_user(server, username: str, business: str, password: str) -> None:
    frontdesk_cli(server, "user", "add", username, "--business", business, "--role", "staff", "--password-stdin",
                  stdin=password + "\n")


def create_key(server, business: str) -> str:
    return frontdesk_cli(server, "business", "key", "create", "--business", business).strip().splitlines()[-1]


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Polls `probe` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(interval)


def quote_id(call_id: str) -> str:
    return urllib.parse.quote(call_id, safe="")


def call_link(call_id: str) -> str:
    """A CSS selector for links to a call's page, however much of the id the href percent-encodes."""
    forms = {quote_id(call_id), "".join(c if c.isalnum() else f"%{ord(c):02X}" for c in call_id)}
    return ", ".join(f"a[href$='/console/calls/{form}']" for form in sorted(forms))


class Rest:
    """The staff REST API with one business key (used to arrange and to cross-check)."""

    def __init__(self, server, key: str):
        self.server, self.key = server, key

    def call(self, method: str, path: str, body: Any = None):
        return http_request(self.server.url, method, f"/api/v1/{path}", body,
                            {"Authorization": f"Bearer {self.key}"})

    def get(self, path: str, **query) -> Any:
        query = {k: v for k, v in query.items() if v is not None}
        result = self.call("GET", path + ("?" + urllib.parse.urlencode(query) if query else ""))
        assert result.status == 200, f"GET {path}: {result.status} {result.text[:500]}"
        return result.json()

    def wait_ready(self) -> None:
        wait_for("the server to accept the new business key",
                 lambda: self.call("GET", "business").status == 200, timeout=10)

    def wait_call(self, call_id: str, turns: int = 1) -> dict:
        """GET /calls/{id} once the call log holds `turns` turns (it is written off the request path)."""
        def probe():
            result = self.call("GET", f"calls/{quote_id(call_id)}")
            if result.status == 200 and len(result.json()["turns"]) >= turns:
                return result.json()
            return None
        return wait_for(f"call {call_id} in the call log", probe)


def voice_turn(client, caller: str, conversation: str, text: str) -> str:
    """One streamed turn of a phone call through the openai SDK; returns what was spoken."""
    stream = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], stream=True,
        extra_body={"extra_metadata": {"telnyx_end_user_target": caller, "telnyx_conversation_id": conversation}})
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


def tool_results(body: dict) -> dict[str, dict]:
    return {m["tool_call_id"]: json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"}


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc)


def clock_forms(moment: datetime) -> set[str]:
    """How a local time may be written: 9:00, 09:00 (and 13:00 / 1:00)."""
    return {f"{moment.hour:02d}:{moment.minute:02d}", f"{(moment.hour - 1) % 12 + 1}:{moment.minute:02d}"}


# ---------------------------------------------------------------------------------------------
# The world: one server with the demo practice, a key, users, and the day under test


@dataclass
class Appointment:
    id: int
    provider_id: str
    provider_name: str
    patient: str
    start: datetime        # local
    status: str


@dataclass
class World:
    server: Any
    rest: Rest
    client: Any
    zone: ZoneInfo
    zone_name: str
    day: date                              # a day with demo appointments
    demo: list[Appointment]                # the demo appointments of that day
    caller: str                            # a demo patient with no appointment that day
    caller_name: tuple[str, str]
    service: str
    slot: dict                             # the slot the voice call books (REST availability form)
    booked_id: int | None = None
    state: dict = field(default_factory=dict)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.server.database}?mode=ro", uri=True)

    def day_bounds(self, day: date) -> tuple[int, int]:
        start = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        return int(start.timestamp()), int((start + timedelta(days=1)).timestamp())

    def appointments_on(self, day: date) -> list[Appointment]:
        low, high = self.day_bounds(day)
        with self.db() as c:
            rows = c.execute("""
                SELECT a.id, a.provider_id, pr.name, p.first_name || ' ' || p.last_name, a.start_utc, a.status
                FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN providers pr ON pr.id = a.provider_id
                WHERE a.start_utc >= ? AND a.start_utc < ? ORDER BY a.start_utc, a.id""", (low, high)).fetchall()
        return [Appointment(i, prov, name, patient, datetime.fromtimestamp(start, self.zone), status)
                for i, prov, name, patient, start, status in rows]

    def url(self, path: str) -> str:
        return self.server.url + path


def pick_day(server, zone: ZoneInfo) -> date:
    """The coming day with the most booked demo appointments (the seed books 1–24 days ahead)."""
    now = int(time.time())
    with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as c:
        starts = [s for (s,) in c.execute(
            "SELECT start_utc FROM appointments WHERE status = 'booked' AND start_utc > ?", (now + 4 * 3600,))]
    assert starts, "the demo practice seeds appointments"
    counts: dict[date, int] = {}
    for start in starts:
        day = datetime.fromtimestamp(start, zone).date()
        counts[day] = counts.get(day, 0) + 1
    return sorted(counts, key=lambda d: (-counts[d], d))[0]


@pytest.fixture(scope="module")
def world(start_frontdesk, fake) -> World:
    server = start_frontdesk(upstream_env(fake))
    key = create_key(server, "default")
    rest = Rest(server, key)
    rest.wait_ready()
    add_user(server, ALICE, "default", ALICE_PASSWORD)
    with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as c:
        zone_name = c.execute("SELECT time_zone FROM business").fetchone()[0]
    zone = ZoneInfo(zone_name)
    day = pick_day(server, zone)
    low = int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())
    high = low + 36 * 3600
    with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as c:
        callers = c.execute("""
            SELECT p.phone, p.first_name, p.last_name FROM patients p
            WHERE p.phone IS NOT NULL
              AND (SELECT COUNT(*) FROM patients q WHERE q.phone = p.phone) = 1
              AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = p.id AND a.status = 'booked'
                              AND a.start_utc >= ? - 86400 AND a.start_utc < ?)
            ORDER BY p.id""", (low, high)).fetchall()
    assert callers, "a demo patient who is free that day"
    caller, first, last = callers[0]
    # The slot the call will book: the first open one that day, for a service someone offers then.
    slot, service = None, None
    for service in ("cleaning", "exam", "filling", "consultation", "emergency", "whitening"):
        slots = rest.get("availability", service_id=service, **{"from": day.isoformat(), "to": day.isoformat()},
                         limit=10)["slots"]
        if slots:
            slot = slots[0]
            break
    assert slot, f"no open slot on {day} for any service"
    w = World(server=server, rest=rest, client=server.openai_client(api_key=key), zone=zone, zone_name=zone_name,
              day=day, demo=[], caller=caller, caller_name=(first, last), service=service, slot=slot)
    w.demo = w.appointments_on(day)
    assert w.demo, f"demo appointments on {day}"
    return w


# ---------------------------------------------------------------------------------------------
# The browser


@dataclass
class BrowserProblems:
    """JavaScript exceptions and console errors (CSP violations among them) seen on any page."""
    entries: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.entries.append(f"pageerror on {page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message) -> None:
        # Chromium logs every 4xx document it is shown ("Failed to load resource"); the tests ask
        # for those on purpose (401, 403, 404, 429) and check their statuses themselves.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.entries.append(f"console.{message.type} on {page.url}: {message.text}")


PROBLEMS = BrowserProblems()


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `scripts/ensure-deps.sh --python` (installs Debian's chromium)",
                    pytrace=False)
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield instance
        instance.close()


def new_page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    PROBLEMS.watch(page)
    return page


def shot(page, request, name: str) -> None:
    """A full-page screenshot: Tests/e2e/screenshots/<test>-<page>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = request.node.name.removeprefix("test_")
    page.screenshot(path=str(SCREENSHOTS / f"{test}-{name}.png"), full_page=True)


def login(page, base_url: str, username: str, password: str):
    """Signs in through the form, as a person would; returns the POST's response."""
    page.goto(base_url + "/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/console/login")) as posted:
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return posted.value


def signed_in_context(browser, world: World, username: str, password: str, **options):
    context = browser.new_context(**options)
    page = new_page(context)
    login(page, world.server.url, username, password)
    expect(page).to_have_url(re.compile(r"/console/?$"))
    page.close()
    return context


@pytest.fixture(scope="module")
def alice(browser, world):
    context = signed_in_context(browser, world, ALICE, ALICE_PASSWORD)
    yield context
    context.close()


@pytest.fixture
def page(alice):
    page = new_page(alice)
    yield page
    page.close()


def go(page, world: World, path: str, status: int = 200):
    response = page.goto(world.url(path))
    assert response is not None and response.status == status, \
        f"GET {path}: expected {status}, got {response and response.status}"
    return response


def day_path(day: date) -> str:
    return f"/console?date={day.isoformat()}"


def assert_signed_in_chrome(page, world: World) -> None:
    nav = page.locator("nav#nav")
    for name in ("Today", "Appointments", "Calls", "Patients"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.locator("form#logout-form[method=post][action='/console/logout']")).to_have_count(1)
    expect(page.locator("#logout-form").get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("main#main")).to_have_count(1)
    expect(page.locator("header #business-zone")).to_have_text(world.zone_name)


def assert_csp(response) -> None:
    policy = response.headers.get("content-security-policy")
    assert policy, f"no Content-Security-Policy on {response.url}"
    directives = {" ".join(part.split()) for part in policy.split(";") if part.strip()}
    assert directives == CSP_DIRECTIVES, f"CSP on {response.url}: {policy!r}"


# ---------------------------------------------------------------------------------------------
# 1. Sign in, and a day of the schedule in provider columns


def test_login_and_the_days_schedule(browser, world, request):
    # Not signed in: pages send you to the login form, the event stream says 401.
    anonymous = http_request(world.server.url, "GET", "/console")
    assert anonymous.status == 303 and anonymous.headers.get("location", "").endswith("/console/login"), \
        (anonymous.status, anonymous.headers)
    assert http_request(world.server.url, "GET", "/console/events", timeout=5).status == 401

    context = browser.new_context()
    page = new_page(context)
    response = go(page, world, "/console/login")
    assert_csp(response)
    form = page.locator("form#login-form")
    expect(form).to_have_attribute("method", re.compile("post", re.I))
    expect(form).to_have_attribute("action", "/console/login")
    expect(form.locator("input[type=hidden][name=csrf]")).to_have_count(1)
    expect(page.get_by_label("Username")).to_have_attribute("name", "username")
    expect(page.get_by_label("Password")).to_have_attribute("name", "password")
    shot(page, request, "login")

    posted = login(page, world.server.url, ALICE, ALICE_PASSWORD)
    assert posted.status == 303, f"login POST answered {posted.status}"
    expect(page).to_have_url(re.compile(r"/console/?$"))
    cookie = next(c for c in context.cookies() if c["name"] == "fd_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/", cookie
    assert_signed_in_chrome(page, world)
    today = datetime.now(world.zone).date()
    expect(page.locator("h1")).to_contain_text(today.strftime("%A"))
    expect(page.locator("section#attention")).to_have_count(1)
    shot(page, request, "today")

    # The date form, and the previous/next day links.
    expect(page.locator("form#date-form").get_by_label("Day")).to_have_attribute("name", "date")
    page.locator("#date").fill(world.day.isoformat())
    page.locator("#date-form").get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(rf"date={world.day.isoformat()}"))
    heading = page.locator("h1")
    expect(heading).to_contain_text(world.day.strftime("%A"))
    expect(heading).to_contain_text(str(world.day.day))
    page.get_by_role("link", name="Next day").click()
    expect(page).to_have_url(re.compile(rf"date={(world.day + timedelta(days=1)).isoformat()}"))
    page.get_by_role("link", name="Previous day").click()
    expect(page).to_have_url(re.compile(rf"date={world.day.isoformat()}"))

    # One column per provider; each demo appointment of the day in its provider's column.
    for appointment in world.demo:
        column = page.locator(f"section.provider-column[data-provider-id='{appointment.provider_id}']")
        expect(column).to_have_count(1)
        expect(column.locator("h2")).to_contain_text(appointment.provider_name)
        item = column.locator(f"li.appointment[data-appointment-id='{appointment.id}']")
        expect(item).to_be_visible()
        text = item.inner_text()
        for part in appointment.patient.split():
            assert part in text, f"{appointment.patient!r} not in {text!r}"
        assert any(form in text for form in clock_forms(appointment.start)), (appointment.start, text)
        expect(item.locator(f"a[href='/console/appointments/{appointment.id}']")).to_have_count(1)
    assert page.locator("li.gap").count() > 0, "free time is shown"
    # The day's unconfirmed demo bookings need attention.
    links = page.locator("#attention a[href^='/console/appointments/']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs & {f"/console/appointments/{a.id}" for a in world.demo}, \
        f"#attention lists the day's unconfirmed bookings: {hrefs}"
    shot(page, request, "day")
    context.close()


# ---------------------------------------------------------------------------------------------
# 2. A voice booking appears on the open page, in place


def test_a_voice_booking_appears_on_the_open_page(page, world, fake, request):
    with page.expect_response(lambda r: "/console/events" in r.url) as events:
        go(page, world, day_path(world.day))
    assert events.value.status == 200, f"/console/events answered {events.value.status}"
    page.evaluate("window.__marker = 1")
    before = int(page.locator("body").get_attribute("data-live-updates") or "0")

    slot = world.slot
    fake.script(
        tool_calls_reply([{"id": "call_book", "name": "book_appointment", "arguments": json.dumps({
            "service_id": world.service, "start": slot["start"], "provider_id": slot["provider_id"],
            "location_id": None, "hold_id": None, "notes": None})}]),
        text_reply("You're booked."))
    spoken = voice_turn(world.client, world.caller, BOOK_CALL, f"Book me a {world.service} on {world.day}, please.")
    assert spoken.endswith("You're booked."), spoken
    booked = tool_results(fake.chat_bodies()[-1])["call_book"]
    assert booked.get("ok", True) and "appointment_id" in booked, booked
    world.booked_id = booked["appointment_id"]

    item = page.locator(f"section.provider-column[data-provider-id='{slot['provider_id']}'] "
                        f"li.appointment[data-appointment-id='{world.booked_id}']")
    expect(item).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(item).to_contain_text(world.caller_name[1])
    assert any(form in item.inner_text() for form in clock_forms(instant(slot["start"]).astimezone(world.zone)))
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated in place"
    updates = int(page.locator("body").get_attribute("data-live-updates") or "0")
    assert updates > before and updates > 0, f"data-live-updates {before} -> {updates}"
    shot(page, request, "day-after-voice-booking")


# ---------------------------------------------------------------------------------------------
# 3. Cancel it by hand; the voice tool offers the slot again


def test_cancel_by_hand_frees_the_slot_for_callers(page, world, fake, request):
    assert world.booked_id, "needs the voice booking"
    go(page, world, day_path(world.day))
    page.locator(f"li.appointment[data-appointment-id='{world.booked_id}'] a").first.click()
    expect(page).to_have_url(re.compile(rf"/console/appointments/{world.booked_id}$"))
    assert_signed_in_chrome(page, world)
    details = page.locator("dl#appointment")
    expect(details).to_contain_text(world.caller_name[0])
    expect(page.locator("dd#status")).to_contain_text(re.compile("booked", re.I))
    expect(page.locator("ol#changes li")).to_have_count(1)
    for form, button in (("#cancel-form", "Cancel appointment"), ("#reschedule-form", "Reschedule"),
                         ("#confirm-form", "Mark confirmed")):
        expect(page.locator(form).get_by_role("button", name=button)).to_be_visible()
        expect(page.locator(f"{form} input[type=hidden][name=csrf]")).to_have_count(1)
    expect(page.locator("#reschedule-form").get_by_label("New start")).to_have_attribute("type", "datetime-local")
    shot(page, request, "appointment")

    page.locator("#cancel-form").get_by_label("Reason").fill("Patient called back to cancel")
    page.locator("#cancel-form").get_by_role("button", name="Cancel appointment").click()
    expect(page).to_have_url(re.compile(rf"/console/appointments/{world.booked_id}(\?.*)?$"))
    expect(page.locator("p.notice[role=status]")).to_be_visible()
    expect(page.locator("dd#status")).to_contain_text(re.compile("cancel", re.I))
    expect(page.locator("ol#changes li")).to_have_count(2)
    shot(page, request, "appointment-cancelled")

    stored = world.rest.get(f"appointments/{world.booked_id}")
    assert stored["status"] == "cancelled" and stored["cancel_reason"] == "Patient called back to cancel", stored
    last = stored["changes"][-1]
    assert (last["action"], last["actor_kind"], last["channel"]) == ("booking.cancelled", "staff", "console"), last
    assert last["actor_id"] == f"user:{ALICE}", last

    # A caller asking for that provider and day is offered the freed time again.
    slot = world.slot
    fake.script(
        tool_calls_reply([{"id": "call_find", "name": "find_available_slots", "arguments": json.dumps({
            "service_id": world.service, "provider_id": slot["provider_id"], "location_id": None,
            "from_date": world.day.isoformat(), "to_date": world.day.isoformat(), "time_of_day": None, "limit": 10})}]),
        text_reply("I have openings that day."))
    voice_turn(world.client, world.caller, FIND_CALL, f"Anything free on {world.day}?")
    detail = world.rest.wait_call(f"call:{FIND_CALL}")
    [tool_call] = detail["turns"][0]["tool_calls"]
    assert tool_call["name"] == "find_available_slots"
    offered = json.loads(tool_call["result"])["slots"]
    assert instant(slot["start"]) in {instant(s["start"]) for s in offered}, \
        f"the freed {slot['start']} is not offered again: {[s['start'] for s in offered]}"


def test_a_slot_held_on_a_live_call_shows_as_a_hold(page, world, fake, request):
    slot = world.slot
    fake.script(
        tool_calls_reply([{"id": "call_hold", "name": "hold_slot", "arguments": json.dumps({
            "service_id": world.service, "start": slot["start"], "provider_id": slot["provider_id"],
            "location_id": None})}]),
        text_reply("I'm holding that time for you."))
    voice_turn(world.client, world.caller, HOLD_CALL, "Hold that first time for me while I check my calendar.")
    held = tool_results(fake.chat_bodies()[-1])["call_hold"]
    assert "hold_id" in held, held
    world.rest.wait_call(f"call:{HOLD_CALL}")
    go(page, world, day_path(world.day))
    hold = page.locator(f"section.provider-column[data-provider-id='{slot['provider_id']}'] li.hold")
    expect(hold).to_have_count(1)
    assert any(form in hold.inner_text() for form in clock_forms(instant(slot["start"]).astimezone(world.zone))), \
        hold.inner_text()
    shot(page, request, "day")


# ---------------------------------------------------------------------------------------------
# 4. The booking call's page


def test_the_booking_call_shows_its_tool_card_and_changed_appointment(page, world, request):
    assert world.booked_id, "needs the voice booking"
    call_id = f"call:{BOOK_CALL}"
    detail = world.rest.wait_call(call_id)
    [audited] = [t for t in detail["turns"][0]["tool_calls"] if t["name"] == "book_appointment"]
    go(page, world, "/console/calls")
    assert_signed_in_chrome(page, world)
    row = page.locator(f"table#calls tr[data-call-id='{call_id}']")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(world.caller)
    shot(page, request, "calls")

    row.locator(call_link(call_id)).first.click()
    expect(page).to_have_url(re.compile(r"/console/calls/[^/?]+$"))
    assert urllib.parse.unquote(page.url.rsplit("/", 1)[1]) == call_id, page.url
    assert_signed_in_chrome(page, world)
    main = page.locator("#main")
    expect(main).to_contain_text("dental_office")
    expect(main).to_contain_text(world.caller)
    expect(page.locator("ol#transcript li.bubble.caller")).to_contain_text(f"Book me a {world.service}")
    expect(page.locator("ol#transcript li.bubble.assistant")).to_contain_text("You're booked.")

    card = page.locator("article.tool-card[data-tool='book_appointment']")
    expect(card).to_have_count(1)
    # Parts of the card may be folded away (<details>); open them as a person would.
    folded = card.locator("details:not([open]) > summary")
    for i in range(folded.count()):
        folded.nth(0).click()
    text = card.inner_text()
    assert "book_appointment" in text, text
    arguments = json.loads(audited["arguments"])
    for name in ("service_id", "provider_id", "start"):
        assert re.search(rf'"{name}"\s*:\s*"{re.escape(arguments[name])}"', text), \
            f"the card shows the argument {name}={arguments[name]!r}: {text}"
    assert re.search(rf'"appointment_id"\s*:\s*{world.booked_id}\b', text), \
        f"the card shows the result (appointment_id {world.booked_id}): {text}"
    assert re.search(rf"\b{audited['duration_ms']}\s*ms\b", text), \
        f"the card shows the milliseconds ({audited['duration_ms']} ms): {text}"
    assert re.search(rf"\b{re.escape(audited['outcome'])}\b", text), \
        f"the card shows the outcome {audited['outcome']!r}: {text}"
    assert re.search(rf"audit\D{{0,12}}{audited['audit_id']}\b", text, re.I), \
        f"the card shows the audit id {audited['audit_id']}: {text}"
    link = page.locator(f"ul#changed-appointments a[href='/console/appointments/{world.booked_id}']")
    expect(link).to_have_count(1)
    shot(page, request, "call")

    link.click()
    expect(page).to_have_url(re.compile(rf"/console/appointments/{world.booked_id}$"))
    expect(page.locator("dd#status")).to_contain_text(re.compile("cancel", re.I))


# ---------------------------------------------------------------------------------------------
# 5. Patients


def test_patients_search_and_patient_page(page, world, request):
    created = world.rest.call("POST", "patients", DEFAULT_ONLY_PATIENT)
    assert created.status == 201, created.text
    world.state["default_only_patient"] = created.json()["id"]
    first, last = world.caller_name
    go(page, world, "/console/patients")
    assert_signed_in_chrome(page, world)
    search = page.locator("form#patient-search")
    search.get_by_label("Search").fill(last)
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"q={last}"))
    rows = page.locator("table#patients tr[data-patient-id]")
    expect(rows.filter(has_text=first)).to_have_count(1)
    shot(page, request, "patients")
    rows.filter(has_text=first).locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/console/patients/\d+$"))
    for section in ("#upcoming", "#past", "#patient-calls"):
        expect(page.locator(section)).to_have_count(1)
    expect(page.locator("#patient-calls").locator(call_link(f"call:{BOOK_CALL}"))).not_to_have_count(0)
    expect(page.get_by_role("link", name="Book an appointment")).to_have_attribute(
        "href", re.compile(r"/console/appointments/new\?patient_id=\d+"))
    shot(page, request, "patient")


# ---------------------------------------------------------------------------------------------
# 6. Exports


def read_csv(download) -> tuple[list[str], list[dict[str, str]]]:
    text = Path(download.path()).read_text(encoding="utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "the CSV is empty"
    header = rows[0]
    return header, [dict(zip(header, row)) for row in rows[1:] if row]


def id_column(header: list[str], *names: str) -> str:
    for name in header:
        if name.strip().lower() in names:
            return name
    pytest.fail(f"no id column ({names}) in the CSV header {header}")


def test_export_csv_of_appointments_and_calls(page, world, request):
    day = world.day.isoformat()
    go(page, world, "/console/appointments")
    assert_signed_in_chrome(page, world)
    expect(page.get_by_role("link", name="Book an appointment")).to_have_attribute(
        "href", re.compile(r"/console/appointments/new"))
    filters = page.locator("form#appointment-filters")
    filters.locator("[name=from]").fill(day)
    filters.locator("[name=to]").fill(day)
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"from={day}"))
    expected = {a.id for a in world.appointments_on(world.day)}
    assert world.booked_id in expected
    rows = page.locator("table#appointments tr[data-appointment-id]")
    expect(rows).to_have_count(len(expected))
    assert {int(rows.nth(i).get_attribute("data-appointment-id")) for i in range(rows.count())} == expected
    shot(page, request, "appointments")

    link = page.get_by_role("link", name="Export CSV")
    href = link.get_attribute("href")
    target = urllib.parse.urlsplit(href)
    query = urllib.parse.parse_qs(target.query)
    assert target.path == "/console/appointments/export" and query.get("format") == ["csv"], href
    assert query.get("from") == [day] and query.get("to") == [day], f"the export keeps the filters: {href}"
    with page.expect_download() as downloading:
        link.click()
    header, records = read_csv(downloading.value)
    column = id_column(header, "id", "appointment_id")
    assert {int(r[column]) for r in records} == expected, (header, records)
    assert len(records) == len(expected)
    ours = next(r for r in records if int(r[column]) == world.booked_id)
    assert any("cancel" in value.lower() for value in ours.values()), f"the status is exported: {ours}"

    go(page, world, "/console/calls")
    with sqlite3.connect(f"file:{world.server.database}?mode=ro", uri=True) as c:
        calls = {i for (i,) in c.execute("SELECT id FROM calls")}
    assert {f"call:{BOOK_CALL}", f"call:{FIND_CALL}", f"call:{HOLD_CALL}"} <= calls
    link = page.get_by_role("link", name="Export CSV")
    target = urllib.parse.urlsplit(link.get_attribute("href"))
    assert target.path == "/console/calls/export" and urllib.parse.parse_qs(target.query).get("format") == ["csv"], \
        link.get_attribute("href")
    with page.expect_download() as downloading:
        link.click()
    header, records = read_csv(downloading.value)
    column = id_column(header, "id", "call_id")
    assert {r[column] for r in records} == calls, (header, records)
    booking = next(r for r in records if r[column] == f"call:{BOOK_CALL}")
    assert any("booked" in value for value in booking.values()), f"the outcome is exported: {booking}"


# ---------------------------------------------------------------------------------------------
# 7. Phone size


def test_phone_size_day_and_call_pages(browser, alice, world, request):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, storage_state=alice.storage_state())
    page = new_page(phone)
    for name, path in (("day", day_path(world.day)), ("call", f"/console/calls/{quote_id(f'call:{BOOK_CALL}')}")):
        go(page, world, path)
        expect(page.locator("main#main")).to_be_visible()
        shot(page, request, name)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            warnings.warn(f"{path} is {overflow}px wider than a 390px phone screen (horizontal scrolling)")
    phone.close()


# ---------------------------------------------------------------------------------------------
# 8. Security: caller text is text, CSRF, sign-out, CSP


def test_caller_text_with_markup_renders_as_text(page, world, fake, request):
    fake.script(text_reply(f"You said: {XSS}"))
    voice_turn(world.client, world.caller, XSS_CALL, XSS)
    call_id = f"call:{XSS_CALL}"
    world.rest.wait_call(call_id)
    for path in ("/console/calls", f"/console/calls/{quote_id(call_id)}"):
        response = go(page, world, path)
        assert_csp(response)
        assert page.evaluate("typeof window.__pwned") == "undefined", f"markup ran on {path}"
        assert page.locator("#main img[src='x']").count() == 0, f"an <img> was injected on {path}"
    expect(page.locator("ol#transcript li.bubble.caller")).to_contain_text(XSS)
    expect(page.locator("ol#transcript li.bubble.assistant")).to_contain_text(XSS)
    assert page.locator("#transcript script").count() == 0
    shot(page, request, "call")


def test_a_withheld_claim_shows_on_the_call_page(page, world, fake, request):
    # The scripted FAKE model claims a booking no tool made, then answers honestly when told.
    fake.script(text_reply("Good news, I've booked your cleaning for Friday at 9 AM."),
                text_reply("Sorry, nothing is booked yet. Which day suits you?"))
    spoken = voice_turn(world.client, world.caller, "console-guard", "Book me a cleaning on Friday.")
    assert "booked your cleaning" not in spoken, spoken
    call = world.rest.wait_call("call:console-guard")
    # the staff API's call view carries it too
    assert [i["kind"] for i in call["turns"][0]["interventions"]] == ["unkept_claim", "corrective_round"], call["turns"][0]
    go(page, world, f"/console/calls/{quote_id('call:console-guard')}")
    guarded = page.locator("ol#transcript li.bubble.guarded")
    expect(guarded.first).to_contain_text("booked your cleaning for Friday at 9 AM")
    assert [guarded.nth(i).get_attribute("data-kind") for i in range(guarded.count())] == ["unkept claim", "corrective round"]
    expect(page.locator("ol#transcript li.bubble.assistant")).to_contain_text("nothing is booked yet")
    shot(page, request, "call")


def test_csrf_and_sign_out(browser, world, request):
    context = signed_in_context(browser, world, ALICE, ALICE_PASSWORD)
    page = new_page(context)
    target = next(a for a in world.demo if a.status == "booked")
    response = go(page, world, f"/console/appointments/{target.id}")
    assert_csp(response)
    csrf = page.locator("#cancel-form input[name=csrf]").get_attribute("value")
    assert csrf

    # The session cookie alone does not make a POST: without (or with a wrong) csrf it is 403.
    for form in ({"reason": "forged"}, {"reason": "forged", "csrf": "not-the-token"}):
        forged = context.request.post(world.url(f"/console/appointments/{target.id}/cancel"), form=form,
                                      max_redirects=0)
        assert forged.status == 403, f"POST cancel with {sorted(form)}: {forged.status}"
    assert world.rest.get(f"appointments/{target.id}")["status"] == "booked"
    for action in ("confirm", "reschedule"):
        forged = context.request.post(world.url(f"/console/appointments/{target.id}/{action}"),
                                      form={"start": "2030-01-01T09:00"}, max_redirects=0)
        assert forged.status == 403, f"POST {action} without csrf: {forged.status}"
    forged = context.request.post(world.url("/console/appointments"), max_redirects=0, form={
        "patient_id": "1", "service_id": world.service, "start": f"{world.day}T09:00"})
    assert forged.status == 403, f"POST book without csrf: {forged.status}"
    forged = context.request.post(world.url("/console/logout"), form={}, max_redirects=0)
    assert forged.status == 403, f"POST logout without csrf: {forged.status}"

    session = next(c for c in context.cookies() if c["name"] == "fd_session")["value"]
    page.locator("#logout-form").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/console/login"))
    shot(page, request, "signed-out")
    # The old session is gone on the server too, not just in the browser.
    replay = http_request(world.server.url, "GET", "/console", headers={"Cookie": f"fd_session={session}"})
    assert replay.status == 303 and replay.headers.get("location", "").endswith("/console/login"), replay.status
    replay = http_request(world.server.url, "GET", "/console/events", headers={"Cookie": f"fd_session={session}"},
                          timeout=5)
    assert replay.status == 401, replay.status
    response = page.goto(world.url("/console"))
    expect(page).to_have_url(re.compile(r"/console/login"))
    assert_csp(response)
    # The login form is a POST form too.
    forged = context.request.post(world.url("/console/login"), form={"username": ALICE, "password": ALICE_PASSWORD},
                                  max_redirects=0)
    assert forged.status == 403, f"POST login without csrf: {forged.status}"
    context.close()


# ---------------------------------------------------------------------------------------------
# 9. Another business sees nothing of this one


def test_a_user_of_another_business_sees_none_of_its_data(browser, world, request):
    assert world.booked_id and "default_only_patient" in world.state, "needs the earlier tests' data"
    frontdesk_cli(world.server, "business", "add", "uptown", "--import", "env/business.example.json")
    Rest(world.server, create_key(world.server, "uptown")).wait_ready()   # the server has read the registry
    add_user(world.server, BOB, "uptown", BOB_PASSWORD)
    context = signed_in_context(browser, world, BOB, BOB_PASSWORD)
    page = new_page(context)

    go(page, world, day_path(world.day))
    assert_signed_in_chrome(page, world)
    expect(page.locator("li.appointment")).to_have_count(0)
    shot(page, request, "day")
    go(page, world, f"/console/appointments?from={world.day}&to={world.day}")
    # The page rendered and said so (an empty list shows its message, not an empty table).
    expect(page.locator("#main")).to_contain_text("No appointments match.")
    expect(page.locator("table#appointments tr[data-appointment-id]")).to_have_count(0)
    go(page, world, "/console/appointments")
    expect(page.locator("table#appointments tr[data-appointment-id]")).to_have_count(0)
    shot(page, request, "appointments")
    go(page, world, "/console/calls")
    expect(page.locator("#main")).to_contain_text("No calls match.")
    expect(page.locator("table#calls tr[data-call-id]")).to_have_count(0)
    shot(page, request, "calls")
    go(page, world, "/console/patients?q=Defaultonly")
    expect(page.locator("table#patients tr[data-patient-id]")).to_have_count(0)
    go(page, world, "/console/patients")
    expect(page.locator("#main")).not_to_contain_text("Defaultonly")
    shot(page, request, "patients")

    for path in (f"/console/appointments/{world.booked_id}", f"/console/appointments/{world.demo[0].id}",
                 f"/console/calls/{quote_id(f'call:{BOOK_CALL}')}",
                 f"/console/patients/{world.state['default_only_patient']}"):
        go(page, world, path, status=404)
    # And bob's exports hold none of it either.
    exported = context.request.get(world.url(f"/console/appointments/export?format=csv&from={world.day}&to={world.day}"))
    assert exported.status == 200
    assert len([line for line in exported.text().splitlines() if line.strip()]) == 1, exported.text()
    exported = context.request.get(world.url("/console/calls/export?format=csv"))
    assert exported.status == 200 and "call:" not in exported.text(), exported.text()
    context.close()


# ---------------------------------------------------------------------------------------------
# 10. Login throttling (a server of its own: failures count per client address too)


def test_five_wrong_passwords_lock_the_sixth_attempt(browser, start_frontdesk, request):
    server = start_frontdesk({})
    add_user(server, CAROL, "default", CAROL_PASSWORD)
    context = browser.new_context()
    page = new_page(context)
    for attempt in range(1, 6):
        response = login(page, server.url, CAROL, f"wrong-password-{attempt}")
        assert response.status == 401, f"wrong password #{attempt}: {response.status}"
        expect(page.locator("p.error[role=alert]")).to_have_text("Wrong username or password.")
    shot(page, request, "wrong-password")
    response = login(page, server.url, CAROL, CAROL_PASSWORD)
    assert response.status == 429, f"sixth attempt with the right password: {response.status}"
    expect(page.locator("p.error[role=alert]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/console/login"))
    assert not [c for c in context.cookies() if c["name"] == "fd_session"], "no session after a refused attempt"
    shot(page, request, "throttled")
    context.close()


# ---------------------------------------------------------------------------------------------
# 11. No script errors or CSP violations on any page of the console


def test_no_script_errors_or_csp_violations_on_any_page():
    assert PROBLEMS.entries == [], "\n".join(PROBLEMS.entries)
