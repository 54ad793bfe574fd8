"""The scenario suite (Tests/scenarios/, scripts/conversations.py) against the scripted FAKE
model: every scenario must end as its file says, in the real SQLite file, with the real binary
driven by the official openai SDK. Against a real model the same runner reports a rate."""
import subprocess
import sys

from conftest import REPO, bin_path


def test_every_scenario_ends_right_against_the_scripted_model():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "conversations.py"), "--bin", str(bin_path())],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    scenarios = len(list((REPO / "Tests" / "scenarios").glob("*.yaml")))
    assert f"{scenarios}/{scenarios} passed (100%)" in result.stdout, result.stdout
    # the scorer's own check ran: the scripted model's made-up booking was counted
    assert "| scorer_catches_an_unkept_promise | pass | 1 | 0 |" in result.stdout, result.stdout
    assert "| 1 |" in result.stdout.split("scorer_catches_an_unkept_promise")[1].splitlines()[0], result.stdout
