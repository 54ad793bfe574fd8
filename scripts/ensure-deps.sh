#!/usr/bin/env bash
# Installs what FrontDesk needs to build, run and test, and nothing that is already there.
#
#   scripts/ensure-deps.sh            system packages for building and running (Debian/Ubuntu)
#   scripts/ensure-deps.sh --python   also the Python packages of the end-to-end tests, and Debian's
#                                     chromium that the console's browser tests drive with Playwright
#   scripts/ensure-deps.sh --bench    also Debian's nginx, the plain reverse proxy scripts/bench.sh
#                                     measures as the floor (never started as a service)
#   scripts/ensure-deps.sh --llm      also cmake, a C++ toolchain and pip, to build the local model
#                                     server (scripts/local-llm.sh)
#
# Idempotent and silent when everything is present. Needs root, or sudo when not root.
# Swift itself is expected on PATH (e.g. /opt/swift/usr/bin); this script does not install it.
set -euo pipefail
cd "$(dirname "$0")/.."

want_python=false
want_bench=false
want_llm=false
for arg in "$@"; do
    case "$arg" in
        --python) want_python=true ;;
        --bench) want_bench=true ;;
        --llm) want_llm=true ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "ensure-deps: unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

# Build: headers and pkg-config files for the CCurl and CSQLite system-library targets.
# Run: CA certificates for HTTPS upstreams, tzdata for the businesses' IANA time zones,
# git for SwiftPM to fetch dependencies, curl for scripts/test-local.sh.
apt_packages=(libcurl4-openssl-dev libsqlite3-dev pkg-config ca-certificates tzdata git curl)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-deps: need root to run: $*  (run as root or install sudo)" >&2
        return 1
    fi
}

is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

apt_updated=false
apt_install() {
    if ! $apt_updated; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=true
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- System packages -------------------------------------------------------------------
if command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=()
    for pkg in "${apt_packages[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if $want_python && ! command -v python3 >/dev/null 2>&1; then
        missing+=(python3)
    fi
    # The browser tests (Tests/e2e/test_console_browser.py) launch Debian's own chromium
    # (/usr/bin/chromium); `playwright install` and its browser downloads are never used.
    if $want_python && ! is_installed chromium; then
        missing+=(chromium)
    fi
    if $want_llm; then
        for pkg in cmake build-essential python3-pip; do
            is_installed "$pkg" || missing+=("$pkg")
        done
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        echo "ensure-deps: installing ${missing[*]}"
        apt_install "${missing[@]}"
    fi
    # nginx-light's install would start nginx as a service on port 80: a policy-rc.d that
    # refuses (exit 101) keeps it stopped; the benchmark starts its own with its own config.
    if $want_bench && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        echo "ensure-deps: installing nginx-light (for the benchmark; not started)"
        policy_added=false
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
            as_root chmod +x /usr/sbin/policy-rc.d
            policy_added=true
        fi
        apt_install nginx-light || true
        if $policy_added; then as_root rm -f /usr/sbin/policy-rc.d; fi
    fi
else
    # Not Debian-like: say what is needed instead of guessing a package manager.
    for tool in pkg-config curl git; do
        command -v "$tool" >/dev/null 2>&1 || \
            echo "ensure-deps: '$tool' not found; install it with your package manager." >&2
    done
    if command -v pkg-config >/dev/null 2>&1; then
        for pc in libcurl sqlite3; do
            pkg-config --exists "$pc" || \
                echo "ensure-deps: development files for $pc not found (pkg-config $pc)." >&2
        done
    fi
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "ensure-deps: 'swift' is not on PATH. Install Swift 6.1 or newer (e.g. at /opt/swift)" >&2
    echo "             and add its usr/bin to PATH: export PATH=/opt/swift/usr/bin:\$PATH" >&2
    exit 1
fi

# --- Python packages for Tests/e2e -----------------------------------------------------
if $want_python; then
    command -v python3 >/dev/null 2>&1 || { echo "ensure-deps: python3 is required" >&2; exit 1; }

    if ! python3 -m pip --version >/dev/null 2>&1; then
        if command -v apt-get >/dev/null 2>&1; then
            echo "ensure-deps: installing python3-pip"
            apt_install python3-pip
        else
            python3 -m ensurepip --upgrade >/dev/null
        fi
    fi

    # module to import -> requirement to install when the import fails.
    # `referencing` ships with jsonschema >= 4.18 and is what ../shared/tools/validate_openai.py uses.
    want_modules=(openai yaml jsonschema referencing pytest schemathesis)
    want_specs=(openai pyyaml 'jsonschema>=4.18' 'jsonschema>=4.18' pytest 'schemathesis>=4')
    # `playwright` drives Debian's chromium (installed above) in the console's browser tests.
    want_modules+=(playwright)
    want_specs+=(playwright)
    # `standardwebhooks` checks the webhook signatures independently in Tests/e2e/test_webhooks.py.
    want_modules+=(standardwebhooks)
    want_specs+=(standardwebhooks)
    # `nacl` (PyNaCl) plays Telnyx in Tests/e2e/test_telnyx.py: it signs the test's webhooks with Ed25519.
    want_modules+=(nacl)
    want_specs+=(pynacl)
    to_install=()
    for i in "${!want_modules[@]}"; do
        if ! python3 -c "import ${want_modules[$i]}" >/dev/null 2>&1; then
            case " ${to_install[*]-} " in *" ${want_specs[$i]} "*) ;; *) to_install+=("${want_specs[$i]}") ;; esac
        fi
    done

    if [ ${#to_install[@]} -gt 0 ]; then
        echo "ensure-deps: pip installing ${to_install[*]}"
        pip_args=(--quiet --disable-pip-version-check)
        # Debian's own python3 is "externally managed" (PEP 668). On a build machine we accept
        # installing into it rather than failing; a virtualenv on PATH is used as-is.
        if python3 -c 'import sys, sysconfig, os; sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")) else 1)'; then
            pip_args+=(--break-system-packages)
        fi
        if [ "$(id -u)" -ne 0 ] && ! python3 -c 'import sys; sys.exit(0 if sys.prefix != sys.base_prefix else 1)' \
            && ! [ -w "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" ]; then
            pip_args+=(--user)
        fi
        python3 -m pip install "${pip_args[@]}" "${to_install[@]}"
    fi
fi
