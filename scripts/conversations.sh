#!/usr/bin/env bash
# Plays the scenarios under Tests/scenarios/ through FrontDesk and prints how each call ended.
#
#   scripts/conversations.sh                    against the scripted fake model (must pass 100%)
#   scripts/conversations.sh --upstream http://127.0.0.1:8081/v1 --model qwen
#                                               against any OpenAI-compatible server (reports a rate)
#   scripts/conversations.sh --only cancel      one scenario (any option of scripts/conversations.py)
#
# Builds the debug `frontdesk` and `scripted-upstream` first; each scenario runs on its own
# fresh demo database. See scripts/conversations.py for the scenario format and the scoring.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
bash scripts/ensure-deps.sh --python >/dev/null
swift build --product frontdesk >/dev/null
swift build --product scripted-upstream >/dev/null
exec python3 scripts/conversations.py "$@"
