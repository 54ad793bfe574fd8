#!/usr/bin/env bash
# Runs every FrontDesk test: the Swift Testing suites, then the Python end-to-end suite
# (Tests/e2e, pytest + the official openai SDK against the real `frontdesk` binary and the
# `scripted-upstream` fake LLM). This is the README's test command and what .ci/run calls.
#
#   scripts/run-tests.sh
#
# Build failures stop at once. Both test suites always run; the exit status is non-zero if
# any step failed.
set -euo pipefail
cd "$(dirname "$0")/.."

step=0
total=6
header() {
    step=$((step + 1))
    printf '\n==> [%d/%d] %s\n' "$step" "$total" "$1"
}

header "Dependencies (scripts/ensure-deps.sh --python)"
bash scripts/ensure-deps.sh --python

header "Build sources and tests (swift build --build-tests)"
swift build --build-tests

# The e2e suite starts these two executables from `swift build --show-bin-path`;
# build them explicitly rather than rely on --build-tests including executables.
header "Build executables (frontdesk, scripted-upstream)"
swift build --product frontdesk
swift build --product scripted-upstream
bin_path=$(swift build --show-bin-path)
for exe in frontdesk scripted-upstream; do
    [ -x "$bin_path/$exe" ] || { echo "run-tests: $bin_path/$exe was not built" >&2; exit 1; }
done

failed=()

header "Swift tests (swift test)"
if swift test; then
    echo "Swift tests: PASS"
else
    echo "Swift tests: FAIL"
    failed+=("swift test")
fi

header "End-to-end tests (python3 -m pytest -q Tests/e2e)"
if [ ! -d Tests/e2e ]; then
    echo "End-to-end tests: FAIL (Tests/e2e does not exist)"
    failed+=("pytest Tests/e2e (missing)")
elif python3 -m pytest -q Tests/e2e; then
    echo "End-to-end tests: PASS"
else
    echo "End-to-end tests: FAIL"
    failed+=("pytest Tests/e2e")
fi

header "Summary"
if [ ${#failed[@]} -gt 0 ]; then
    for f in "${failed[@]}"; do echo "FAILED: $f"; done
    exit 1
fi
echo "All tests passed."
