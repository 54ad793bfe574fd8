#!/usr/bin/env bash
# Builds and runs the FrontDesk server.
#
#   scripts/start-local.sh [local|test|production] [serve options...]
#
# The profile (default: local) selects env/.env.<profile>; variables already set in the
# process environment win over that file. If env/.env.<profile>.secret exists (git-ignored),
# its KEY=VALUE lines are exported first, again without overriding the process environment.
# local and test build in debug; production builds with -c release.
# Anything after the profile is passed unchanged to `frontdesk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=local
if [ $# -gt 0 ]; then
    case "$1" in
        local|test|production) profile=$1; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) ;;  # no profile given: options go straight to serve
        *) echo "start-local: unknown profile '$1' (local, test or production)" >&2; exit 2 ;;
    esac
fi

bash scripts/ensure-deps.sh

secret_file="env/.env.$profile.secret"
if [ -f "$secret_file" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        [[ -z "$line" || "$line" == \#* || "$line" != *=* ]] && continue
        key=${line%%=*}
        key=${key#export }
        key=$(printf '%s' "$key" | tr -d '[:space:]')
        [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        [ -n "${!key+x}" ] && continue   # the process environment wins
        value=${line#*=}
        # Strip one pair of matching surrounding quotes, as most .env readers do.
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
        export "$key=$value"
    done < "$secret_file"
    echo "start-local: loaded $secret_file"
fi

build_args=(--product frontdesk)
bin_args=()
if [ "$profile" = production ]; then
    build_args+=(-c release)
    bin_args+=(-c release)
fi

echo "start-local: swift build ${build_args[*]}"
swift build "${build_args[@]}"
bin_path=$(swift build "${bin_args[@]}" --show-bin-path)

mkdir -p data
if [ -z "${UPSTREAM_API_KEY:-}${OPENAI_API_KEY:-}" ] && [ "${UPSTREAM_FORWARD_CLIENT_KEY:-}" != true ]; then
    echo "start-local: no UPSTREAM_API_KEY or OPENAI_API_KEY in the environment."
    echo "             /health answers; chat completions return 503 until one is set"
    echo "             (or UPSTREAM_FORWARD_CLIENT_KEY=true forwards the client's bearer token)."
fi

echo "start-local: exec $bin_path/frontdesk serve --env $profile $*"
exec "$bin_path/frontdesk" serve --env "$profile" "$@"
