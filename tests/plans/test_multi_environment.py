"""Several environments in one report: each environment's result stays its own, whatever its position.

A report of environments A, B, C must tell, for each one, what the report of that environment alone tells, in the
order given, and drift-report's exit code must be 2 when any of them drifted. The plans are the hand-written
Grafana-shaped fixtures and real `terraform show -json` output (fixtures/); the environments are those of a small
project of the test's own (environments/*.yaml), never the repository's.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from grafana_as_code.cli import main
from plan_helpers import SECRETS

ENVS = ("alpha", "beta", "gamma")
DRIFTED = "drift-refresh-only.json"      # UI edits and a deletion, besides provider noise
NOISE_ONLY = "drift-noise-only.json"     # differences that are all the provider's permanent-diff noise
NO_DRIFT = "tf-refresh-only.json"        # a real refresh-only plan with nothing drifted
DRIFT_ADDRESSES = ("grafana_dashboard.api", "grafana_folder.legacy", "grafana_rule_group.api_latency")
NOISE_ADDRESSES = ("grafana_rule_group.slow", "grafana_dashboard.latency")
CHANGES = "grafana-changes.json"         # updates, a create, replacements, a destroy
OTHER_CHANGES = "tf-changes.json"        # real Terraform: create, update, replace, delete, no-op
NO_CHANGES = "tf-refresh-only.json"
ACTION_COLUMNS = {("create",): 0, ("update",): 1, ("delete", "create"): 2, ("create", "delete"): 2, ("delete",): 3,
                  ("no-op",): 4}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("three-environments")
    (root / "environments").mkdir()
    for env in ENVS:
        (root / "environments" / f"{env}.yaml").write_text(f"grafana: {{url: https://{env}.example.com}}\n")
    return root


def report(project: Path, command: str, *pairs: tuple[str, str]) -> subprocess.CompletedProcess:
    """The command through the CLI's own entry point (its return value is the process's exit status), in this
    process: a Python start and its imports, most of a call's time, less for each of the many reports compared here.
    tests/plans/test_report_cli.py runs the commands in a process of their own, as CI does."""
    fixtures = Path(__file__).with_name("fixtures")
    arguments = [f"{env}={fixtures / name}" for env, name in pairs]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main([command, *arguments])
    result = subprocess.CompletedProcess([command, *arguments], status, stdout.getvalue(), stderr.getvalue())
    assert result.returncode in (0, 2), result.stderr
    for secret in SECRETS:
        assert secret not in result.stdout
    return result


FOOTERS = ("\n**What to do:**", "\n<sub>Plans made")  # drift-report's and plan-report's closing lines


def sections(text: str) -> dict[str, str]:
    """Each environment's part of a report, in order (``### <env>`` up to the next one or the footer)."""
    for footer in FOOTERS:
        if footer in text:
            text = text[:text.index(footer)]
    parts = re.split(r"(?m)^### ", text)[1:]
    found = {part.split("\n", 1)[0]: part.rstrip() for part in parts}
    assert len(found) == len(parts), "an environment appears twice"
    return found


def drifted_in(section: str) -> set[str]:
    """The addresses a drift section lists as drifted (the bullet list under the table)."""
    listed = re.findall(r"(?m)^- `([^`]+)`: ", section.split("<details>", 1)[0])
    return set(listed)


# --- drift-report -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("position", range(len(ENVS)))
def test_drift_in_one_environment_at_any_position_is_found_and_named(project: Path, position: int) -> None:
    plans = [(env, DRIFTED if index == position else NO_DRIFT) for index, env in enumerate(ENVS)]
    result = report(project, "drift-report", *plans)
    assert result.returncode == 2
    parts = sections(result.stdout)
    assert list(parts) == list(ENVS)
    for index, env in enumerate(ENVS):
        if index == position:
            assert drifted_in(parts[env]) == set(DRIFT_ADDRESSES)
            assert "No drift" not in parts[env]
        else:
            assert drifted_in(parts[env]) == set()
            assert "No drift: Grafana matches the last apply." in parts[env]


@pytest.mark.parametrize("position", range(len(ENVS)))
def test_one_clean_environment_at_any_position_stays_clean(project: Path, position: int) -> None:
    plans = [(env, NO_DRIFT if index == position else DRIFTED) for index, env in enumerate(ENVS)]
    result = report(project, "drift-report", *plans)
    assert result.returncode == 2
    parts = sections(result.stdout)
    for index, env in enumerate(ENVS):
        assert (drifted_in(parts[env]) == set()) == (index == position), env


def test_drift_only_in_the_first_of_three_gives_exit_2_and_names_it(project: Path) -> None:
    """The mixed case: drift first, provider noise only in the middle, nothing last."""
    result = report(project, "drift-report", ("alpha", DRIFTED), ("beta", NOISE_ONLY), ("gamma", NO_DRIFT))
    assert result.returncode == 2
    assert result.stdout.startswith("<!-- grafana-as-code:drift-report:alpha,beta,gamma -->")
    parts = sections(result.stdout)
    assert drifted_in(parts["alpha"]) == set(DRIFT_ADDRESSES)
    assert drifted_in(parts["beta"]) == set() and "No drift" in parts["beta"]
    for address in NOISE_ADDRESSES:  # listed apart, as noise, under its own environment only
        assert address in parts["beta"]
    assert "known provider noise only" in parts["beta"] and "known provider noise only" not in parts["gamma"]
    assert drifted_in(parts["gamma"]) == set() and "No drift" in parts["gamma"]


@pytest.mark.parametrize("plans", [
    (NO_DRIFT, NO_DRIFT, NO_DRIFT),
    (NOISE_ONLY, NO_DRIFT, NOISE_ONLY),
    (NO_DRIFT, NOISE_ONLY, NO_DRIFT),
])
def test_no_drift_anywhere_gives_exit_0(project: Path, plans: tuple[str, ...]) -> None:
    result = report(project, "drift-report", *zip(ENVS, plans))
    assert result.returncode == 0
    parts = sections(result.stdout)
    assert all("No drift" in parts[env] and drifted_in(parts[env]) == set() for env in ENVS)


@pytest.mark.parametrize("plans", [
    (DRIFTED, NOISE_ONLY, NO_DRIFT),
    (NO_DRIFT, DRIFTED, NOISE_ONLY),
    (NOISE_ONLY, NO_DRIFT, DRIFTED),
    ("drift-normal-plan.json", NO_DRIFT, DRIFTED),
])
def test_each_section_is_what_that_environment_alone_reports(project: Path, plans: tuple[str, ...]) -> None:
    together = report(project, "drift-report", *zip(ENVS, plans))
    alone = [report(project, "drift-report", (env, name)) for env, name in zip(ENVS, plans)]
    assert together.returncode == max(r.returncode for r in alone)
    parts = sections(together.stdout)
    for env, single in zip(ENVS, alone):
        assert parts[env] == sections(single.stdout)[env]


def test_argument_order_is_kept_and_plans_stay_with_their_environment(project: Path) -> None:
    result = report(project, "drift-report", ("gamma", DRIFTED), ("alpha", NO_DRIFT), ("beta", NOISE_ONLY))
    assert result.returncode == 2
    parts = sections(result.stdout)
    assert list(parts) == ["gamma", "alpha", "beta"]
    assert drifted_in(parts["gamma"]) == set(DRIFT_ADDRESSES)
    assert drifted_in(parts["alpha"]) == drifted_in(parts["beta"]) == set()


# --- plan-report --------------------------------------------------------------------------------------------------

def expected_row(name: str) -> list[str]:
    """The table row counted straight from the plan JSON (to add, change, replace, destroy, unchanged)."""
    plan = json.loads((Path(__file__).with_name("fixtures") / name).read_text())
    counts = Counter(ACTION_COLUMNS[tuple(r["change"]["actions"])] for r in plan.get("resource_changes", [])
                     if r["mode"] == "managed")
    return [str(counts[column]) for column in range(5)]


def table_row(section: str) -> list[str]:
    rows = [line for line in section.splitlines() if re.fullmatch(r"\|( \d+ \|)+", line.strip())]
    assert len(rows) == 1, section
    return rows[0].strip().strip("|").replace(" ", "").split("|")


def addresses(name: str) -> set[str]:
    plan = json.loads((Path(__file__).with_name("fixtures") / name).read_text())
    return {r["address"] for r in plan.get("resource_changes", [])
            if r["mode"] == "managed" and r["change"]["actions"] != ["no-op"]}


@pytest.mark.parametrize("position", range(len(ENVS)))
def test_plan_changes_in_one_environment_at_any_position(project: Path, position: int) -> None:
    plans = [(env, CHANGES if index == position else NO_CHANGES) for index, env in enumerate(ENVS)]
    parts = sections(report(project, "plan-report", *plans).stdout)
    assert list(parts) == list(ENVS)
    for index, env in enumerate(ENVS):
        if index == position:
            assert table_row(parts[env]) == expected_row(CHANGES)
            assert "No changes" not in parts[env]
            for address in addresses(CHANGES):
                assert f"<code>{address}</code>" in parts[env], address
            assert "**destroy**" in parts[env] and "**replace**" in parts[env]
        else:
            assert table_row(parts[env]) == ["0"] * 5
            assert "No changes: Grafana matches the code." in parts[env]
            assert "<details>" not in parts[env] and "**destroy**" not in parts[env]


@pytest.mark.parametrize("plans", [
    (CHANGES, NO_CHANGES, OTHER_CHANGES),
    (OTHER_CHANGES, CHANGES, NO_CHANGES),
    (NO_CHANGES, OTHER_CHANGES, CHANGES),
])
def test_mixed_plans_each_under_its_own_environment(project: Path, plans: tuple[str, ...]) -> None:
    together = sections(report(project, "plan-report", *zip(ENVS, plans)).stdout)
    for env, name in zip(ENVS, plans):
        assert table_row(together[env]) == expected_row(name), env
        others = set().union(*(addresses(other) for other in plans if other != name)) - addresses(name)
        for address in others:
            assert f"<code>{address}</code>" not in together[env], (env, address)
        alone = sections(report(project, "plan-report", (env, name)).stdout)
        assert together[env] == alone[env]
