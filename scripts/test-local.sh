#!/usr/bin/env bash
# Smoke-tests a running FrontDesk server with curl.
#
#   scripts/test-local.sh [BASE_URL]        (default http://127.0.0.1:8000)
#
# Set FRONTDESK_API_KEY to send `Authorization: Bearer $FRONTDESK_API_KEY` (needed when the
# server has FRONTDESK_API_KEYS). FRONTDESK_PERSONA picks the persona (default: default).
# Without an upstream key the server answers completions with a 503 that names the variables
# to set; this script reports that as "upstream not configured" instead of failing.
# Prints PASS / FAIL / SKIP per check and exits non-zero if any check failed.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

base_url=${1:-http://127.0.0.1:8000}
base_url=${base_url%/}
base_url=${base_url%/v1}   # accept the Base URL you would give Telnyx, too
persona=${FRONTDESK_PERSONA:-default}

command -v curl >/dev/null 2>&1 || { echo "test-local: curl is required (scripts/ensure-deps.sh installs it)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

auth=()
if [ -n "${FRONTDESK_API_KEY:-}" ]; then
    auth=(-H "Authorization: Bearer $FRONTDESK_API_KEY")
fi

failures=0
pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }
skip() { printf 'SKIP  %s\n' "$1"; }
indent() { sed 's/^/      /'; }

# The "message" field of an OpenAI error body, without needing jq or python.
error_message() { [ -f "$1" ] || return 0; grep -o '"message" *: *"[^"]*"' "$1" | head -1 | sed 's/^"message" *: *"//; s/"$//'; }

# Interprets a non-200 completion answer. Returns 0 when it is the expected
# "upstream not configured" 503, 1 otherwise.
explain_error() {
    local name=$1 status=$2 body=$3 message
    message=$(error_message "$body")
    if [ "$status" = 503 ] && [ -f "$body" ] && grep -qE 'UPSTREAM_API_KEY|OPENAI_API_KEY|UPSTREAM_FORWARD_CLIENT_KEY' "$body"; then
        skip "$name: upstream not configured (503): ${message:-see body}"
        echo "      Set UPSTREAM_API_KEY or OPENAI_API_KEY (or UPSTREAM_FORWARD_CLIENT_KEY=true) and restart."
        return 0
    fi
    case "$status" in
        000) fail "$name: no answer from $base_url (is the server running?)" ;;
        401) fail "$name: 401 unauthorized: set FRONTDESK_API_KEY to one of the server's FRONTDESK_API_KEYS" ;;
        *)   fail "$name: HTTP $status: ${message:-$(head -c 400 "$body" 2>/dev/null)}" ;;
    esac
    return 1
}

echo "FrontDesk smoke test against $base_url (persona: $persona)"

# 1. Health ---------------------------------------------------------------------------------
status=$(curl -sS -o "$tmp/health" -w '%{http_code}' --max-time 10 "$base_url/health" 2>"$tmp/err" || true)
if [ "$status" = 200 ]; then
    pass "GET /health"
    indent < "$tmp/health"; echo
else
    fail "GET /health: HTTP ${status:-000} $(cat "$tmp/err")"
    echo "      Is the server running? Start it with scripts/start-local.sh"
fi

# 2. Models ---------------------------------------------------------------------------------
status=$(curl -sS -o "$tmp/models" -w '%{http_code}' --max-time 10 "${auth[@]}" "$base_url/v1/models" 2>"$tmp/err" || true)
if [ "$status" = 200 ] && grep -q '"frontdesk/' "$tmp/models"; then
    pass "GET /v1/models"
    grep -o '"id" *: *"[^"]*"' "$tmp/models" | sed 's/^"id" *: *//' | indent
elif [ "$status" = 200 ]; then
    fail "GET /v1/models: 200 but no frontdesk/<persona> model ids"
else
    explain_error "GET /v1/models" "${status:-000}" "$tmp/models" || true
fi

# 3. JSON completion ------------------------------------------------------------------------
request() {
    local stream=$1
    printf '{"model":"frontdesk/%s","stream":%s,"messages":[{"role":"user","content":"Hi, when are you open today?"}]}' \
        "$persona" "$stream"
}

status=$(curl -sS -o "$tmp/json" -w '%{http_code}' --max-time 60 "${auth[@]}" \
    -H 'Content-Type: application/json' -d "$(request false)" \
    "$base_url/v1/chat/completions" 2>"$tmp/err" || true)
if [ "$status" = 200 ] && grep -q '"chat.completion"' "$tmp/json"; then
    pass "POST /v1/chat/completions (JSON)"
    grep -o '"content" *: *"[^"]*"' "$tmp/json" | head -1 | sed 's/^"content" *: *//' | indent
elif [ "$status" = 200 ]; then
    fail "POST /v1/chat/completions (JSON): 200 but not a chat.completion: $(head -c 400 "$tmp/json")"
else
    explain_error "POST /v1/chat/completions (JSON)" "${status:-000}" "$tmp/json" || true
fi

# 4. Streaming completion (SSE) -------------------------------------------------------------
echo "      streaming with curl -N; data lines as they arrive:"
set +e
curl -sS -N --max-time 60 "${auth[@]}" -D "$tmp/sse-headers" \
    -H 'Content-Type: application/json' -H 'Accept: text/event-stream' -d "$(request true)" \
    "$base_url/v1/chat/completions" 2>"$tmp/err" | tee "$tmp/sse" | grep --line-buffered '^data:' | indent
set -e
status=$(awk 'toupper($1) ~ /^HTTP\// { code = $2 } END { print code }' "$tmp/sse-headers" 2>/dev/null)
status=${status:-000}
if [ "$status" = 200 ] && grep -qx 'data: \[DONE\]' <(tr -d '\r' < "$tmp/sse"); then
    if grep -q '^data: {"error"' "$tmp/sse"; then
        fail "POST /v1/chat/completions (SSE): the stream carried an error event"
    else
        pass "POST /v1/chat/completions (SSE): $(grep -c '^data:' "$tmp/sse") data lines, ends with [DONE]"
    fi
elif [ "$status" = 200 ]; then
    fail "POST /v1/chat/completions (SSE): 200 but the stream did not end with data: [DONE] $(cat "$tmp/err")"
else
    explain_error "POST /v1/chat/completions (SSE)" "$status" "$tmp/sse" || true
fi

echo
if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed."
    exit 1
fi
echo "All checks passed (SKIP means the upstream LLM is not configured yet)."
