"""Without any upstream configuration the server still starts; completions explain what to set."""
import pytest

from conftest import assert_openai_error, http_request, post_chat


@pytest.fixture(scope="module")
def server(start_frontdesk):
    # conftest scrubs UPSTREAM_*, OPENAI_* and FRONTDESK_* from the inherited environment.
    return start_frontdesk({})


def test_health_answers_without_upstream_config(server):
    assert http_request(server.url, "GET", "/health").status == 200


@pytest.mark.parametrize("stream", [False, True])
def test_completion_without_upstream_key_is_503_naming_the_variable(server, stream):
    result = post_chat(server.url, {"model": "frontdesk/default", "stream": stream,
                                    "messages": [{"role": "user", "content": "Hello?"}]})
    error = assert_openai_error(result, 503)
    assert "UPSTREAM_API_KEY" in error["message"], error["message"]
