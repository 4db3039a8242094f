"""Secret handling (secrets.py, components/secret_variables.py): names, one declaration each, what is missing, and
the sensitive Terraform variables a stack declares, synthesized in this process from a fixture list.

Written from mutation testing (make mutants): each test pins what must hold for a secret to stay out of the
repository and the synthesized JSON while reaching Terraform as TF_VAR_<name>.
"""
from __future__ import annotations

import json

import pytest

from grafana_as_code.errors import UserError
from grafana_as_code.secrets import GRAFANA_AUTH, Secret, check_name, merge, missing


@pytest.mark.parametrize("name", ["a", "slack_bot_token", "a1_2", "x" * 64])
def test_terraform_variable_names_are_accepted(name: str) -> None:
    assert check_name(name, "f.yaml", "token.secret") == name


@pytest.mark.parametrize("name", ["", "A", "Slack", "1a", "_a", "a-b", "a b", "x" * 65, "a\n"])
def test_other_names_are_refused_with_the_field(name: str) -> None:
    with pytest.raises(UserError) as caught:
        check_name(name, "f.yaml", "token.secret")
    (problem,) = caught.value.problems
    assert (problem.where, problem.field) == ("f.yaml", "token.secret")
    assert problem.message == f"secret names are lower_snake_case Terraform variable names, got {name!r}"


def test_merge_keeps_one_declaration_per_name_the_first_place_that_asks() -> None:
    later = Secret("token", "second", "b.yaml", "x")
    first = Secret("token", "first", "a.yaml", "y")
    same_file = Secret("token", "same file", "a.yaml", "a")
    other = Secret("alpha", "alpha", "z.yaml", "x")
    assert merge([later, other, first, same_file]) == [other, same_file]
    assert merge([]) == []


def test_missing_names_every_unset_secret_and_where_ci_keeps_it() -> None:
    secrets = [Secret("a_key", "d", "a.yaml", "f1"), Secret("b_key", "d", "b.yaml", "f2"), GRAFANA_AUTH]
    environ = {"TF_VAR_a_key": "set", "TF_VAR_b_key": ""}
    problems = missing(secrets, environ)
    assert [(p.where, p.field) for p in problems] == [("b.yaml", "f2"), ("environments/<env>.yaml", "grafana")]
    assert problems[0].message == ("secret 'b_key' is not set; export TF_VAR_b_key "
                                   "(from your secret store or CI secrets)")
    named = missing(secrets[:1], {}, where_set=lambda s: f"GitHub secret {s.name.upper()}")
    assert named[0].message == "secret 'a_key' is not set; export TF_VAR_a_key (GitHub secret A_KEY)"
    assert missing(secrets[:1], {"TF_VAR_a_key": "x"}) == []


def test_missing_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = Secret("mutants_probe_value", "d", "a.yaml", "f")
    monkeypatch.delenv("TF_VAR_mutants_probe_value", raising=False)
    assert len(missing([secret])) == 1
    monkeypatch.setenv("TF_VAR_mutants_probe_value", "x")
    assert missing([secret]) == []


def test_the_grafana_token_is_a_secret_of_every_environment() -> None:
    assert GRAFANA_AUTH.name == "grafana_auth" and GRAFANA_AUTH.env_var == "TF_VAR_grafana_auth"
    assert (GRAFANA_AUTH.file, GRAFANA_AUTH.field) == ("environments/<env>.yaml", "grafana")


def test_secret_variables_are_sensitive_required_and_ephemeral_only_when_asked(tmp_path) -> None:
    from grafana_as_code.bindings.runtime import synth_stack
    from grafana_as_code.cdk import App, TerraformOutput, TerraformStack
    from grafana_as_code.components.secret_variables import SecretVariables

    stack = TerraformStack(App(outdir=str(tmp_path)), "secrets")
    variables = SecretVariables(stack, "secrets", [Secret("api_token", "API token", "a.yaml", "token"),
                                                   Secret("grafana_auth", "Grafana token", "e.yaml", "grafana")],
                                ephemeral=["grafana_auth"])
    TerraformOutput(stack, "out", value=variables.value("api_token"), sensitive=True)
    synthesized = synth_stack(stack)
    assert synthesized["variable"] == {
        "api_token": {
            "type": "string", "sensitive": True, "nullable": False,
            "description": "API token (set TF_VAR_api_token; asked for by a.yaml: token)",
            "validation": [{"condition": "${length(var.api_token) > 0}",
                            "error_message": "api_token must not be empty: set TF_VAR_api_token."}],
        },
        "grafana_auth": {
            "type": "string", "sensitive": True, "nullable": False, "ephemeral": True,
            "description": "Grafana token (set TF_VAR_grafana_auth; asked for by e.yaml: grafana)",
            "validation": [{"condition": "${length(var.grafana_auth) > 0}",
                            "error_message": "grafana_auth must not be empty: set TF_VAR_grafana_auth."}],
        },
    }
    assert synthesized["output"]["out"]["value"] == "${var.api_token}"


def test_a_secret_variable_is_declared_once_and_only_declared_ones_are_referenced(tmp_path) -> None:
    from grafana_as_code.cdk import App, TerraformStack
    from grafana_as_code.components.secret_variables import SecretVariables

    stack = TerraformStack(App(outdir=str(tmp_path)), "secrets")
    token = Secret("api_token", "API token", "a.yaml", "token")
    with pytest.raises(ValueError, match="variable api_token is declared twice"):
        SecretVariables(stack, "secrets", [token, token])
    variables = SecretVariables(TerraformStack(App(outdir=str(tmp_path / "b")), "other"), "secrets", [token])
    with pytest.raises(KeyError, match="slack_token"):  # a reference to nothing would fail only at plan time
        variables.value("slack_token")
