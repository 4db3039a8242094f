"""The scripts the workflows run (.github/scripts): the sticky PR comment and the secret blanking of log excerpts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plan_helpers import REPO

SCRIPTS = REPO / ".github" / "scripts"
sys.path.insert(0, str(SCRIPTS))
import redact  # noqa: E402
import sticky_comment  # noqa: E402

sys.path.remove(str(SCRIPTS))

RUN = "https://github.example/acme/grafana/actions/runs/1"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    """dev planned fine, staging failed in terraform, prod was cancelled (left nothing)."""
    (tmp_path / "status-dev").write_text("success\n")
    (tmp_path / "plan-dev.md").write_text(f"{sticky_comment.MARKER}\n## Terraform plan\n### dev\n\n| to add |\n| 1 |\n")
    (tmp_path / "status-staging").write_text("failure\n")
    (tmp_path / "error-staging.txt").write_text("Initializing...\n" + "noise line\n" * 400 +
                                                "Error: 403 Forbidden reading folder ```x```\n")
    return tmp_path


def test_each_environment_in_deploy_order_with_its_outcome(reports: Path) -> None:
    body = sticky_comment.build(reports, ["dev", "staging", "prod"], COMMIT, COMMIT, RUN)
    assert body.startswith(sticky_comment.MARKER + "\n<!-- grafana-as-code:commit=" + COMMIT + " -->")
    assert body.count(sticky_comment.MARKER) == 1 and body.count("## Terraform plan") == 1
    assert body.index("### dev") < body.index("### staging") < body.index("### prod")
    assert "| to add |" in body and "Planned at commit `0123456`" in body
    staging = body.split("### staging", 1)[1].split("### prod", 1)[0]
    assert "Plan failed" in staging and "Error: 403 Forbidden reading folder" in staging
    assert "```x```" not in staging  # cannot close the code block early
    excerpt = staging.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert excerpt.startswith("…\n") and len(excerpt) <= sticky_comment.ERROR_CHARS + 2
    prod = body.split("### prod", 1)[1]
    assert "cancelled" in prod and "Not counted as a failure" in prod and "failed" not in prod.lower()
    assert "Outdated" not in body


def test_a_plan_of_an_older_commit_is_marked_outdated(reports: Path) -> None:
    body = sticky_comment.build(reports, ["dev"], COMMIT, "fedcba9876543210", RUN)
    assert "**Outdated**: planned at `0123456`; the pull request is now at `fedcba9`" in body


def test_a_failure_before_terraform_says_so(tmp_path: Path) -> None:
    (tmp_path / "status-dev").write_text("failure")
    body = sticky_comment.build(tmp_path, ["dev"], COMMIT, COMMIT, RUN)
    assert "failed before `terraform plan`" in body


def test_the_comment_never_passes_githubs_limit(tmp_path: Path) -> None:
    names = [f"env{i}" for i in range(12)]
    for name in names:  # reports bigger than their share, as from an old plan-report
        (tmp_path / f"status-{name}").write_text("success")
        (tmp_path / f"plan-{name}.md").write_text("m\nt\n" + f"### {name}\n" + "x" * 20_000)
    body = sticky_comment.build(tmp_path, names, COMMIT, COMMIT, RUN)
    assert len(body) <= sticky_comment.GITHUB_LIMIT and body.endswith("has every report.")


def test_the_script_runs_as_the_workflow_calls_it(reports: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPTS / "sticky_comment.py"), str(reports), "--environments",
                             '{"names": ["dev", "staging"], "report_max_chars": 30000}', "--commit", COMMIT,
                             "--head", COMMIT, "--run-url", RUN], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "### staging" in result.stdout


def test_redact_blanks_every_secret_of_the_step_in_terraform_output() -> None:
    environ = dict(os.environ, TF_VAR_grafana_auth="glsa_abcdef123456", TF_VAR_postgres_password="hunter2-long",
                   TF_TOKEN_app_terraform_io="atlas-token-xyz", TF_VAR_short="no")
    text = ("Error: 401 for glsa_abcdef123456\npassword=hunter2-long token atlas-token-xyz\n"
            "a normal line: no change\n")
    result = subprocess.run([sys.executable, str(SCRIPTS / "redact.py")], input=text, env=environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout == "Error: 401 for ***\npassword=*** token ***\na normal line: no change\n"


def test_redact_blanks_longer_values_first() -> None:
    values = redact.secret_values({"TF_VAR_a": "secret", "TF_VAR_b": "secret-and-more"}, [])
    assert redact.redact("x secret-and-more y secret", values) == "x *** y ***"


# --- the Grafana token's permissions -------------------------------------------------------------------------------

sys.path.insert(0, str(SCRIPTS))
import grafana_permissions  # noqa: E402

sys.path.remove(str(SCRIPTS))

# What Grafana's basic roles grant for what the stack manages (Grafana RBAC role definitions): Viewer reads folders,
# dashboards and alert rules but neither data sources nor the provisioning API; Editor adds the provisioning API and
# dashboard/folder writes; Admin adds data sources, teams and permissions.
VIEWER = {"folders:read", "dashboards:read", "alert.rules:read", "alert.notifications:read", "datasources:query",
          "library.panels:read"}
EDITOR = VIEWER | {"alert.provisioning:read", "alert.provisioning:write", "dashboards:create", "dashboards:write",
                   "dashboards:delete", "folders:create", "folders:write", "folders:delete", "library.panels:create",
                   "library.panels:write", "library.panels:delete"}
ADMIN = EDITOR | {"datasources:read", "datasources:create", "datasources:write", "datasources:delete", "teams:read",
                  "teams:create", "teams:write", "teams:delete", "folders.permissions:read", "folders.permissions:write"}
RBAC_READER = VIEWER | {"datasources:read", "alert.provisioning:read", "teams:read", "folders.permissions:read"}
STACK = {"resource": {t: {} for t in ("grafana_data_source", "grafana_folder", "grafana_dashboard", "grafana_team",
                                      "grafana_folder_permission", "grafana_rule_group", "grafana_contact_point",
                                      "grafana_library_panel")},
         "data": {"grafana_team": {}}}


def needs(mode: str, stack: dict = STACK) -> dict:
    found, unknown = grafana_permissions.stack_needs(stack, mode)
    assert unknown == []
    return found


def test_a_viewer_token_cannot_plan_and_says_why() -> None:
    errors, _ = grafana_permissions.check(needs("read"), VIEWER, pr=True)
    assert any("read data sources (datasources:read)" in e for e in errors)
    assert any("provisioning API (alert.provisioning:read" in e for e in errors)
    assert not any("read folders " in e or "dashboards" in e for e in errors)


def test_the_reading_roles_of_each_edition() -> None:
    assert grafana_permissions.check(needs("read"), RBAC_READER, pr=True) == ([], [])  # Enterprise/Cloud: reads only
    errors, warnings = grafana_permissions.check(needs("read"), ADMIN, pr=True)  # OSS: only Admin reads data sources
    assert errors == [] and warnings and "pull-request code can reach it" in warnings[0]
    assert grafana_permissions.check(needs("read"), ADMIN, pr=False) == ([], [])  # the deploy plan: not PR-reachable
    errors, _ = grafana_permissions.check(needs("read"), EDITOR, pr=False)
    assert any("datasources:read" in e for e in errors) and any("teams:read" in e for e in errors)


def test_the_apply_needs_every_write_of_what_the_stack_manages() -> None:
    assert grafana_permissions.check(needs("write"), ADMIN, pr=False) == ([], [])
    errors, _ = grafana_permissions.check(needs("write"), RBAC_READER, pr=False)
    assert {e.split(" (")[0] for e in errors} == {f"the Grafana token cannot {need}"
                                                  for need in grafana_permissions.WRITE}
    # Only what the stack holds: a stack of dashboards needs no data source or team permission.
    dashboards_only = needs("write", {"resource": {"grafana_dashboard": {}, "grafana_folder": {}}})
    assert set(dashboards_only) == {"read dashboards", "read folders", "write dashboards", "write folders"}
    # A looked-up team is read, never written.
    lookup = needs("write", {"data": {"grafana_team": {}}})
    assert set(lookup) == {"read teams"}
    split = (EDITOR | {"alert.rules.provisioning:write", "alert.notifications.provisioning:write"}) - {
        "alert.provisioning:write"}
    found, _ = grafana_permissions.stack_needs({"resource": {"grafana_rule_group": {}}}, "write")
    assert grafana_permissions.check(found, split, pr=False) == ([], [])  # newer Grafana's split actions


def test_a_resource_type_without_a_rule_is_reported_not_passed() -> None:
    _, unknown = grafana_permissions.stack_needs({"resource": {"grafana_playlist": {}}}, "read")
    assert unknown == ["grafana_playlist"]


def test_every_type_our_stacks_synthesize_has_a_rule(content_synth: Path) -> None:
    """On every stack of the content's synthesis (shared with the content checks, conftest.py)."""
    stacks = sorted(content_synth.glob("stacks/*/cdk.tf.json"))
    assert stacks, "the content synthesized no stack"
    for stack in stacks:
        _, unknown = grafana_permissions.stack_needs(json.loads(stack.read_text()), "write")
        assert unknown == [], (stack.parent.name, unknown)


def test_the_script_reads_the_url_from_the_stack_and_names_a_missing_token(tmp_path: Path) -> None:
    (tmp_path / "cdk.tf.json").write_text('{"provider": {"grafana": [{"url": "http://127.0.0.1:9/"}]}}')
    assert grafana_permissions.grafana_url(tmp_path) == "http://127.0.0.1:9"
    environ = {k: v for k, v in os.environ.items() if k != "TF_VAR_grafana_auth"}
    result = subprocess.run([sys.executable, str(SCRIPTS / "grafana_permissions.py"), "read", str(tmp_path)],
                            capture_output=True, text=True, env=environ, timeout=60)
    assert result.returncode == 1 and "::error::TF_VAR_grafana_auth is empty" in result.stdout
    assert "GRAFANA_AUTH" in result.stdout and "Traceback" not in result.stderr
    (tmp_path / "cdk.tf.json").write_text('{"provider": {}}')
    result = subprocess.run([sys.executable, str(SCRIPTS / "grafana_permissions.py"), "write", str(tmp_path)],
                            capture_output=True, text=True, env=dict(environ, TF_VAR_grafana_auth="x"), timeout=60)
    assert result.returncode == 1 and "no grafana provider url" in result.stdout


def test_an_unreachable_grafana_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "cdk.tf.json").write_text('{"provider": {"grafana": [{"url": "http://127.0.0.1:9"}]}}')
    result = subprocess.run([sys.executable, str(SCRIPTS / "grafana_permissions.py"), "read", str(tmp_path)],
                            capture_output=True, text=True, env=dict(os.environ, TF_VAR_grafana_auth="glsa_x"),
                            timeout=60)
    assert result.returncode == 1 and "could not read the token's permissions" in result.stdout
