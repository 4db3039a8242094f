"""Reading plan JSON: Terraform's real output, action words, masking on load, unknown values."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from plan_helpers import SECRETS
from grafana_as_code.errors import UserError
from grafana_as_code.plans.model import UNKNOWN, load_plan, parse_plan
from grafana_as_code.plans.sensitive import Sensitive, redact


def test_real_terraform_plan_gives_one_action_word_per_resource(fixtures: Path) -> None:
    plan = load_plan(fixtures / "tf-changes.json", "dev")
    actions = {change.address: change.action for change in plan.changes}
    assert actions == {"terraform_data.created": "create", "terraform_data.destroyed": "delete",
                       "terraform_data.replaced": "replace", "terraform_data.unchanged": "no-op",
                       "terraform_data.updated": "update"}
    assert plan.format_version == "1.2" and plan.terraform_version.startswith("1.")
    replaced = next(c for c in plan.changes if c.action == "replace")
    assert replaced.replace_paths == (("triggers_replace",),)


def test_sensitive_values_are_masked_on_load_and_collected_for_redaction(fixtures: Path) -> None:
    plan = load_plan(fixtures / "tf-changes.json", "dev")
    updated = next(c for c in plan.changes if c.address == "terraform_data.updated")
    assert isinstance(updated.before["input"]["token"], Sensitive)
    assert updated.before["input"]["token"] == updated.after["input"]["token"]  # unchanged, still comparable
    assert "s3cr3t" not in repr(updated.before["input"])
    assert "s3cr3t-token-value" in plan.secrets  # from the sensitive variable and the marked value
    assert redact('"s3cr3t-token-value"', plan.secrets) == '"(sensitive value)"'


def test_values_known_only_after_apply_are_marked(fixtures: Path) -> None:
    plan = load_plan(fixtures / "tf-changes.json", "dev")
    created = next(c for c in plan.changes if c.action == "create")
    assert created.after["id"] is UNKNOWN and created.after["input"]["name"] == "new"


def test_minor_format_versions_are_accepted_and_unknown_fields_ignored() -> None:
    plan = parse_plan({"format_version": "1.9", "resource_changes": [], "something_new": {}}, "p.json", "dev")
    assert plan.changes == ()


@pytest.mark.parametrize("data, field, message", [
    ({"format_version": "2.0", "resource_changes": []}, "format_version", "unsupported plan format '2.0'"),
    ({"format_version": "1.0", "values": {}}, "resource_changes", "a state file"),
    ({"resource_changes": []}, "format_version", "not a Terraform plan"),
    ([1, 2], "", "expected a JSON object"),
    ({"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "change": {"actions": ["move"]}}]},
     "resource_changes[0].change.actions", "unknown action"),
    ({"format_version": "1.2", "resource_changes": [{"type": "a", "change": {"actions": ["create"]}}]},
     "resource_changes[0].address", "is required"),
])
def test_bad_plans_name_the_field(data: object, field: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_plan(data, "plan.json", "dev")
    problem = caught.value.problems[0]
    assert (problem.where, problem.field) == ("plan.json", field)
    assert message in problem.message


def test_truncated_file_says_so(tmp_path: Path, fixtures: Path) -> None:
    text = (fixtures / "tf-changes.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(UserError) as caught:
        load_plan(cut, "dev")
    assert "not valid JSON (the file is cut short)" in str(caught.value)


def test_every_fixture_is_valid_terraform_json_format(fixtures: Path) -> None:
    for path in sorted(fixtures.glob("*.json")):
        data = json.loads(path.read_text())
        assert data["format_version"].startswith("1."), path.name
        for entry in data.get("resource_changes", []) + data.get("resource_drift", []):
            assert {"address", "mode", "type", "name", "provider_name", "change"} <= set(entry), path.name
            assert {"actions", "before", "after", "after_unknown", "before_sensitive",
                    "after_sensitive"} <= set(entry["change"]), (path.name, entry["address"])
        load_plan(path, "dev")


def test_fixtures_hold_the_secrets_the_reports_must_hide(fixtures: Path) -> None:
    """Guards the secrecy tests below: they would pass vacuously if the fixtures held no secrets."""
    text = "".join(p.read_text() for p in fixtures.glob("*.json"))
    assert all(secret in text for secret in SECRETS)
