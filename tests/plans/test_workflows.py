"""The GitHub workflows: linted (actionlint, zizmor offline) and checked, on the parsed YAML, for the rules the
linters cannot know: deploy queues no PR plan or drift check can take over, the apply of exactly the reviewed plan
with its lock file, keys out of reach of pull requests, environments derived from environments/."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plan_helpers import REPO

GITHUB = REPO / ".github"
WORKFLOWS = GITHUB / "workflows"
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
DEPLOY_WORKFLOWS = {"deploy.yml", "deploy-environment.yml", "deploy-stack.yml"}
PR_WORKFLOWS = {"plan.yml", "test.yml"}  # pull-request code runs in these
DRIFT_WORKFLOWS = {"drift.yml"}
TERRAFORM_PLAN = re.compile(r"terraform -chdir=\S+ plan\b")


def tool(name: str) -> str:
    """The linters come from requirements.txt into the venv, beside this Python."""
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed; run `make setup` (requirements.txt pins it)"
    return found


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def workflow(name: str) -> dict:
    return load(WORKFLOWS / name)


def jobs() -> list[tuple[str, str, dict]]:
    return [(path.name, name, job) for path in FILES for name, job in load(path)["jobs"].items()]


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def script(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def step_using(job: dict, action: str) -> list[dict]:
    return [step for step in steps(job) if step.get("uses", "").startswith(action)]


@pytest.fixture(scope="module")
def environment_names() -> list[str]:
    from grafana_as_code.environment import load_environments
    from grafana_as_code.github_actions import deploy_sequence

    return deploy_sequence(load_environments(REPO / "environments"))


def expand(template: str, environment: str) -> str:
    """A concurrency group or environment name as GitHub would evaluate it for one environment: the environment
    expressions become its name, any other expression a placeholder naming the expression."""
    text = re.sub(r"\$\{\{\s*(matrix|inputs)\.environment\s*\}\}", environment, template)
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: f"<{m.group(1)}>", text)


# --- linters and pins ----------------------------------------------------------------------------------------------

def test_actionlint_is_clean() -> None:
    result = subprocess.run([tool("actionlint"), "-no-color"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_zizmor_offline_is_clean() -> None:
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--persona=pedantic", ".github"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version_and_runtime_beside() -> None:
    uses = 0
    for path in [*FILES, *ACTIONS]:
        for line in path.read_text().splitlines():
            match = re.match(r"\s*(?:- )?uses: (\S+)(.*)$", line)
            if not match or match.group(1).startswith("./"):  # an action or workflow of this repository
                continue
            uses += 1
            assert PINNED.match(match.group(1)), (path.name, line)
            # The version the SHA was checked against, and that it runs on Node 24 (Node 20 is end-of-life).
            assert re.match(r"\s+# v\d+\.\d+\.\d+ \(runs\.using: node24\)", match.group(2)), (path.name, line)
    assert uses


def test_one_version_per_action() -> None:
    pins: dict[str, set[str]] = {}
    for path in [*FILES, *ACTIONS]:
        for action, sha in re.findall(r"uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40})", path.read_text()):
            pins.setdefault(action, set()).add(sha)
    assert pins and all(len(shas) == 1 for shas in pins.values()), pins


def test_dependabot_keeps_actions_python_and_npm_current() -> None:
    config = load(GITHUB / "dependabot.yml")
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(ecosystems) >= {"github-actions", "pip", "npm"}
    assert "/.github/actions/*" in ecosystems["github-actions"]["directories"]  # our composite actions' pins too


# --- permissions and secrets ---------------------------------------------------------------------------------------

def test_least_privilege_and_no_persisted_credentials() -> None:
    for path in FILES:
        assert load(path)["permissions"] == {}, path.name  # nothing by default; each job asks for what it needs
    for file, name, job in jobs():
        permissions = job.get("permissions", {})
        assert isinstance(permissions, dict), (file, name)
        assert not {k for k, v in permissions.items() if v == "write"} - {"id-token", "pull-requests", "issues"}, \
            (file, name, permissions)
        if permissions.get("id-token") == "write":  # OIDC only where state credentials are made
            assert "uses" in job or step_using(job, "./.github/actions/state-credentials"), (file, name)
        for step in step_using(job, "actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, (file, name)


def test_writes_to_pull_requests_and_issues_are_in_jobs_that_run_no_terraform() -> None:
    for file, name, job in jobs():
        permissions = job.get("permissions", {})
        if "pull-requests" in permissions or "issues" in permissions:
            assert "terraform" not in script(job) and "id-token" not in permissions, (file, name)


def test_secrets_only_through_env_and_never_in_scripts() -> None:
    for file, name, job in jobs():
        for step in steps(job):
            assert "secrets." not in step.get("run", ""), (file, name, step.get("name"))
            assert "secrets." not in str(step.get("with", {})), (file, name, step.get("name"))
        assert job.get("secrets") != "inherit", (file, name)


@pytest.fixture(scope="module")
def needed_secrets() -> set[str]:
    from grafana_as_code.project import load_project

    return {secret.name for catalog in load_project(REPO).catalogs for secret in catalog.secrets}


def planning_steps() -> list[tuple[str, str, dict]]:
    return [(file, name, step) for file, name, job in jobs() for step in steps(job)
            if TERRAFORM_PLAN.search(step.get("run", ""))]


def test_every_secret_the_stacks_need_is_mapped_to_its_terraform_variable(needed_secrets: set[str]) -> None:
    from grafana_as_code.github_actions import github_secret
    from grafana_as_code.secrets import Secret

    planning = planning_steps()
    assert {file for file, _, _ in planning} == {"plan.yml", "drift.yml", "deploy-stack.yml"}
    for file, name, step in planning:
        env = step.get("env", {})
        for secret in needed_secrets:
            github = github_secret(Secret(secret, "", "", ""))
            line = f"TF_VAR_{secret}: ${{{{ secrets.{github} }}}}"
            assert env.get(f"TF_VAR_{secret}") == f"${{{{ secrets.{github} }}}}", (
                f"{file}: step {name!r}: the stacks need the secret {secret!r}; add `{line}` to its env, as in every "
                "planning step of plan.yml, drift.yml and deploy-stack.yml (README: GitHub set-up per environment)")
        assert "check-secrets" in step["run"], (file, name)  # a missing secret fails, named, before terraform runs
        mode = "read --pr" if file in PR_WORKFLOWS | DRIFT_WORKFLOWS else "read"
        assert f"grafana_permissions.py {mode} " in step["run"], (file, name)  # and a token that cannot read


def test_the_apply_gets_only_the_ephemeral_token(needed_secrets: set[str]) -> None:
    apply = workflow("deploy-stack.yml")["jobs"]["apply"]
    variables = {k for step in steps(apply) for k in step.get("env", {}) if k.startswith("TF_VAR_")}
    assert variables == {"TF_VAR_grafana_auth"}  # the other values are in the sealed plan file
    assert "grafana_permissions.py write " in script(apply)


# --- queues --------------------------------------------------------------------------------------------------------

def groups(file: str, job: dict, environment: str) -> set[str]:
    """The concurrency groups a job waits in for one environment: its own and its workflow's."""
    found = set()
    for holder in (job, workflow(file)):
        concurrency = holder.get("concurrency")
        if concurrency:
            found.add(expand(concurrency["group"] if isinstance(concurrency, dict) else concurrency, environment))
    return found


def deploy_jobs() -> list[tuple[str, str, dict]]:
    """The caller jobs of deploy.yml hold the whole plan + approval + apply of the called workflow."""
    return [(file, name, job) for file, name, job in jobs() if file == "deploy.yml" and "uses" in job]


def test_no_deploy_shares_a_queue_with_a_pr_plan_or_a_drift_check(environment_names: list[str]) -> None:
    for environment in environment_names:
        deploy_groups = set().union(*(groups(f, job, environment) for f, _, job in deploy_jobs()))
        assert deploy_groups, "every deploy waits in a group of its environment"
        for file, name, job in jobs():
            if file in PR_WORKFLOWS | DRIFT_WORKFLOWS:
                assert not groups(file, job, environment) & deploy_groups, (file, name, environment)
        other_envs = [e for e in environment_names if e != environment]
        for other in other_envs:  # one environment's queue never holds another's (prod approval vs dev deploys)
            assert not deploy_groups & set().union(*(groups(f, j, other) for f, _, j in deploy_jobs()))


def test_deploys_are_never_cancelled_and_have_no_workflow_wide_queue() -> None:
    assert all("concurrency" not in workflow(name) for name in DEPLOY_WORKFLOWS)
    for file, name, job in jobs():
        if file in DEPLOY_WORKFLOWS and "concurrency" in job:
            assert job["concurrency"]["cancel-in-progress"] is False, (file, name)
    (_, _, caller), = deploy_jobs()
    assert "matrix.environment" in caller["concurrency"]["group"]
    assert caller["uses"] == "./.github/workflows/deploy-environment.yml"
    assert caller["strategy"]["max-parallel"] == 1 and caller["strategy"]["fail-fast"] is True


def test_pr_plans_and_drift_checks_plan_without_the_state_lock_and_deploys_with_it() -> None:
    for file, name, step in planning_steps():
        plans = [m.group(0) + rest for m, rest in ((m, step["run"][m.end():].split("\n", 1)[0])
                                                    for m in TERRAFORM_PLAN.finditer(step["run"]))]
        for command in plans:
            if file in PR_WORKFLOWS | DRIFT_WORKFLOWS:
                assert "-lock=false" in command, (file, name, command)  # never applied; a read-only role suffices
            else:
                assert "-lock=false" not in command and "-lock-timeout=" in command, (file, name, command)
    apply_commands = re.findall(r"terraform [^\n]*\bapply\b[^\n]*", script(workflow("deploy-stack.yml")
                                                                             ["jobs"]["apply"]))
    assert apply_commands and all("-lock-timeout=" in c for c in apply_commands)


def test_pr_plans_are_cancelled_by_newer_pushes_and_then_post_nothing() -> None:
    plan = workflow("plan.yml")
    assert plan["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in plan["concurrency"]["group"]
    assert "!cancelled()" in plan["jobs"]["comment"]["if"] and "always()" not in plan["jobs"]["comment"]["if"]


# --- the reviewed plan, the lock file, the keys --------------------------------------------------------------------

def test_the_apply_uses_the_reviewed_plan_and_its_lock_file() -> None:
    called = workflow("deploy-stack.yml")
    assert set(called[True]) == {"workflow_call"}  # YAML 1.1 reads the key `on` as true
    plan, apply = called["jobs"]["plan"], called["jobs"]["apply"]
    assert apply["needs"] == "plan" and "needs.plan.outputs.changes == 'true'" in apply["if"]  # no change: no approval
    assert plan["environment"] == "${{ inputs.environment }}-plan" and apply["environment"] == "${{ inputs.environment }}"
    # The plan job seals the plan file with its lock file, uploads it and outputs the sealed file's sha256.
    seal = next(s for s in steps(plan) if s.get("id") == "seal")
    assert "plan_artifact.py seal" in seal["run"] and plan["outputs"]["sha256"] == "${{ steps.seal.outputs.sha256 }}"
    upload, = step_using(plan, "actions/upload-artifact@")
    download, = step_using(apply, "actions/download-artifact@")
    assert upload["with"]["name"] == download["with"]["name"] == "plan-${{ inputs.stack }}"  # one per stack
    # The apply opens exactly that artifact, then inits with the lock file that came out of it, then applies it.
    order = [s.get("name", s.get("uses", "")) for s in steps(apply)]
    opened = next(i for i, s in enumerate(steps(apply)) if "plan_artifact.py open" in s.get("run", ""))
    assert steps(apply)[opened]["env"]["PLAN_SHA256"] == "${{ needs.plan.outputs.sha256 }}"
    init = next(i for i, s in enumerate(steps(apply)) if "init" in s.get("run", ""))
    applied = next(i for i, s in enumerate(steps(apply)) if re.search(r"terraform .*apply", s.get("run", "")))
    assert opened < init < applied, order
    assert "-lockfile=readonly" in steps(apply)[init]["run"]
    assert re.search(r"apply -input=false -lock-timeout=\S+ tfplan", steps(apply)[applied]["run"])
    assert not TERRAFORM_PLAN.search(script(apply))  # nothing is planned again
    sys.path.insert(0, str(GITHUB / "scripts"))
    try:
        from plan_artifact import MEMBERS
    finally:
        sys.path.remove(str(GITHUB / "scripts"))
    assert set(MEMBERS) == {"tfplan", ".terraform.lock.hcl"}


def test_a_stale_plan_says_what_to_do_and_an_older_commit_is_never_deployed() -> None:
    called = workflow("deploy-stack.yml")["jobs"]
    apply = script(called["apply"])
    assert "Saved plan is stale" in apply and "Do not re-run this job" in apply and "Run Deploy" in apply
    for name in ("plan", "apply"):
        assert 'gh api "repos/$REPOSITORY/commits/$BRANCH"' in script(called[name]) and "RUN_SHA" in script(called[name])


def environments_of(file: str, job: dict, names: list[str]) -> set[str]:
    if "environment" not in job:
        return set()
    value = job["environment"] if isinstance(job["environment"], str) else job["environment"]["name"]
    return {expand(value, name) for name in names}


def test_no_pr_reachable_environment_holds_a_key_that_opens_a_plan_artifact(environment_names: list[str]) -> None:
    from grafana_as_code.github_actions import PLAN_KEY_SECRET, apply_environment, github_setup, pr_environment
    from grafana_as_code.project import load_project

    reachable = set()  # GitHub environments that jobs running pull-request code (or drift) use
    for file, name, job in jobs():
        if file in PR_WORKFLOWS | DRIFT_WORKFLOWS:
            reachable |= environments_of(file, job, environment_names)
            assert PLAN_KEY_SECRET not in json.dumps(job), (file, name)
    assert reachable == {pr_environment(e) for e in environment_names}
    key_holders = set()
    for file, name, job in jobs():
        if PLAN_KEY_SECRET in json.dumps(job):
            key_holders |= environments_of(file, job, environment_names)
    assert key_holders == {apply_environment(e) for e in environment_names}
    assert not key_holders & reachable
    for catalog in load_project(REPO).catalogs:  # and the set-up the README and `environments --github` give
        for target in github_setup(catalog.env, catalog.secrets):
            assert (PLAN_KEY_SECRET in target.secrets) == (target.name == apply_environment(catalog.env.name))


def test_environments_are_never_listed_by_hand(environment_names: list[str]) -> None:
    listing = re.compile(r"\b(" + "|".join(map(re.escape, environment_names)) + r")\b")

    def strings(node: object) -> list[str]:
        if isinstance(node, dict):
            return [s for k, v in node.items() for s in strings(k) + strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return [node] if isinstance(node, str) else []

    for path in [*FILES, *ACTIONS]:  # comments aside (yaml drops them), no name of an environment anywhere
        found = [s for s in strings(load(path)) if listing.search(s)]
        assert not found, (path.name, found)
    stack_matrices = {  # stacks: the affected ones (PR plans), every one (drift), an environment's teams (deploy)
        "${{ fromJSON(needs.environments.outputs.stacks).include }}",
        "${{ fromJSON(needs.stacks.outputs.teams).include }}",
    }
    for file, name, job in jobs():
        matrix = job.get("strategy", {}).get("matrix", {})
        if matrix:
            assert matrix == {"environment": "${{ fromJSON(needs.environments.outputs.json).names }}"} or \
                (set(matrix) == {"include"} and matrix["include"] in stack_matrices), (file, name)
            needs = [job["needs"]] if isinstance(job["needs"], str) else job["needs"]
            assert "environments" in needs or "stacks" in needs, (file, name)
    listers = [job for _, _, job in jobs() if step_using(job, "./.github/actions/list-environments")]
    assert len(listers) == 3  # plan, drift, deploy
    action = (GITHUB / "actions" / "list-environments" / "action.yml").read_text()
    assert "python -m grafana_as_code environments --json" in action
    stack_listers = {file: step_using(job, "./.github/actions/list-stacks") for file, _, job in jobs()
                     if step_using(job, "./.github/actions/list-stacks")}
    assert set(stack_listers) == {"plan.yml", "drift.yml"}
    assert stack_listers["plan.yml"][0]["with"] == {"base": "${{ github.base_ref }}"}  # only what the change touches
    assert "with" not in stack_listers["drift.yml"][0]  # every stack
    action = (GITHUB / "actions" / "list-stacks" / "action.yml").read_text()
    assert "grafana_as_code affected --base" in action and "grafana_as_code stacks --json" in action


# --- comments, drift issues, tests ---------------------------------------------------------------------------------

def test_the_comment_shares_githubs_limit_among_the_environments() -> None:
    from grafana_as_code.github_actions import COMMENT_OVERHEAD, GITHUB_COMMENT_LIMIT, report_budget

    for count in range(1, 30):
        assert report_budget(count) * count + COMMENT_OVERHEAD <= GITHUB_COMMENT_LIMIT
    plan = workflow("plan.yml")["jobs"]["plan"]
    report = next(s for s in steps(plan) if "plan-report" in s.get("run", ""))
    # the planned stacks share the comment (affected --json gives each one's share)
    assert report["env"]["MAX_CHARS"] == "${{ fromJSON(needs.environments.outputs.stacks).report_max_chars }}"
    assert '--max-chars "$MAX_CHARS"' in report["run"]


def test_plan_comment_markers_agree() -> None:
    from grafana_as_code.plans.plan_report import MARKER

    sys.path.insert(0, str(GITHUB / "scripts"))
    try:
        import sticky_comment
    finally:
        sys.path.remove(str(GITHUB / "scripts"))
    assert sticky_comment.MARKER == MARKER and MARKER in (WORKFLOWS / "plan.yml").read_text()
    assert "<!-- grafana-as-code:commit=${head} -->" in (WORKFLOWS / "plan.yml").read_text()


def test_drift_issues_are_reopened_and_only_touched_from_the_default_branch() -> None:
    drift = workflow("drift.yml")
    triggers = drift[True]
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    issue = drift["jobs"]["issue"]
    assert "github.ref_name == github.event.repository.default_branch" in issue["if"]
    assert "!cancelled()" in issue["if"]
    body = issue["steps"][-1]["with"]["script"]
    assert "state: 'all'" in body and "state: 'open'" in body and "'failed'" in body
    detect = drift["jobs"]["detect"]
    assert "plan -refresh-only" in script(detect) and "drift-report" in script(detect)
    assert any(s.get("if") == "failure()" and "status-" in s.get("run", "") for s in steps(detect))


def test_pull_requests_run_make_test() -> None:
    test = workflow("test.yml")
    assert "pull_request" in test[True]
    (_, job), = test["jobs"].items()
    assert script(job).strip() == "make test" and job["permissions"] == {"contents": "read"}


def test_every_backend_the_readme_offers_has_credentials_or_a_clear_error() -> None:
    from grafana_as_code.environment import BACKENDS

    synth = (GITHUB / "actions" / "synth-stack" / "action.yml").read_text()
    credentials = (GITHUB / "actions" / "state-credentials" / "action.yml").read_text()
    for kind in BACKENDS:
        assert re.search(rf"\b{kind}\b", synth), kind
    assert "aws-actions/configure-aws-credentials@" in credentials and "google-github-actions/auth@" in credentials
    assert "TF_TOKEN_" in synth and "state.backend is local" in synth
    for file, name, job in jobs():
        if step_using(job, "./.github/actions/state-credentials"):
            assert any("TF_API_TOKEN" in json.dumps(s.get("env", {})) for s in steps(job)), (file, name)
