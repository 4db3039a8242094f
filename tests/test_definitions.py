"""Bad definition files: each stops with one message naming the file and the field.

Machinery tests: they break copies of the fixture project (tests/fixtures/project-minimal), never the repository's
own environments or data sources.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.errors import UserError
from grafana_as_code.environment import load_environments
from grafana_as_code.project import load_project
from grafana_as_code.secrets import missing

from project_copy import copy_fixture_project, edit


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)  # messages name files relative to the working directory, as users see them
    return root


def message(root: Path, only: list[str] | None = None) -> str:
    with pytest.raises(UserError) as caught:
        load_project(root, only)
    return str(caught.value)


def test_the_fixture_loads_for_every_environment(tree: Path) -> None:
    project = load_project(tree)
    assert [c.env.name for c in project.catalogs] == ["dev", "prod"]  # sorted by file name
    assert {d.uid for d in project.catalogs[0].datasources} == {"prometheus", "loki", "tempo", "postgres", "sentry"}


def test_malformed_yaml(tree: Path) -> None:
    (tree / "environments" / "dev.yaml").write_text("grafana:\n  url: [unclosed\n")
    assert message(tree).startswith("environments/dev.yaml: malformed YAML: line 3")


def test_duplicate_yaml_key(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", "  retries: 5\n", "  retries: 5\n  retries: 6\n")
    assert "environments/dev.yaml: malformed YAML" in message(tree)
    assert "duplicate key 'retries'" in message(tree)


def test_wrong_type_in_environment(tree: Path) -> None:
    edit(tree / "environments" / "prod.yaml", "retries: 8", "retries: eight")
    assert message(tree) == "environments/prod.yaml: grafana.retries: expected an integer, got a string"


def test_misspelled_field_gets_a_suggestion(tree: Path) -> None:
    edit(tree / "environments" / "prod.yaml", "retry_wait: 5", "retry_wiat: 5")
    assert message(tree) == "environments/prod.yaml: grafana.retry_wiat: unknown field; did you mean 'retry_wait'?"


def test_missing_grafana_url(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", "  url: https://grafana.dev.shop.test\n", "")
    assert message(tree) == "environments/dev.yaml: grafana.url: is required (a string)"


def test_unknown_state_backend_and_missing_bucket(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", "backend: s3", "backend: consul")
    assert message(tree).startswith("environments/dev.yaml: state.backend: unknown state backend 'consul'; one of:")
    edit(tree / "environments" / "dev.yaml", "backend: consul\n  bucket: shop-terraform-state", "backend: s3")
    assert message(tree) == "environments/dev.yaml: state.bucket: is required (a string)"


def test_unknown_environment_selected(tree: Path) -> None:
    assert message(tree, ["prod2"]) == "environments: unknown environment 'prod2'; known: dev, prod"


def test_secret_in_contacts_is_refused(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", "  pagerduty: false", "  pagerduty: {integration_key: abc}")
    assert message(tree).startswith("environments/dev.yaml: contacts.pagerduty: expected true or false, got a mapping "
                                    "(secrets such as webhook URLs, tokens or integration keys do not belong here")


def test_endpoint_for_an_unknown_datasource(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", "  loki:\n", "  lokki:\n")
    assert message(tree).startswith("environments/dev.yaml: datasources.lokki: no data source definition "
                                    "datasources/lokki.yaml")


def test_datasource_template_error_names_the_file(tree: Path) -> None:
    text = (tree / "datasources" / "loki.yaml").read_text()
    line = text[:text.index("{{ endpoint.url }}")].count("\n") + 1
    edit(tree / "datasources" / "loki.yaml", "{{ endpoint.url }}", "{{ endpoint.address }}")
    assert message(tree) == f"datasources/loki.yaml: line {line}: template error: 'dict object' has no attribute " \
                            "'address'"


def test_link_to_a_datasource_the_environment_lacks(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", "  tempo:\n    url: http://tempo.dev.shop.test:3200\n", "")
    text = message(tree, ["dev"])
    assert "datasources/loki.yaml: json_data.derivedFields[0].datasourceUid: links to data source 'tempo', " \
           "which environment 'dev' does not have" in text


def test_duplicate_datasource_uid(tree: Path) -> None:
    edit(tree / "datasources" / "loki.yaml", "uid: loki", "uid: prometheus")
    assert message(tree) == ("datasources/prometheus.yaml: uid: uid 'prometheus' is already used by "
                             "datasources/loki.yaml")


def test_uid_over_40_characters(tree: Path) -> None:
    edit(tree / "datasources" / "loki.yaml", "uid: loki", "uid: " + "l" * 41)
    assert message(tree) == f"datasources/loki.yaml: uid: uid '{'l' * 41}' is 41 characters; Grafana allows at most 40"


def test_datasource_uid_must_not_differ_per_environment(tree: Path) -> None:
    edit(tree / "datasources" / "loki.yaml", "uid: loki", "uid: loki-{{ env.name }}")
    assert message(tree) == ("datasources/loki.yaml: uid: is 'loki-prod' in prod but 'loki-dev' in dev; "
                             "a data source keeps one uid in every environment")


def test_invalid_access_mode(tree: Path) -> None:
    edit(tree / "datasources" / "loki.yaml", "type: loki", "type: loki\naccess_mode: browser")
    assert message(tree) == "datasources/loki.yaml: access_mode: expected one of proxy, direct, got 'browser'"


def test_bad_secret_name(tree: Path) -> None:
    edit(tree / "datasources" / "postgres.yaml", "secret: postgres_password", "secret: Postgres-Password")
    assert message(tree).startswith("datasources/postgres.yaml: secure_json_data.password.secret: secret names are")


def test_folder_directory_without_folder_file(tree: Path) -> None:
    (tree / "dashboards" / "orphan").mkdir(parents=True)
    assert message(tree) == "dashboards/orphan: every folder directory needs a _folder.yaml giving at least its title"


def test_duplicate_folder_uid(tree: Path) -> None:
    for name in ("a", "b"):
        (tree / "dashboards" / name).mkdir(parents=True)
        (tree / "dashboards" / name / "_folder.yaml").write_text(f"title: {name}\nuid: same\n")
    assert message(tree) == "dashboards/b/_folder.yaml: uid: folder uid 'same' is already used by dashboards/a/_folder.yaml"


def test_missing_secrets_are_named_with_where_they_are_asked_for(tree: Path) -> None:
    catalog = load_project(tree, ["prod"]).catalogs[0]
    notification_secrets = {"TF_VAR_slack_bot_token": "s", "TF_VAR_pagerduty_integration_key": "p"}
    problems = missing(catalog.secrets, {"TF_VAR_grafana_auth": "x", "TF_VAR_sentry_auth_token": "y",
                                         **notification_secrets})
    assert [str(p) for p in problems] == [
        "datasources/postgres.yaml: secure_json_data.password: secret 'postgres_password' is not set; "
        "export TF_VAR_postgres_password (from your secret store or CI secrets)"]
    assert [s.name for s in catalog.secrets] == ["grafana_auth", "pagerduty_integration_key", "postgres_password",
                                                 "sentry_auth_token", "slack_bot_token"]


def test_grafana_version_is_required_and_checked(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", '  version: "11.6"', '  version: "10.4"')
    assert message(tree) == ("environments/dev.yaml: grafana.version: Grafana 10.4 is older than the oldest "
                             "supported, 11.0")
    edit(tree / "environments" / "dev.yaml", '  version: "10.4"', "  version: twelve")
    assert message(tree) == "environments/dev.yaml: grafana.version: expected a Grafana version such as \"12.1\", " \
                            "got 'twelve'"
    edit(tree / "environments" / "dev.yaml", "  version: twelve", "  # no version")
    assert message(tree).startswith("environments/dev.yaml: grafana.version: missing: the version of the Grafana")


def test_grafana_version_is_read(tree: Path) -> None:
    edit(tree / "environments" / "dev.yaml", '  version: "11.6"', '  version: "11.6.3"')
    dev = load_environments(tree / "environments", ["dev"])[0].grafana
    assert dev.version == (11, 6) and dev.version_text == "11.6"
    assert dev.at_least(11, 6) and not dev.at_least(12)
