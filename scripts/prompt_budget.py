#!/usr/bin/env python3
"""What FrontDesk sends the upstream model on a call's first turn, part by part, in tokens:
the persona's system message, the tool schemas (each), the live context and the caller's words,
and the share that is a stable prefix (the same bytes on every turn of the call).

    scripts/prompt_budget.py                               estimated tokens (characters / 4)
    scripts/prompt_budget.py --tokenizer http://127.0.0.1:8081
                                                           exact tokens from a llama-server's /tokenize
    scripts/prompt_budget.py --persona salon_spa --caller +12125550101 --bin .build/debug

The turn is played through the real `frontdesk serve` against the scripted FAKE upstream, which
records the request; nothing else is needed.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def conversations():
    spec = importlib.util.spec_from_file_location("conversations", REPO / "scripts" / "conversations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def counter(tokenizer: str | None):
    if not tokenizer:
        return (lambda text: round(len(text) / 4)), "≈ tokens (characters / 4)"

    def count(text: str) -> int:
        request = urllib.request.Request(tokenizer.rstrip("/") + "/tokenize", data=json.dumps({"content": text}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return len(json.load(response)["tokens"])
    return count, f"tokens ({tokenizer}/tokenize)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persona", default="dental_office")
    parser.add_argument("--caller", default="+12125550101", help="the caller's number (default: a demo patient)")
    parser.add_argument("--say", default="Hi, I'd like to book a cleaning next week.")
    parser.add_argument("--tokenizer", help="a llama-server base URL whose /tokenize counts exactly")
    parser.add_argument("--bin", type=Path, default=REPO / ".build" / "debug")
    args = parser.parse_args()
    runner = conversations()
    count, unit = counter(args.tokenizer)

    import openai
    fake = runner.Fake(args.bin)
    with tempfile.TemporaryDirectory(prefix="frontdesk-prompt-budget-") as work:
        server = runner.FrontDesk(args.bin, Path(work), fake.url + "/v1", "scripted-model", "sk-not-needed")
        try:
            fake.script([{"type": "text", "text": "Sure."}])
            client = openai.OpenAI(base_url=server.url + "/v1", api_key=runner.CLIENT_KEY, max_retries=0)
            client.chat.completions.create(
                model=f"frontdesk/{args.persona}", messages=[{"role": "user", "content": args.say}],
                extra_body={"extra_metadata": {"telnyx_conversation_id": "prompt-budget", "telnyx_end_user_target": args.caller}})
            body = fake.chat_bodies()[0]
        finally:
            server.stop()
            fake.stop()

    messages = body["messages"]
    system = messages[0]["content"] if messages[0]["role"] == "system" else ""
    live = next((m["content"] for m in messages[1:] if m["role"] == "system"), "")
    rest = [m for m in messages[1:] if m["content"] != live or m["role"] != "system"]
    tools = body.get("tools", [])
    rows = [("System message (persona + business)", count(system))]
    tool_rows = [(f"  {t['function']['name']}", count(json.dumps(t))) for t in tools]
    rows.append((f"Tool schemas ({len(tools)})", sum(n for _, n in tool_rows)))
    rows.append(("Live context", count(live)))
    rows.append(("The caller's words", sum(count(json.dumps(m)) for m in rest)))
    total = sum(n for _, n in rows)
    stable = rows[0][1] + rows[1][1]
    print(f"## What a first turn sends ({args.persona}, {unit})\n")
    print("| Part | Tokens | Share |\n|---|---|---|")
    for name, n in rows[:2] + tool_rows + rows[2:]:
        print(f"| {name} | {n} | {100 * n / max(1, total):.0f}% |")
    print(f"| **Total** | **{total}** | |")
    print(f"\nStable prefix (the same on every turn of the call): {stable} of {total} ({100 * stable / max(1, total):.0f}%).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
