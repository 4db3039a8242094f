"""`affected`: changed files → the stacks a pull request plans, pinned on the fixture project of shard_fixture.py
(dev: one stack; prod: a shared stack and the team stacks prod-shop and prod-infra)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from grafana_as_code.cli import main
from project_copy import run_cli
from shard_fixture import make_project, run_git

EVERY_STACK = {"dev", "prod", "prod-infra", "prod-shop"}

MAPPING = {
    "dashboards/shop/orders.yaml": {"dev", "prod-shop"},
    "dashboards/shop/checkout/logs.yaml": {"dev", "prod-shop"},  # a subfolder belongs to the nearest owner
    "dashboards/shop/new-board.json": {"dev", "prod-shop"},  # a file that does not exist (deleted or renamed away)
    "dashboards/infra/nodes.yaml": {"dev", "prod-infra"},
    "dashboards/misc/about.yaml": {"dev", "prod"},  # no team owns misc: the shared stack holds it
    "dashboards/shop/_library-panels/orders-rate.yaml": {"dev", "prod-shop"},
    "dashboards/shop/_folder.yaml": {"dev", "prod", "prod-shop"},  # the folder is shared, its objects are shop's
    "datasources/logs.yaml": {"dev", "prod", "prod-shop"},  # only shop's checkout-logs queries Loki
    "datasources/prom.yaml": EVERY_STACK,
    "environments/prod.yaml": {"prod", "prod-infra", "prod-shop"},
    "environments/dev.yaml": {"dev"},
    "alerts/rules/shop.yaml": {"dev", "prod-shop"},
    "alerts/grafana/shop.yaml": {"dev", "prod-shop"},
    "alerts/contact-points/team-slack.yaml": {"dev", "prod"},  # no rule names a contact point directly
    "alerts/policies/_root.yaml": {"dev", "prod"},
    "teams/shop.yaml": EVERY_STACK,  # ownership moves objects between stacks
    "grafana_as_code/project.py": EVERY_STACK,
    "stacks/grafana_stack.py": EVERY_STACK,
    "main.py": EVERY_STACK,
    "imports/grafana/dashboard.py": EVERY_STACK,
    "requirements.txt": EVERY_STACK,
    "package-lock.json": EVERY_STACK,
    ".github/workflows/plan.yml": EVERY_STACK,
    "README.md": set(),
    "tests/test_synth.py": set(),
    "alerts/tests/shop.test.yaml": set(),
    "alerts/policies/routes.test.yaml": set(),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("affected") / "project", git=True)


def affected(root: Path, *args: str) -> dict:
    result = run_cli(root, "affected", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", sorted(MAPPING))
def test_each_kind_of_change_maps_to_its_stacks(project: Path, path: str, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`affected --json PATH` through the CLI's own entry point, in this process: a Python start and its imports
    (most of a call's time) less for each of the many paths. The tests below run the CLI in a process of its own,
    as CI does."""
    monkeypatch.chdir(project)
    assert main(["affected", "--json", path]) == 0
    assert {row["stack"] for row in json.loads(capsys.readouterr().out)["include"]} == MAPPING[path]


def test_output_is_a_github_matrix_in_deploy_order(project: Path) -> None:
    result = affected(project, "datasources/prom.yaml", "README.md")
    assert result["count"] == 4 and result["environments"] == ["dev", "prod"]
    assert [(r["stack"], r["wave"], r["shared"]) for r in result["include"]] == [
        ("dev", 0, True), ("prod", 0, True), ("prod-infra", 1, False), ("prod-shop", 1, False)]
    assert result["include"][3] | {"because": []} == {
        "stack": "prod-shop", "environment": "prod", "team": "shop", "shared": False, "wave": 1, "backend": "s3",
        "stack_dir": "cdktf.out/stacks/prod-shop", "because": []}


def test_nothing_changed_is_an_empty_matrix(project: Path) -> None:
    assert affected(project, "README.md") | {"report_max_chars": 0} == {"include": [], "count": 0, "environments": [], "report_max_chars": 0}


def test_files_from_stdin_and_from_git(project: Path) -> None:
    import os
    import subprocess
    import sys

    from project_copy import schema_path

    done = subprocess.run([sys.executable, "-m", "grafana_as_code", "affected", "-"], cwd=project, text=True,
                          input="dashboards/infra/nodes.yaml\n\nREADME.md\n", capture_output=True,
                          env=dict(os.environ, GRAFANA_PROVIDER_SCHEMA=str(schema_path())))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["dev: dashboards/infra/nodes.yaml", "prod-infra: dashboards/infra/nodes.yaml"]


def test_a_rule_group_moving_folder_plans_both_teams(project: Path, tmp_path: Path) -> None:
    """The base names folder shop, the head infra: the group leaves prod-shop and arrives in prod-infra."""
    run_git(project, "checkout", "-q", "-b", "move-rules")
    try:
        extras = project / "alerts" / "grafana" / "shop.yaml"
        extras.write_text(extras.read_text().replace("folder: shop", "folder: infra"))
        (project / "dashboards" / "misc" / "about.yaml").unlink()
        run_git(project, "commit", "-q", "-am", "rules to infra, about gone")
        result = affected(project, "--base", "main")
        assert {r["stack"] for r in result["include"]} == {"dev", "prod", "prod-infra", "prod-shop"}
        reasons = {r["stack"]: r["because"] for r in result["include"]}
        assert reasons["prod-shop"] == ["alerts/grafana/shop.yaml"]
        assert reasons["prod"] == ["dashboards/misc/about.yaml"]
    finally:
        run_git(project, "checkout", "-q", "-f", "main")


def test_no_changes_given_is_an_error(project: Path) -> None:
    result = run_cli(project, "affected")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "error: affected: give --base REF" in result.stderr
