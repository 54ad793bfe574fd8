"""The practice's documents end to end: `frontdesk knowledge add` and `search` on the real binary,
and a running server (in front of `scripted-upstream`, a FAKE upstream LLM) that puts a strong
match for the caller's words into the live context of its very next turn."""
import pytest

from conftest import StaffApi, post_chat, text_reply, upstream_env


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake))


def test_a_document_added_with_the_cli_is_searched_and_reaches_the_live_context(server, fake, tmp_path):
    # Given an operator drops in a pre-visit document (the seeded demo already has three)
    document = tmp_path / "sedation.md"
    document.write_text("# Sedation options\n\nWe offer nitrous oxide, known as laughing gas, for anxious patients.\n")
    added = server.cli("knowledge", "add", str(document))
    assert 'Added document 4 "Sedation options" from sedation.md: 1 passage.' in added, added
    # When the same file name comes in again it replaces the document, keeping its id
    document.write_text("# Sedation options\n\nNitrous oxide (laughing gas) is available for anxious patients, at no extra cost.\n")
    assert 'Replaced document 4 "Sedation options"' in server.cli("knowledge", "add", str(document))
    assert server.cli("knowledge", "list").count("sedation.md") == 1
    # Then search finds the new text, and caller text full of FTS5 syntax is only words
    found = server.cli("knowledge", "search", 'Do you have "laughing gas"* NEAR( OR anything?')
    assert "Sedation options" in found and "at no extra cost" in found, found
    assert "Strong match" in found
    assert server.cli("knowledge", "search", "xylophone").strip() == "Nothing found."
    # and the running server's next turn carries the passage in its live context
    fake.script(text_reply("Yes, laughing gas is available."))
    result = post_chat(server.url, {"model": "frontdesk/default",
                                    "messages": [{"role": "user", "content": "Can I get laughing gas? I'm an anxious patient."}]})
    assert result.status == 200, result.text
    live = [m["content"] for m in fake.chat_bodies()[-1]["messages"][1:] if m["role"] == "system"]
    assert any("Possibly relevant from the practice's documents: Sedation options: Nitrous oxide" in text for text in live), live


def test_the_staff_api_adds_replaces_searches_and_removes_documents(server):
    api = StaffApi.for_server(server)
    # A new source name is 201, the same one again replaces it in place (200, same id)
    added = api.ok("POST", "knowledge", {"source_name": "payment-plans.md", "body": "# Payment plans\n\nSpread larger treatment over twelve months, interest free."},
                   expect=201)
    assert added["title"] == "Payment plans" and added["passages"] == 1
    again = api.ok("POST", "knowledge", {"source_name": "payment-plans.md", "title": "Financing", "body": "Twelve monthly payments, interest free."})
    assert again["id"] == added["id"] and again["title"] == "Financing"
    # Search answers like the CLI, strong-match flag included; bad input is our JSON error shape
    found = api.get("knowledge/search", q="can I pay in monthly payments interest free?")
    assert found["data"][0]["title"] == "Financing" and found["strong_match"] is True, found
    assert api.get("knowledge/search", q='"NEAR*(')["data"] == []
    assert api.call("GET", "knowledge/search").json()["error"]["param"] == "q"
    refused = api.call("POST", "knowledge", {"source_name": "blank.md", "body": "\n\n"})
    assert refused.status == 400 and refused.json()["error"]["param"] == "body"
    # Removing it takes it out of the list and of search
    api.ok("DELETE", f"knowledge/{added['id']}", expect=204)
    assert added["id"] not in [d["id"] for d in api.get("knowledge")["data"]]
    assert api.call("DELETE", f"knowledge/{added['id']}").status == 404
