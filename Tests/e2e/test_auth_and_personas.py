"""A1, A5, A7: API keys, secrets kept out of logs, persona selection that cannot escape personas/."""
import pytest

from conftest import UPSTREAM_KEY, assert_openai_error, post_chat, text_reply, upstream_env, validate_openai

KEY_1 = "fdk_e2e_key_one_Zq81mVx4Lr7pTw2Nc6Hs"
KEY_2 = "fdk_e2e_key_two_Ub53kYe9Qa0jRf8Mx1Dg"
WRONG_KEY = "fdk_e2e_wrong_key_Pw4Tn7Cz2Lq9Vb6Hs3"
HELLO = [{"role": "user", "content": "Hello, I need to move my appointment."}]


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake, FRONTDESK_API_KEYS=f"{KEY_1},{KEY_2}"))


def chat(server, key=None, model="frontdesk/default", headers=None, path="/v1/chat/completions", stream=False):
    all_headers = {"Authorization": f"Bearer {key}"} if key else {}
    all_headers.update(headers or {})
    return post_chat(server.url, {"model": model, "messages": HELLO, "stream": stream}, headers=all_headers, path=path)


# A1 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {}, {"Authorization": f"Bearer {WRONG_KEY}"}, {"Authorization": KEY_1}, {"Authorization": f"Basic {KEY_1}"},
    {"Authorization": "Bearer "}, {"Authorization": f"Bearer {KEY_1}x"},
], ids=["none", "wrong", "no-scheme", "basic", "empty", "prefix-of-longer"])
def test_a1_missing_or_wrong_key_is_401_and_upstream_never_called(server, fake, headers):
    fake.script(text_reply("should never be sent"))
    result = post_chat(server.url, {"model": "frontdesk/default", "messages": HELLO}, headers=headers)
    assert_openai_error(result, 401)
    assert fake.requests(path=None) == [], "the upstream must not be called"


def test_a1_models_endpoint_also_needs_a_key(server):
    from conftest import http_request
    assert_openai_error(http_request(server.url, "GET", "/v1/models"), 401)
    ok = http_request(server.url, "GET", "/v1/models", headers={"Authorization": f"Bearer {KEY_1}"})
    assert ok.status == 200
    assert "frontdesk/default" in [m["id"] for m in ok.json()["data"]]


@pytest.mark.parametrize("stream", [False, True])
def test_a1_second_configured_key_is_accepted(server, fake, stream):
    fake.script(text_reply("Sure, let me look that up."))
    result = chat(server, KEY_2, stream=stream)
    assert result.status == 200, result.text
    if stream:
        validate_openai.validate_sse(result.text)
    else:
        validate_openai.validate_response(result.json())
    [recorded] = fake.requests()
    assert recorded["authorization"] == f"Bearer {UPSTREAM_KEY}", "the upstream gets our key, not the client's"


# A5 -------------------------------------------------------------------------------------------

def test_a5_log_never_holds_api_keys(server, fake):
    fake.script(text_reply("One moment."), text_reply("One moment."))
    assert chat(server, KEY_1).status == 200
    assert chat(server, KEY_1, stream=True).status == 200
    assert chat(server, WRONG_KEY).status == 401
    log = server.log_text()
    assert log.strip(), "expected the server to log something at LOG_LEVEL=info"
    for secret in (KEY_1, KEY_2, WRONG_KEY, UPSTREAM_KEY):
        assert secret not in log, f"{secret} appears in the server log"
    assert "Bearer fdk_" not in log


# A7 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["../etc/passwd", "../../../../etc/passwd", "..", "/etc/passwd",
                                     "default/../../README", "%2e%2e%2fetc%2fpasswd"])
def test_a7_persona_header_cannot_leave_personas_dir(server, fake, persona):
    result = chat(server, KEY_1, headers={"X-FrontDesk-Persona": persona})
    assert_openai_error(result, 400)
    assert "root:" not in result.text
    assert fake.requests() == []


def test_a7_unknown_persona_query_is_400_listing_known_personas(server, fake):
    result = chat(server, KEY_1, path="/v1/chat/completions?persona=nope")
    error = assert_openai_error(result, 400)
    for known in ("default", "dental_office", "medical_clinic", "salon_spa"):
        assert known in error["message"], error["message"]
    assert fake.requests() == []


def test_a7_unknown_model_persona_is_400(server, fake):
    result = chat(server, KEY_1, model="frontdesk/nope")
    error = assert_openai_error(result, 400)
    assert "dental_office" in error["message"], error["message"]
    assert fake.requests() == []


def test_a7_known_persona_via_header_and_query_is_used(server, fake):
    fake.script(text_reply("Hello from the salon."), text_reply("Hello from the clinic."))
    assert chat(server, KEY_1, headers={"X-FrontDesk-Persona": "salon_spa"}).status == 200
    assert chat(server, KEY_1, path="/v1/chat/completions?persona=medical_clinic").status == 200
    salon, clinic = fake.chat_bodies()
    assert salon["messages"][0]["role"] == "system" and clinic["messages"][0]["role"] == "system"
    assert salon["messages"][0]["content"] != clinic["messages"][0]["content"]


def test_persona_check_reports_unknown_placeholders_and_stage_tools_frontdesk_lacks(tmp_path):
    import os
    import subprocess

    from conftest import REPO, executable

    def check(directory) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UPSTREAM_", "FRONTDESK_", "PERSONA"))}
        env["PERSONAS_DIR"] = str(directory)
        return subprocess.run([str(executable("frontdesk")), "persona", "check", "--env", "test"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)

    # The shipped personas, the staged dental_office among them, check out
    shipped = check(REPO / "personas")
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    assert "dental_office: ok" in shipped.stdout
    # A stage naming a tool FrontDesk lacks is reported (a client tool may be meant), a typo'd placeholder fails
    (tmp_path / "typos.txt").write_text(
        "Hello from {{business_nme}}.\n\n--- stage start ---\ntools: find_available_slots, bok_appointment\nGo.\n")
    found = check(tmp_path)
    assert found.returncode == 1, found.stdout + found.stderr
    assert "typos: unknown placeholder(s) {{business_nme}}" in found.stdout
    assert "typos: stage tools FrontDesk does not have (a client tool is fine): start: bok_appointment" in found.stdout
