"""What CI derives from environments/: the deploy order, the comment budget, the GitHub environments, secrets and
variables per environment (`environments --json/--github`, `check-secrets`), on copies of the project."""
from __future__ import annotations

import json
import re
from pathlib import Path

from project_copy import run_cli

from grafana_as_code.github_actions import (COMMENT_OVERHEAD, GITHUB_COMMENT_LIMIT, MIN_REPORT_CHARS,
                                            report_budget)

REPO = Path(__file__).resolve().parent.parent


def names(project: Path) -> list[str]:
    return [p.stem for p in sorted((project / "environments").glob("*.yaml"))]


def listing(project: Path) -> dict:
    result = run_cli(project, "environments", "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1  # one line: it goes into a job output
    return json.loads(result.stdout)


def test_a_new_environment_file_joins_every_matrix_in_its_deploy_order(project: Path) -> None:
    before = listing(project)
    assert sorted(before["names"]) == names(project)
    orders = {}
    for name in before["names"]:
        match = re.search(r"^deploy_order: (\d+)", (project / "environments" / f"{name}.yaml").read_text(), re.M)
        orders[name] = int(match.group(1)) if match else 1
    assert before["names"] == sorted(orders, key=lambda n: (orders[n], n))
    # A new environment deploying before every other one (the lowest order, and a name sorting first).
    first = min(orders.values())
    source = (project / "environments" / f"{before['names'][0]}.yaml").read_text()
    new = re.sub(r"^deploy_order: \d+", f"deploy_order: {first}", source, flags=re.M)
    (project / "environments" / "aa-sandbox.yaml").write_text(new)
    after = listing(project)
    assert after["names"] == ["aa-sandbox", *before["names"]]
    assert after["report_max_chars"] == report_budget(len(before["names"]) + 1) < before["report_max_chars"]
    assert after["backends"]["aa-sandbox"] == before["backends"][before["names"][0]]


def test_the_comment_budget_keeps_the_whole_comment_under_githubs_limit() -> None:
    for count in range(1, 31):
        share = report_budget(count)
        assert share >= MIN_REPORT_CHARS and share * count + COMMENT_OVERHEAD <= GITHUB_COMMENT_LIMIT
    assert report_budget(1) == GITHUB_COMMENT_LIMIT - COMMENT_OVERHEAD
    assert report_budget(200) == MIN_REPORT_CHARS  # plan-report's floor; the comment script cuts the rest


def test_bad_deploy_orders_and_reserved_names_are_clear_errors(project: Path) -> None:
    env = project / "environments" / f"{names(project)[0]}.yaml"
    text = env.read_text()
    for value in ("0", "first", "1.5"):
        env.write_text(re.sub(r"^deploy_order: .*$", f"deploy_order: {value}", text, flags=re.M)
                       if "deploy_order:" in text else f"deploy_order: {value}\n{text}")
        result = run_cli(project, "environments", "--json")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"error: environments/{env.name}: deploy_order:" in result.stderr, result.stderr
    env.write_text(text)
    (project / "environments" / f"{env.stem}-pr.yaml").write_text(text)
    result = run_cli(project, "environments", "--json")
    assert result.returncode == 1
    assert f"error: environments/{env.stem}-pr.yaml: environment names ending in -pr or -plan are reserved" \
           in result.stderr


def test_dynamodb_locking_is_accepted_with_a_deprecation_warning(project: Path) -> None:
    env = project / "environments" / f"{names(project)[0]}.yaml"
    env.write_text(re.sub(r"^state:.*\n(  .*\n)+", "state:\n  backend: s3\n  bucket: b\n  key: k\n  region: eu-west-1\n"
                                                  "  dynamodb_table: platform-terraform-locks\n",
                          env.read_text(), flags=re.M))
    result = run_cli(project, "environments", "--json")
    assert result.returncode == 0
    assert (f"warning: environments/{env.name}: state.dynamodb_table: DynamoDB locking is deprecated since "
            "Terraform 1.11: use `use_lockfile: true`") in result.stderr


def test_check_secrets_names_the_github_secret_and_environments(project: Path) -> None:
    env = names(project)[0]
    result = run_cli(project, "check-secrets", "--env", env)
    assert result.returncode == 1
    assert (f"export TF_VAR_grafana_auth (in GitHub Actions: the secret GRAFANA_AUTH of the GitHub environments "
            f"{env}-pr, {env}-plan and {env})") in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    for line in lines:
        variable = re.search(r"export TF_VAR_(\w+)", line).group(1)
        assert f"the secret {variable.upper()} of the GitHub environments {env}-pr" in line


def test_environments_github_lists_what_each_environment_needs(project: Path) -> None:
    env = names(project)[0]
    (project / "environments" / "cloudy.yaml").write_text(re.sub(
        r"^state:.*\n(  .*\n)+", "state:\n  backend: cloud\n  organization: acme\n  workspace: grafana-cloudy\n",
        (project / "environments" / f"{env}.yaml").read_text(), flags=re.M))
    result = run_cli(project, "environments", "--github")
    assert result.returncode == 0, result.stderr
    found = re.findall(r"^  GitHub environment (\S+) .*\n    secrets: +(.*)\n    variables: +(.*)$", result.stdout, re.M)
    blocks = {name: (secrets, variables) for name, secrets, variables in found}
    for name in [*names(project)]:
        assert {f"{name}-pr", f"{name}-plan", name} <= set(blocks), name
        assert "PLAN_DECRYPTION_KEY" in blocks[name][0]
        assert "PLAN_DECRYPTION_KEY" not in blocks[f"{name}-pr"][0] + blocks[f"{name}-plan"][0]
        assert "PLAN_ENCRYPTION_CERT" in blocks[f"{name}-plan"][1]
        assert "GRAFANA_AUTH" in blocks[name][0] and "GRAFANA_AUTH" in blocks[f"{name}-pr"][0]
    assert "TF_API_TOKEN" in blocks["cloudy-pr"][0] and blocks["cloudy-pr"][1] == "-"
    assert "AWS_STATE_ROLE_ARN" in blocks[f"{env}-pr"][1]


def test_the_readme_names_what_a_new_environment_needs() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Pull requests, deploys and drift", 1)[1].split("\n## ", 1)[0]
    for needed in ("environments --github", "`<env>-pr`", "`<env>-plan`", "`<env>`", "PLAN_DECRYPTION_KEY",
                   "PLAN_ENCRYPTION_CERT", "AWS_STATE_ROLE_ARN", "GCP_WORKLOAD_IDENTITY_PROVIDER",
                   "GCP_STATE_SERVICE_ACCOUNT", "TF_API_TOKEN", "GRAFANA_AUTH", "make provider-lock",
                   "make plan-keys", "Saved plan is stale", "-lock=false", "deploy_order"):
        assert needed in section, needed


def test_make_provider_lock_locks_the_named_platforms_and_keeps_the_version_unless_asked() -> None:
    """`make -n` only prints the recipe (the registry it needs cannot be reached here)."""
    import subprocess

    def recipe(*args: str) -> str:
        result = subprocess.run(["make", "-n", "provider-lock", *args], cwd=REPO, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    keep = recipe("PROVIDER_PLATFORMS=linux_amd64 darwin_arm64")
    assert "providers lock -platform=linux_amd64 -platform=darwin_arm64" in keep
    assert 'if [ -f .terraform.lock.hcl ] && [ -z "" ]; then cp .terraform.lock.hcl' in keep  # keeps the version
    assert "grafana_as_code environments" in keep  # the stack of an existing environment, not a fixed name
    assert '[ -z "1" ]' in recipe("UPGRADE=1")  # the committed lock is not copied: the newest allowed version
