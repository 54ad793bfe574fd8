#!/usr/bin/env bash
# Exposes a locally running FrontDesk over HTTPS with ngrok, so a telephony provider can reach it.
#
#   scripts/setup-ngrok.sh [PORT]          (default: $PORT, else 8000)
#
# If ngrok is installed, starts `ngrok http PORT` (or reuses an agent already running), prints
# the public https URL from ngrok's local API (127.0.0.1:4040) and the Base URL to give Telnyx,
# then keeps running until Ctrl-C. If ngrok is not installed, explains the alternatives.
# This script never downloads anything.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

port=${1:-${PORT:-8000}}
api=http://127.0.0.1:4040/api/tunnels

print_next_steps() {
    local url=$1
    cat <<MSG

Public URL: $url

Point your telephony provider at it:
  Telnyx      AI Assistant -> Custom LLM: Base URL  $url/v1
              API key: one of FRONTDESK_API_KEYS (or your OpenAI key when
              UPSTREAM_FORWARD_CLIENT_KEY=true)
  Vapi        model provider custom-llm, url  $url/v1
  ElevenLabs  Custom LLM server URL  $url/v1

Check it from here:  FRONTDESK_API_KEY=<key> scripts/test-local.sh $url
MSG
    if [ -z "${FRONTDESK_API_KEYS:-}" ]; then
        cat <<MSG

WARNING: FRONTDESK_API_KEYS is not set in this shell. The tunnel makes the server public
even though it listens on 127.0.0.1. Unless the server's environment sets FRONTDESK_API_KEYS,
anyone with this URL can use your upstream LLM key and the calendar. Set it and restart:
  export FRONTDESK_API_KEYS=\$(openssl rand -hex 32)
MSG
    fi
}

# The https public_url from ngrok's API answer on stdin (python3 when present, else grep).
public_url() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import json, sys
tunnels = json.load(sys.stdin).get("tunnels", [])
urls = [t.get("public_url", "") for t in tunnels]
print(next((u for u in urls if u.startswith("https://")), ""))' 2>/dev/null || true
    else
        grep -o '"public_url" *: *"https://[^"]*"' | head -1 | sed 's/.*"\(https:[^"]*\)"/\1/'
    fi
}

if ! command -v ngrok >/dev/null 2>&1; then
    cat <<MSG
ngrok is not installed (this script does not download it).

Any HTTPS endpoint that forwards to http://127.0.0.1:$port works. Options:
  - ngrok: install it following https://ngrok.com/download (it has an apt repository),
    run \`ngrok config add-authtoken <your token>\` once, then run this script again.
  - Another tunnel, e.g. Cloudflare Tunnel: \`cloudflared tunnel --url http://127.0.0.1:$port\`.
  - On a server with a domain name: a reverse proxy with TLS (Caddy, nginx, a cloud load
    balancer) forwarding to FrontDesk. Start FrontDesk with \`scripts/start-local.sh production\`
    (HOST=0.0.0.0) only behind that proxy, or keep HOST=127.0.0.1 and proxy to it locally.

Then give the telephony provider https://<your-host>/v1 as the Base URL:
  Telnyx: AI Assistant -> Custom LLM, Base URL https://<your-host>/v1, API key = one of
  FRONTDESK_API_KEYS. Vapi: custom-llm url https://<your-host>/v1. ElevenLabs: Custom LLM
  server URL https://<your-host>/v1.
Set FRONTDESK_API_KEYS before exposing the server to the internet.
MSG
    exit 1
fi

if ! curl -fsS --max-time 3 "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
    echo "setup-ngrok: nothing answers http://127.0.0.1:$port/health yet;"
    echo "             start the server with scripts/start-local.sh (the tunnel works once it is up)."
fi

# Reuse an agent that is already running.
existing=$(curl -fsS --max-time 2 "$api" 2>/dev/null | public_url || true)
if [ -n "$existing" ]; then
    echo "setup-ngrok: an ngrok agent is already running (check it forwards to port $port):"
    print_next_steps "$existing"
    exit 0
fi

log=$(mktemp)
ngrok http "$port" --log=stdout >"$log" 2>&1 &
ngrok_pid=$!
trap 'kill "$ngrok_pid" 2>/dev/null || true; rm -f "$log"' EXIT
trap 'exit 130' INT TERM

url=
for _ in $(seq 1 30); do
    if ! kill -0 "$ngrok_pid" 2>/dev/null; then
        echo "setup-ngrok: ngrok exited. Its log:" >&2
        tail -n 20 "$log" >&2
        echo "If it asks for an authtoken: ngrok config add-authtoken <your token>" >&2
        exit 1
    fi
    url=$(curl -fsS --max-time 2 "$api" 2>/dev/null | public_url || true)
    [ -n "$url" ] && break
    sleep 0.5
done

if [ -z "$url" ]; then
    echo "setup-ngrok: ngrok started but reported no https tunnel within 15 s. Its log:" >&2
    tail -n 20 "$log" >&2
    exit 1
fi

print_next_steps "$url"
echo
echo "ngrok is running (pid $ngrok_pid). Press Ctrl-C to stop the tunnel."
wait "$ngrok_pid"
