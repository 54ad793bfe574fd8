"""W6/W7: the official openai SDK against FrontDesk, with the scripted fake as the upstream."""
import json

import pytest

from conftest import (
    UPSTREAM_MODEL, post_chat, text_reply, tool_calls_reply, upstream_env, validate_openai,
)

MODEL = "frontdesk/dental_office"
USER = [{"role": "user", "content": "Hi, I'd like to book a cleaning next week."}]

TRANSFER_TOOL = {
    "type": "function",
    "function": {
        "name": "transfer_call",
        "description": "Transfer the caller to a human at the front desk.",
        "parameters": {
            "type": "object",
            "properties": {
                "reason": {"type": "string"},
                "department": {"type": "string", "enum": ["billing", "clinical", "front_desk"]},
            },
            "required": ["reason"],
        },
    },
}
END_CALL_TOOL = {
    "type": "function",
    "function": {
        "name": "end_call",
        "description": "Hang up politely.",
        "parameters": {"type": "object", "properties": {"summary": {"type": "string"}}},
    },
}
TRANSFER_ARGS = json.dumps({"reason": "Caller asks about a bill from \"last March\" — needs a human",
                            "department": "billing"})
END_ARGS = json.dumps({"summary": "Transferred to billing."})


@pytest.fixture(scope="module")
def server(start_frontdesk, fake):
    return start_frontdesk(upstream_env(fake))


@pytest.fixture(scope="module")
def client(server):
    return server.openai_client()


def test_sdk_non_streaming_parses_and_validates_and_upstream_gets_persona(server, client, fake):
    text = "Sure, I can help you book a cleaning. Which day works best for you?"
    fake.script(text_reply(text), text_reply(text))

    completion = client.chat.completions.create(model=MODEL, messages=USER)
    assert completion.choices[0].message.content == text
    assert completion.choices[0].finish_reason == "stop"
    assert completion.object == "chat.completion"

    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=USER)
    assert raw.status_code == 200
    validate_openai.validate_response(json.loads(raw.text))

    bodies = fake.chat_bodies()
    assert len(bodies) == 2
    upstream = bodies[0]
    assert upstream["model"] == UPSTREAM_MODEL
    first = upstream["messages"][0]
    assert first["role"] == "system"
    business = server.business_name()
    assert business in json.dumps(first["content"]), f"{business!r} not in the system prompt"
    # the turn's live context (time, caller, open slots), then the user's message last
    assert upstream["messages"][-1] == USER[0]
    assert upstream["messages"][-2]["role"] == "system" and upstream["messages"][-2]["content"].startswith("LIVE CONTEXT")


def test_sdk_streaming_text_and_raw_sse_validate(server, client, fake):
    text = "We have an opening on Tuesday at ten in the morning with Doctor Patel."
    fake.script(text_reply(text), text_reply(text))

    stream = client.chat.completions.create(model=MODEL, messages=USER, stream=True)
    pieces, finish = [], None
    for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    assert "".join(pieces) == text
    assert finish == "stop"

    raw = post_chat(server.url, {"model": MODEL, "messages": USER, "stream": True})
    assert raw.status == 200, raw.text
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert validate_openai.validate_sse(raw.text) >= 2
    assert raw.text.rstrip().endswith("data: [DONE]")
    joined = "".join(
        c["delta"].get("content") or ""
        for e in raw.sse_events()[:-1] for c in json.loads(e)["choices"]
    )
    assert joined == text


def test_sdk_streaming_include_usage_yields_final_usage_chunk(server, client, fake):
    fake.script(text_reply("Your appointment is confirmed."), text_reply("Your appointment is confirmed."))
    chunks = list(client.chat.completions.create(
        model=MODEL, messages=USER, stream=True, stream_options={"include_usage": True}))
    last = chunks[-1]
    assert last.usage is not None, chunks[-3:]
    assert last.choices == []
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    assert all(c.usage is None for c in chunks[:-1] if c.choices)

    raw = post_chat(server.url, {"model": MODEL, "messages": USER, "stream": True,
                                 "stream_options": {"include_usage": True}})
    validate_openai.validate_sse(raw.text)
    events = raw.sse_events()
    assert json.loads(events[-2]).get("usage"), events[-2]


def test_sdk_streaming_deltas_arrive_incrementally(server, client, fake):
    fake.set_chunk_delay(150)
    text = "one two three four five six seven eight"
    fake.script(text_reply(text))
    import time
    started = time.monotonic()
    times = []
    pieces = []
    for chunk in client.chat.completions.create(model=MODEL, messages=USER, stream=True):
        for choice in chunk.choices:
            if choice.delta.content:
                times.append(time.monotonic() - started)
                pieces.append(choice.delta.content)
    assert "".join(pieces) == text
    assert len(times) >= 4, pieces
    # 8 words, 150 ms apart upstream: a buffering proxy would deliver them all at once.
    assert times[-1] - times[0] >= 0.6, times
    assert times[0] < times[-1] - 0.6, times


def assemble_tool_calls(chunks):
    """Assemble streamed tool-call deltas the way OpenAI clients do (strings concatenated by index)."""
    calls, finish = {}, None
    for chunk in chunks:
        for choice in chunk.choices:
            finish = choice.finish_reason or finish
            for delta in choice.delta.tool_calls or []:
                call = calls.setdefault(delta.index, {"id": None, "name": "", "arguments": ""})
                if delta.id:
                    call["id"] = call["id"] or delta.id
                if delta.function:
                    call["name"] += delta.function.name or ""
                    call["arguments"] += delta.function.arguments or ""
    return [calls[i] for i in sorted(calls)], finish


@pytest.mark.parametrize("shape", ["fragments", "repeated", "whole", "interleaved"])
def test_sdk_streamed_client_tool_call_deltas_assemble(server, client, fake, shape):
    scripted = [{"id": "call_transfer_1", "name": "transfer_call", "arguments": TRANSFER_ARGS}]
    if shape == "interleaved":
        scripted.append({"id": "call_end_2", "name": "end_call", "arguments": END_ARGS})
    fake.script(tool_calls_reply(scripted, shape))

    chunks = list(client.chat.completions.create(
        model=MODEL, messages=USER, stream=True, tools=[TRANSFER_TOOL, END_CALL_TOOL]))
    calls, finish = assemble_tool_calls(chunks)
    assert finish == "tool_calls"
    assert [(c["id"], c["name"], json.loads(c["arguments"])) for c in calls] == [
        (s["id"], s["name"], json.loads(s["arguments"])) for s in scripted
    ]
    # The client's tools were offered upstream.
    names = [t["function"]["name"] for t in fake.chat_bodies()[0].get("tools", [])]
    assert "transfer_call" in names and "end_call" in names


@pytest.mark.parametrize("shape", ["fragments", "interleaved"])
def test_sdk_streamed_tool_call_raw_sse_validates(server, fake, shape):
    fake.script(tool_calls_reply(
        [{"id": "call_a", "name": "transfer_call", "arguments": TRANSFER_ARGS},
         {"id": "call_b", "name": "end_call", "arguments": END_ARGS}], shape))
    raw = post_chat(server.url, {"model": MODEL, "messages": USER, "stream": True,
                                 "tools": [TRANSFER_TOOL, END_CALL_TOOL]})
    assert raw.status == 200, raw.text
    validate_openai.validate_sse(raw.text)
    assert raw.sse_events()[-1] == "[DONE]"


def test_sdk_non_streaming_client_tool_calls(server, client, fake):
    scripted = [{"id": "call_transfer_1", "name": "transfer_call", "arguments": TRANSFER_ARGS},
                {"id": "call_end_2", "name": "end_call", "arguments": END_ARGS}]
    fake.script(tool_calls_reply(scripted, "fragments"), tool_calls_reply(scripted, "whole"))
    completion = client.chat.completions.create(model=MODEL, messages=USER, tools=[TRANSFER_TOOL, END_CALL_TOOL])
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert [(t.id, t.type, t.function.name, json.loads(t.function.arguments)) for t in choice.message.tool_calls] == [
        (s["id"], "function", s["name"], json.loads(s["arguments"])) for s in scripted
    ]
    raw = post_chat(server.url, {"model": MODEL, "messages": USER, "tools": [TRANSFER_TOOL, END_CALL_TOOL]})
    assert raw.status == 200, raw.text
    validate_openai.validate_response(raw.json())
