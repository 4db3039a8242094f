"""The GitHub workflows: linted (actionlint, zizmor offline) and checked for the rules the linters cannot know."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plan_helpers import REPO

WORKFLOWS = REPO / ".github" / "workflows"
ACTION = REPO / ".github" / "actions" / "terraform-init" / "action.yml"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def tool(name: str) -> str:
    """The linters come from requirements.txt into the venv, beside this Python."""
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed; run `make setup` (requirements.txt pins it)"
    return found


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def jobs() -> list[tuple[str, str, dict]]:
    return [(path.name, name, job) for path in FILES for name, job in load(path)["jobs"].items()]


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_the_three_workflows_exist() -> None:
    assert [p.name for p in FILES] == ["deploy.yml", "drift.yml", "plan.yml"]


def test_actionlint_is_clean() -> None:
    result = subprocess.run([tool("actionlint"), "-no-color"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_zizmor_offline_is_clean() -> None:
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--persona=pedantic", ".github"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version_beside() -> None:
    for path in [*FILES, ACTION]:
        for line in path.read_text().splitlines():
            match = re.match(r"\s*(?:- )?uses: (\S+)(.*)$", line)
            if not match or match.group(1).startswith("./"):  # an action of this repository, at this commit
                continue
            assert PINNED.match(match.group(1)), (path.name, line)
            assert re.match(r"\s+# v\d+\.\d+\.\d+", match.group(2)), (path.name, "no version comment", line)


def test_least_privilege_and_no_persisted_credentials() -> None:
    for path in FILES:
        assert load(path)["permissions"] == {}, path.name  # nothing by default; each job asks for what it needs
    for file, name, job in jobs():
        assert "write-all" not in str(job.get("permissions")), (file, name)
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, (file, name)


def test_jobs_touching_state_share_one_group_per_environment_and_never_cancel() -> None:
    for file, name, job in jobs():
        runs_terraform = any("terraform" in step.get("run", "") for step in steps(job))
        if not runs_terraform:
            continue
        group = job["concurrency"]["group"]
        assert group.startswith("grafana-state-"), (file, name)
        assert job["concurrency"]["cancel-in-progress"] is False, (file, name)
        for step in steps(job):
            if re.search(r"terraform .*\b(plan|apply)\b", step.get("run", "")):
                assert "-lock-timeout=" in step["run"], (file, name, step.get("name"))


def test_deploy_goes_dev_staging_prod_and_applies_the_plan_it_made() -> None:
    deploy = load(WORKFLOWS / "deploy.yml")["jobs"]
    assert deploy["staging"]["needs"] == "dev" and deploy["prod-plan"]["needs"] == "staging"
    assert deploy["prod"]["needs"] == "prod-plan" and deploy["prod"]["environment"] == "prod"
    for name in ("dev", "staging"):
        script = "\n".join(step.get("run", "") for step in deploy[name]["steps"])
        assert "-out=tfplan" in script and script.rstrip().endswith("apply -input=false -lock-timeout=10m tfplan")
    prod = "\n".join(step.get("run", "") for step in deploy["prod"]["steps"])
    assert "apply -input=false -lock-timeout=10m tfplan" in prod and " plan " not in prod
    assert load(WORKFLOWS / "deploy.yml")["concurrency"]["cancel-in-progress"] is False


def test_drift_runs_on_a_schedule_and_on_demand() -> None:
    triggers = load(WORKFLOWS / "drift.yml")[True]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    script = (WORKFLOWS / "drift.yml").read_text()
    assert "plan -refresh-only" in script and "drift-report" in script and "<!-- grafana-as-code:drift-report:" in script


def test_plan_comment_is_found_by_its_marker() -> None:
    from grafana_as_code.plans.plan_report import MARKER

    assert MARKER in (WORKFLOWS / "plan.yml").read_text()


def test_secrets_only_through_env_and_never_in_scripts() -> None:
    for file, name, job in jobs():
        for step in steps(job):
            assert "secrets." not in step.get("run", ""), (file, name, step.get("name"))
            assert "secrets." not in str(step.get("with", {})), (file, name, step.get("name"))


@pytest.fixture(scope="module")
def needed_secrets() -> set[str]:
    from grafana_as_code.project import load_project

    return {secret.name for catalog in load_project(REPO).catalogs for secret in catalog.secrets}


def test_every_secret_the_stacks_need_is_mapped_to_its_terraform_variable(needed_secrets: set[str]) -> None:
    planning = [(file, name, step) for file, name, job in jobs() for step in steps(job)
                if re.search(r"terraform .*\bplan\b", step.get("run", ""))]
    assert len(planning) == 5  # plan.yml, drift.yml, deploy.yml (dev, staging, prod-plan)
    for file, name, step in planning:
        env = step.get("env", {})
        for secret in needed_secrets:
            assert env.get(f"TF_VAR_{secret}") == f"${{{{ secrets.{secret.upper()} }}}}", (file, name, secret)
        assert "check-secrets" in step["run"], (file, name)  # a missing secret fails before terraform runs
