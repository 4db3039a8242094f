"""The scripts the workflows run (.github/scripts): the sticky PR comment and the secret blanking of log excerpts."""
from __future__ import annotations

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
