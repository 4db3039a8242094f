"""The workflows per stack (team stacks, README "Team stacks" and "Plans for what changed"): PR plans only the
affected stacks in parallel and the comment keeps one table per environment; drift checks every stack and keeps one
issue per environment; deploys run an environment's shared stack before its team stacks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from plan_helpers import REPO

GITHUB = REPO / ".github"
sys.path.insert(0, str(GITHUB / "scripts"))
import drift_merge  # noqa: E402
import sticky_comment  # noqa: E402

sys.path.remove(str(GITHUB / "scripts"))

RUN = "https://github.example/acme/grafana/actions/runs/1"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def workflow(name: str) -> dict:
    return yaml.safe_load((GITHUB / "workflows" / name).read_text())


def report(env: str, body: str) -> str:
    return f"{sticky_comment.MARKER}\n## Terraform plan\n### {env}\n\n{body}\n"


def test_the_comment_has_one_table_per_environment_with_a_row_per_planned_stack(tmp_path: Path) -> None:
    for stack, counts, status in (("dev", None, "success"), ("prod", [0, 1, 0, 0, 9], "success"),
                                  ("prod-shop", [2, 0, 0, 1, 30], "success"), ("prod-infra", None, "failure")):
        (tmp_path / f"status-{stack}").write_text(status)
        if status == "success":
            env = stack.split("-")[0]
            (tmp_path / f"plan-{stack}.md").write_text(report(env, f"| to add |\n| {stack} details |"))
        if counts:
            (tmp_path / f"counts-{stack}.json").write_text(json.dumps(dict(zip(sticky_comment.COLUMNS, counts))))
    stacks = {"dev": ["dev"], "prod": ["prod", "prod-infra", "prod-shop"]}
    body = sticky_comment.build(tmp_path, ["dev", "staging", "prod"], COMMIT, COMMIT, RUN, stacks)
    assert body.count(sticky_comment.MARKER) == 1 and body.count("## Terraform plan") == 1
    dev = body.split("### dev", 1)[1].split("### staging", 1)[0]
    assert "| dev details |" in dev and "| stack |" not in dev  # one stack: the report as it is
    staging = body.split("### staging", 1)[1].split("### prod", 1)[0]
    assert "No change touches this environment's stacks: not planned." in staging
    prod = body.split("### prod\n", 1)[1]
    table = prod.strip().split("\n\n")[0].splitlines()
    assert table[0] == "| stack | to add | to change | to replace | to destroy | unchanged |"
    assert table[2:] == ["| `prod` | 0 | 1 | 0 | 0 | 9 |", "| `prod-infra` | – | – | – | – | – |",
                         "| `prod-shop` | 2 | 0 | 0 | 1 | 30 |",
                         "| **total** | **2** | **1** | **0** | **1** | **39** |"]
    assert prod.count("| stack |") == 1  # one table for the environment
    assert "#### prod-shop\n" in prod and "| prod-shop details |" in prod and "\n### prod-shop" not in prod
    assert "#### prod-infra\n\n⛔ **Plan failed**" in prod


def test_the_comment_script_takes_the_affected_json(tmp_path: Path) -> None:
    (tmp_path / "status-prod-shop").write_text("success")
    (tmp_path / "plan-prod-shop.md").write_text(report("prod", "| shop |"))
    (tmp_path / "counts-prod-shop.json").write_text(json.dumps({"create": 1}))
    affected = {"include": [{"stack": "prod-shop", "environment": "prod"}], "count": 1}
    result = subprocess.run([sys.executable, str(GITHUB / "scripts" / "sticky_comment.py"), str(tmp_path),
                             "--environments", '{"names": ["dev", "prod"]}', "--stacks", json.dumps(affected),
                             "--commit", COMMIT, "--run-url", RUN], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "| `prod-shop` | 1 | 0 | 0 | 0 | 0 |" in result.stdout and "not planned" in result.stdout


def test_the_comment_and_plan_report_count_the_same_columns(tmp_path: Path) -> None:
    from grafana_as_code.plans.plan_report import COLUMNS, HEADERS

    assert sticky_comment.COLUMNS == COLUMNS and list(sticky_comment.HEADERS) == HEADERS
    plan = REPO / "tests" / "plans" / "fixtures" / "tf-changes.json"
    done = subprocess.run([sys.executable, "-m", "grafana_as_code", "plan-report", f"dev={plan}", "--output",
                           str(tmp_path / "r.md"), "--counts", str(tmp_path / "c.json")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    counts = json.loads((tmp_path / "c.json").read_text())
    assert set(counts) == set(COLUMNS) and sum(counts.values()) > 0
    row = next(line for line in (tmp_path / "r.md").read_text().splitlines() if line.startswith("| ")
               and line[2].isdigit())
    assert row == "| " + " | ".join(str(counts[c]) for c in COLUMNS) + " |"


def test_drift_of_an_environment_from_its_stacks(tmp_path: Path) -> None:
    def check(results: dict[str, str]) -> str:
        drift = tmp_path / "-".join(f"{k}{v}" for k, v in results.items())
        drift.mkdir()
        for stack, status in results.items():
            if status:
                (drift / f"status-{stack}").write_text(status)
                (drift / f"drift-{stack}.md").write_text(f"<!-- m -->\n## Grafana drift\n\n### prod\n\n{stack}: {status}\n")
        stacks = {"include": [{"stack": s, "environment": "prod"} for s in results]}
        drift_merge.main([str(drift), "prod", "--stacks", json.dumps(stacks)])
        status = drift / "status-prod"
        return status.read_text().strip() if status.is_file() else ""

    assert check({"prod": "clean", "prod-shop": "clean"}) == "clean"
    assert check({"prod": "clean", "prod-shop": "drift"}) == "drift"
    assert check({"prod": "drift", "prod-shop": "failed"}) == "failed"
    assert check({"prod": "clean", "prod-shop": ""}) == ""  # one check left nothing: the issue is left alone
    merged = (tmp_path / "prodclean-prod-shopdrift" / "drift-prod.md").read_text()
    assert merged.startswith("<!-- grafana-as-code:drift-report:prod -->\n## Grafana drift in prod")
    assert "### prod-shop\n\nprod-shop: drift" in merged and merged.count("<!--") == 1


def test_pr_plans_only_the_affected_stacks_in_parallel_jobs() -> None:
    jobs = workflow("plan.yml")["jobs"]
    checkout = jobs["environments"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0 and checkout["with"]["persist-credentials"] is False
    plan = jobs["plan"]
    assert plan["if"] == "fromJSON(needs.environments.outputs.stacks).count > 0"
    assert plan["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.environments.outputs.stacks).include }}"}
    assert plan["strategy"]["fail-fast"] is False and "max-parallel" not in plan["strategy"]
    assert plan["environment"] == "${{ matrix.environment }}-pr"  # a team stack plans in its environment's
    synth = next(s for s in plan["steps"] if s.get("uses") == "./.github/actions/synth-stack")
    assert synth["with"] == {"environment": "${{ matrix.environment }}", "stack": "${{ matrix.stack }}"}
    build = next(s for s in jobs["comment"]["steps"] if "sticky_comment.py" in s.get("run", ""))
    assert '--stacks "$STACKS"' in build["run"]


def test_drift_checks_every_stack_and_keeps_one_issue_per_environment() -> None:
    jobs = workflow("drift.yml")["jobs"]
    assert jobs["detect"]["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.environments.outputs.stacks).include }}"}
    issue = jobs["issue"]
    assert issue["strategy"]["matrix"] == {"environment": "${{ fromJSON(needs.environments.outputs.json).names }}"}
    merge = next(i for i, s in enumerate(issue["steps"]) if "drift_merge.py" in s.get("run", ""))
    script = next(i for i, s in enumerate(issue["steps"]) if s.get("uses", "").startswith("actions/github-script@"))
    assert merge < script


def test_deploys_run_the_shared_stack_before_the_team_stacks() -> None:
    jobs = workflow("deploy-environment.yml")["jobs"]
    assert jobs["shared"]["uses"] == jobs["teams"]["uses"] == "./.github/workflows/deploy-stack.yml"
    assert jobs["shared"]["with"] == {"environment": "${{ inputs.environment }}", "stack": "${{ inputs.environment }}"}
    assert jobs["teams"]["needs"] == ["stacks", "shared"]  # a failed shared stack stops the team stacks
    assert jobs["teams"]["with"]["stack"] == "${{ matrix.stack }}"
    assert jobs["teams"]["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.stacks.outputs.teams).include }}"}
    assert "max-parallel" not in jobs["teams"]["strategy"]  # in parallel
    assert "stacks --env" in jobs["stacks"]["steps"][-1]["run"]
    caller = workflow("deploy.yml")["jobs"]["deploy"]
    assert caller["uses"] == "./.github/workflows/deploy-environment.yml"  # environments still one at a time
