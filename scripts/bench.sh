#!/usr/bin/env bash
# Measures what FrontDesk costs, side by side with the mock upstream alone, with a plain reverse
# proxy (Debian's nginx: what one extra HTTP hop costs here) and with LiteLLM.
#
#   scripts/bench.sh            full run (about 10 minutes after the build)
#   scripts/bench.sh --quick    shorter windows and fewer samples (under 2 minutes after the build)
#   scripts/bench.sh --skip-build   use the release binaries already built
#
# Builds FrontDesk, the scripted fake upstream and the frontdesk-bench load client in release
# mode, installs LiteLLM's proxy into .build-bench-venv/ (git-ignored) and nginx-light from
# Debian, starts them on loopback, runs: 1. overhead (JSON and SSE, at fixed rates and at
# concurrency 1, interleaved), 2. a tool turn (FrontDesk's share, and the first spoken byte),
# 3. calendar search and booking on a generated calendar, 4. 5,000 concurrent streams (1,000
# in quick mode); reads FrontDesk's own /metrics around phases 1 and 2 as a cross-check; then
# prints one Markdown table and writes bench-results.json.
# It measures; it does not judge: it exits 0 when a target is missed. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=false
skip_build=false
for arg in "$@"; do
    case "$arg" in
        --quick) quick=true ;;
        --skip-build) skip_build=true ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench: unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf '\n== %s\n' "$*" >&2; }
started_at=$(date +%s)

# --- Dependencies ------------------------------------------------------------------------
bash scripts/ensure-deps.sh --bench
command -v python3 >/dev/null 2>&1 || { echo "bench: python3 is required (for LiteLLM and the report)" >&2; exit 1; }

# LiteLLM goes into its own virtualenv so it cannot disturb the packages the e2e tests use.
venv=.build-bench-venv
litellm_spec=${BENCH_LITELLM_SPEC:-'litellm[proxy]'}
if [ ! -x "$venv/bin/litellm" ]; then
    say "installing $litellm_spec into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$litellm_spec"
fi

# --- Build -------------------------------------------------------------------------------
if ! $skip_build; then
    for product in frontdesk scripted-upstream frontdesk-bench; do
        say "swift build -c release --product $product"
        swift build -c release --product "$product"
    done
fi
bin=$(swift build -c release --show-bin-path)
for exe in frontdesk scripted-upstream frontdesk-bench; do
    [ -x "$bin/$exe" ] || { echo "bench: $bin/$exe is missing (run without --skip-build)" >&2; exit 1; }
done
build_done_at=$(date +%s)

# --- Run directory and processes -----------------------------------------------------------
mkdir -p .build-bench
run=$(mktemp -d "$repo/.build-bench/run.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# 5,000 streams need ~15,000 sockets across the processes (client, FrontDesk both ways, fake).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 16000 ]; then
    echo "bench: open-file limit is $(ulimit -n); the streams phase will likely report errors" >&2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_http() {  # url, seconds, pid of the server
    local deadline=$(( $(date +%s) + $2 ))
    until curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] && kill -0 "$3" 2>/dev/null || return 1
        sleep 0.2
    done
}

# Only the variables set here reach the servers' configuration.
clean_env=(env)
while IFS= read -r name; do
    clean_env+=(-u "$name")
done < <(compgen -e | grep -E '^(UPSTREAM_|FRONTDESK_|OPENAI_|LITELLM_|HOST$|PORT$|DATABASE_PATH$|LOG_LEVEL$|PERSONA|MAX_|https?_proxy$|HTTPS?_PROXY$|ALL_PROXY$|all_proxy$)' || true)
clean_env+=(NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost)

loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "starting the scripted fake upstream, FrontDesk and LiteLLM"
"${clean_env[@]}" "$bin/scripted-upstream" --host 127.0.0.1 --port 0 >"$run/fake.out" 2>"$run/fake.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^LISTENING' "$run/fake.out" 2>/dev/null && break; sleep 0.1; done
fake_port=$(awk '/^LISTENING/ {print $2}' "$run/fake.out")
[ -n "$fake_port" ] || { echo "bench: scripted-upstream did not start" >&2; cat "$run/fake.log" >&2; exit 1; }
fake="http://127.0.0.1:$fake_port"
# A benchmark sends hundreds of thousands of requests: the fake must not keep them.
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"record_requests":false}' "$fake/_config"

# One client key for every path: FrontDesk trusts X-FrontDesk-Caller only on an authenticated
# request, and LiteLLM refuses to start without a master key. Both check it on every request.
api_key="sk-bench-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
# FrontDesk's own /metrics, read around phases as a cross-check of the external figures.
metrics_token="bench-metrics-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
fd_port=$(free_port)
"${clean_env[@]}" HOST=127.0.0.1 PORT="$fd_port" DATABASE_PATH="$run/frontdesk.sqlite" PERSONAS_DIR="$repo/personas" \
    UPSTREAM_BASE_URL="$fake/v1" UPSTREAM_API_KEY=sk-bench-upstream UPSTREAM_MODEL=scripted-model \
    FRONTDESK_API_KEYS="$api_key" LOG_LEVEL=notice METRICS_TOKEN="$metrics_token" \
    "$bin/frontdesk" serve --env production >"$run/frontdesk.log" 2>&1 &
fd_pid=$!
pids+=($fd_pid)
wait_http "http://127.0.0.1:$fd_port/health" 60 "$fd_pid" || { echo "bench: FrontDesk did not start" >&2; tail -20 "$run/frontdesk.log" >&2; exit 1; }

# nginx: proxy_pass to the same fake with keep-alive and no buffering, as in front of any
# streaming API. One worker per core, logging off: the cost of one extra hop, nothing more.
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
nginx_ok=false
if [ -x "$nginx_bin" ]; then
    ng_port=$(free_port)
    mkdir -p "$run/nginx"
    cat >"$run/nginx.conf" <<EOF
worker_processes auto;
pid $run/nginx/nginx.pid;
error_log $run/nginx/error.log warn;
daemon off;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path $run/nginx/body;
    proxy_temp_path $run/nginx/proxy;
    fastcgi_temp_path $run/nginx/fastcgi;
    uwsgi_temp_path $run/nginx/uwsgi;
    scgi_temp_path $run/nginx/scgi;
    upstream fake { server 127.0.0.1:$fake_port; keepalive 128; }
    server {
        listen 127.0.0.1:$ng_port;
        location / {
            proxy_pass http://fake;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_request_buffering off;
        }
    }
}
EOF
    "$nginx_bin" -p "$run/nginx" -c "$run/nginx.conf" -e "$run/nginx/error.log" >"$run/nginx.log" 2>&1 &
    ng_pid=$!
    pids+=($ng_pid)
    if wait_http "http://127.0.0.1:$ng_port/v1/models" 20 "$ng_pid"; then
        nginx_ok=true
    else
        echo "bench: nginx did not start; its rows will be empty" >&2
        tail -n 5 "$run/nginx.log" "$run/nginx/error.log" >&2 || true
    fi
else
    echo "bench: nginx is not installed (scripts/ensure-deps.sh --bench); its rows will be empty" >&2
fi

ll_port=$(free_port)
litellm_workers=${BENCH_LITELLM_WORKERS:-1}
cat >"$run/litellm.yaml" <<EOF
# LiteLLM proxy in front of the same fake upstream; logging, callbacks and database off.
model_list:
  - model_name: scripted-model
    litellm_params:
      model: openai/scripted-model
      api_base: $fake/v1
      api_key: sk-bench-upstream
litellm_settings:
  telemetry: false
  set_verbose: false
  json_logs: false
  turn_off_message_logging: true
  callbacks: []
  success_callback: []
  failure_callback: []
  cache: false
general_settings:
  master_key: $api_key
  disable_spend_logs: true
  disable_error_logs: true
  background_health_checks: false
  store_model_in_db: false
EOF
litellm_ok=true
"${clean_env[@]}" LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOG=ERROR LITELLM_TELEMETRY=False \
    "$venv/bin/litellm" --config "$run/litellm.yaml" --host 127.0.0.1 --port "$ll_port" --num_workers "$litellm_workers" \
    >"$run/litellm.log" 2>&1 &
ll_pid=$!
pids+=($ll_pid)
if ! wait_http "http://127.0.0.1:$ll_port/health/liveliness" 120 "$ll_pid"; then
    echo "bench: LiteLLM did not start; its rows will be empty" >&2
    tail -20 "$run/litellm.log" >&2
    litellm_ok=false
fi

# --- Phase settings ------------------------------------------------------------------------
if $quick; then
    overhead_args=(--rates 100,1000 --window-seconds 1 --rounds 1 --serial-seconds 1 --warmup-seconds 0.5 --saturation-seconds 1 --drain-seconds 3)
    turns=100; spoken_turns=50; streams_args=(--count 1000 --ramp-seconds 3 --chunk-delay-ms 500 --words 20)
    calendar_args=(--queries 500 --booking-seconds 2)
else
    overhead_args=(--rates 100,500,1000 --window-seconds 3 --rounds 2 --serial-seconds 3 --warmup-seconds 2 --saturation-seconds 3 --drain-seconds 5)
    # 5,000 streams, each relaying a word a second for ≈ 30 s: all open at once from the end of
    # the 10 s ramp for ≈ 20 s, which is when CPU per 1,000 open streams is read.
    turns=1000; spoken_turns=200; streams_args=(--count 5000 --ramp-seconds 10 --chunk-delay-ms 1000 --words 30)
    calendar_args=(--queries 5000 --booking-seconds 10)
fi
headers=(--header "Authorization: Bearer $api_key" --header "X-FrontDesk-Caller: +12125550101")
targets=(--target "direct=$fake/v1/chat/completions" --target "frontdesk=http://127.0.0.1:$fd_port/v1/chat/completions")
$litellm_ok && targets+=(--target "litellm=http://127.0.0.1:$ll_port/v1/chat/completions")
$nginx_ok && targets+=(--target "nginx=http://127.0.0.1:$ng_port/v1/chat/completions")

# A failing phase leaves its rows empty; the others still run.
phase() {
    local name=$1; shift
    say "$name"
    "$@" || echo "bench: phase '$name' failed (exit $?)" >&2
}

quiet=(--quiet-pid "${pids[0]}" --quiet-pid "$fd_pid")
if $nginx_ok; then
    for pid in "$ng_pid" $(pgrep -P "$ng_pid" || true); do quiet+=(--quiet-pid "$pid"); done
fi

# FrontDesk's own metrics, saved before and after a phase (the report takes the difference).
save_metrics() {
    curl -fsS --max-time 10 -H "Authorization: Bearer $metrics_token" "http://127.0.0.1:$fd_port/metrics" >"$run/metrics-$1.txt" \
        || echo "bench: could not read FrontDesk's /metrics ($1)" >&2
}
if $litellm_ok; then
    # With several workers, uvicorn runs them as child processes.
    for pid in "$ll_pid" $(pgrep -P "$ll_pid" || true); do quiet+=(--quiet-pid "$pid"); done
fi
save_metrics overhead-before
phase "1. overhead: direct vs FrontDesk vs nginx vs LiteLLM, JSON and SSE" \
    "$bin/frontdesk-bench" overhead "${targets[@]}" "${headers[@]}" "${quiet[@]}" "${overhead_args[@]}" --out "$run/overhead.json"
save_metrics overhead-after

# LiteLLM and nginx are done: stop them so they do not share the machine with the remaining phases.
for pid in "$ll_pid" ${ng_pid:-}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
done

phase "2. tool turn: find_available_slots, then text" \
    "$bin/frontdesk-bench" tool-turn --url "http://127.0.0.1:$fd_port/v1/chat/completions" --upstream-control "$fake" \
    --upstream-url "$fake/v1/chat/completions" --spoken-turns "$spoken_turns" \
    --turns "$turns" "${headers[@]}" --out "$run/tool-turn.json"
save_metrics tool-turn-after

phase "4. scale: concurrent SSE streams through FrontDesk" \
    "$bin/frontdesk-bench" streams --url "http://127.0.0.1:$fd_port/v1/chat/completions" --pid "$fd_pid" \
    --upstream-control "$fake" "${streams_args[@]}" "${headers[@]}" --out "$run/streams.json"

cleanup
pids=()

phase "3. calendar: find_available_slots and concurrent booking on a generated calendar" \
    "$bin/frontdesk-bench" calendar --db "$run/calendar.sqlite" --providers 20 --days 90 --appointments 20000 \
    --writers 8 "${calendar_args[@]}" --out "$run/calendar.json"

# --- Report --------------------------------------------------------------------------------
finished_at=$(date +%s)
loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)
sha=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || sha="$sha (with uncommitted changes)"
LOADAVG_BEFORE="$loadavg_before" LOADAVG_AFTER="$loadavg_after" RUN="$run" MODE=$($quick && echo quick || echo full) SHA="$sha" WORKERS="$litellm_workers" \
    BUILD_SECONDS=$((build_done_at - started_at)) BENCH_SECONDS=$((finished_at - build_done_at)) \
    SWIFT_VERSION="$(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo unknown)" \
    "$venv/bin/python" - <<'EOF'
import datetime, importlib.metadata, json, os, platform
cpu = "unknown CPU"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
with open("/proc/meminfo") as f:
    mem_kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
meta = {
    "mode": os.environ["MODE"], "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
    "kernel": f"Linux {platform.release()}", "swift": os.environ["SWIFT_VERSION"],
    "litellm": importlib.metadata.version("litellm"), "python": platform.python_version(),
    "litellm_workers": int(os.environ["WORKERS"]), "frontdesk_sha": os.environ["SHA"],
    "loadavg_before": os.environ["LOADAVG_BEFORE"], "loadavg_after": os.environ["LOADAVG_AFTER"],
    "build_seconds": int(os.environ["BUILD_SECONDS"]), "bench_seconds": int(os.environ["BENCH_SECONDS"]),
}
with open(os.path.join(os.environ["RUN"], "meta.json"), "w") as f:
    json.dump(meta, f, indent=2)
EOF
echo >&2
python3 scripts/bench_report.py "$run" bench-results.json
echo
echo "Build $((build_done_at - started_at)) s, benchmark $((finished_at - build_done_at)) s. Raw results: bench-results.json, logs: $run/"
exit 0
