"""The door: every form of a secret written into a definition file is refused with its file, field and fix.

Each form is planted alone into a small project (tests/fixtures/secrets-project) and must be the one problem named;
then all of them together through `synth`, which must report every one in one run and write nothing.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from project_copy import REPO, edit, run_cli
from secrets_fixture import (API_KEY, BEARER_JWT, HIGH_ENTROPY_TOKEN, PAGERDUTY_KEY, PASSWORD, PLANTED, SLACK_TOKEN,
                             SLACK_WEBHOOK, URL_PASSWORD, leaked, secrets_project)

from grafana_as_code.environment import load_environments
from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project
from grafana_as_code.secret_guard.door import check_definitions
from grafana_as_code.secret_guard.keys import is_secret_header, is_secret_key, url_credentials

PROMETHEUS, POSTGRES = "datasources/prometheus.yaml", "datasources/postgres.yaml"
ENV, ONCALL = "environments/dev.yaml", "alerts/contact-points/oncall.yaml"
JSON_DATA = "  httpMethod: POST\n"  # anchors in the fixture's files; plants insert after them
PG_JSON_DATA = "  sslmode: require\n"
RECIPIENT = '    recipient: "{{ env.contacts.slack_channel }}"\n'


@dataclass(frozen=True)
class Plant:
    name: str
    file: str
    old: str | None  # replaced by new (which keeps it when inserting after it); None: new is appended to the file
    new: str
    field: str  # the field the error must name
    says: str  # and a fragment of what it must say (the fix)
    where: str = ""  # the file the error names, when not the planted one

    def apply(self, root: Path) -> None:
        path = root / self.file
        if self.old is None:
            path.write_text(path.read_text() + self.new)
        else:
            edit(path, self.old, self.new)


PLANTS = [
    Plant("header value in json_data", PROMETHEUS, JSON_DATA,
          JSON_DATA + f"  httpHeaderName1: X-Api-Key\n  httpHeaderValue1: {HIGH_ENTROPY_TOKEN}\n",
          "json_data.httpHeaderValue1", "http_headers: {X-Api-Key: {secret: <name>}}"),
    Plant("plain Authorization header", PROMETHEUS, "  Authorization:\n    secret: prometheus_bearer\n",
          f"  Authorization:\n    value: {BEARER_JWT}\n",
          "http_headers.Authorization.value", "http_headers: {Authorization: {secret: <name>}}"),
    Plant("password in json_data", POSTGRES, PG_JSON_DATA, PG_JSON_DATA + f"  password: {PASSWORD}\n",
          "json_data.password", "Grafana reads password only from secureJsonData"),
    Plant("plain value in secure_json_data", POSTGRES, "  password:\n    secret: postgres_password\n",
          f"  password: {PASSWORD}\n", "secure_json_data.password", "secure_json_data: {password: {secret: <name>}}"),
    Plant("plain basic auth password", PROMETHEUS, JSON_DATA.replace("  httpMethod", "json_data:\n  httpMethod"),
          f"basic_auth:\n  username: reader\n  password: {PASSWORD}\njson_data:\n  httpMethod: POST\n",
          "basic_auth.password", "basic_auth: {password: {secret: <name>}}"),
    Plant("API key under another key", PROMETHEUS, JSON_DATA, JSON_DATA + f"  myApiKey: {API_KEY}\n",
          "json_data.myApiKey", "its name says it holds a secret"),
    Plant("high-entropy token under an innocent key", PROMETHEUS, JSON_DATA,
          JSON_DATA + f"  customParam: {HIGH_ENTROPY_TOKEN}\n",
          "json_data.customParam", "looks like a secret (Base64 High Entropy String)"),
    Plant("secret query parameter in a URL", PROMETHEUS, JSON_DATA,
          JSON_DATA + "  alertmanagerUrl: https://am.example.com/api?api_key=Zq8Lw2Rt\n",
          "json_data.alertmanagerUrl", "a secret query parameter (api_key=…)"),
    Plant("user:password@ in an endpoint URL", ENV, "url: http://prometheus.monitoring.svc:9090",
          f"url: http://admin:{URL_PASSWORD}@prometheus.monitoring.svc:9090",
          "datasources.prometheus.url", "credentials never go in a URL"),
    Plant("user:password@ in a host:port URL", ENV, "url: postgres.db.svc:5432",
          f"url: grafana_reader:{URL_PASSWORD}@postgres.db.svc:5432",
          "url", "keep the user in username", where=POSTGRES),
    Plant("password in an environment endpoint", ENV, "    database: audit\n",
          f"    database: audit\n    password: {PASSWORD}\n",
          "datasources.postgres.password", "secrets do not belong in an environment file"),
    Plant("credentials in the Grafana URL", ENV, "url: https://grafana.example.com",
          f"url: https://admin:{URL_PASSWORD}@grafana.example.com", "grafana.url", "grafana_auth"),
    Plant("Slack token in a sensitive field", ONCALL, "token: {secret: slack_bot_token}", f"token: {SLACK_TOKEN}",
          "integrations[1].token", "is sensitive"),
    Plant("Slack-token-shaped value under an innocent key", ONCALL, RECIPIENT,
          RECIPIENT + f"    username: {SLACK_TOKEN}\n", "integrations[1].username", "Slack Token"),
    Plant("Slack webhook URL in a plain field", ONCALL, None, f"  - type: webhook\n    url: {SLACK_WEBHOOK}\n",
          "integrations[2].url", "looks like a secret (Slack Token)"),
    Plant("PagerDuty key in a sensitive field", ONCALL, "integration_key: {secret: pagerduty_integration_key}",
          f"integration_key: {PAGERDUTY_KEY}", "integrations[0].integration_key", "is sensitive"),
    Plant("PagerDuty-key-shaped value under an innocent key", ONCALL, "    severity: critical\n",
          f"    severity: critical\n    client: {PAGERDUTY_KEY}\n", "integrations[0].client",
          "looks like a secret (Hex High Entropy String)"),
]


def _problems(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(root)  # files are named relative to the working directory, as users run it
    with pytest.raises(UserError) as raised:
        load_project(root)
    return [str(p) for p in raised.value.problems]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    yield secrets_project(tmp_path / "project")
    # removed at once: under mutation testing these tests run hundreds of times, each copy ~7 MB that pytest keeps
    shutil.rmtree(tmp_path / "project", ignore_errors=True)


def test_the_fixture_passes_the_door(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    assert load_project(project).catalogs  # named secrets, a plain tenant header, switches: nothing refused


@pytest.mark.parametrize("plant", PLANTS, ids=[p.name for p in PLANTS])
def test_each_form_is_refused_with_file_field_and_fix(plant: Plant, project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    plant.apply(project)
    problems = _problems(project, monkeypatch)
    expected = f"{plant.where or plant.file}: {plant.field}: "
    named = [p for p in problems if p.startswith(expected)]
    assert named, f"no problem for {expected!r} in {problems}"
    assert plant.says in named[0], named[0]
    assert "{secret: <" in named[0] or "TF_VAR_" in named[0], named[0]  # the fix: where the value goes instead
    for value in PLANTED:  # an error message never repeats the secret
        assert value not in "\n".join(problems)


def test_every_form_at_once_through_synth_and_nothing_is_written(project: Path) -> None:
    for plant in PLANTS:
        plant.apply(project)
    result = run_cli(project, "synth")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    for plant in PLANTS:
        expected = f"error: {plant.where or plant.file}: {plant.field}: "
        assert any(line.startswith(expected) for line in errors), f"{plant.name}: {expected!r} not in {errors}"
    assert not (project / "cdktf.out").exists()
    assert not [p for p in project.glob(".cdktf-staging-*")]  # no staged output left behind either
    assert not [value for value in PLANTED if value in result.stderr + result.stdout]


def test_keys_grafana_keeps_secret_and_names_that_say_secret() -> None:
    for key in ("password", "basicAuthPassword", "httpHeaderValue1", "httpHeaderValue12", "tlsClientKey",
                "tlsCACert", "sigV4SecretKey", "sigV4AccessKey", "authToken", "secretKey", "accessKey",
                "privateKey", "apiKey", "azureClientSecret", "token", "myApiKey", "access_token", "db_password"):
        assert is_secret_key(key), key
    # switches and settings about a secret are not secrets (they sit in Grafana's jsonData)
    for key in ("httpHeaderName1", "oauthPassThru", "tlsAuthWithCACert", "tlsSkipVerify", "tlsAuth", "sigV4Region",
                "sigV4AuthType", "authType", "tokenUrl", "passwordFile", "sslKeyFile", "secretName", "timeInterval",
                "datasourceUid", "maxLines", "clientId", "user", "username", "database", "keepCookies"):
        assert not is_secret_key(key), key


def test_headers_that_carry_credentials() -> None:
    for name in ("Authorization", "authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Auth-Token",
                 "Ocp-Apim-Subscription-Key", "X-Vault-Token"):
        assert is_secret_header(name), name
    for name in ("X-Scope-OrgID", "X-Grafana-Org-Id", "Accept", "Content-Type", "X-Tenant"):
        assert not is_secret_header(name), name


def test_credentials_in_urls() -> None:
    assert url_credentials("https://admin:pw@prometheus:9090")
    assert url_credentials("see postgres://u:p@db/x for details")
    assert url_credentials("u:p@db.svc:5432", url_field=True)
    assert url_credentials("https://hooks.example.com/x?token=abc")
    assert url_credentials("https://storage.example.com/o?X-Amz-Signature=abc&X-Amz-Date=1")
    for fine in ("http://prometheus.monitoring.svc:9090", "db.svc:5432", "https://user@host/path",
                 "https://grafana.example.com/d/x?var-env=prod&from=now-1h", "mailto:ops@example.com",
                 "${__value.raw}", "https://x/explore?left=${__value.raw}", "https://h/?token="):
        assert url_credentials(fine, url_field=True) is None, fine


def test_the_repositorys_own_definition_files_pass_the_door() -> None:
    """A content check: whatever environments, data sources and contact points the team keeps, none is refused."""
    environments = load_environments(REPO / "environments")
    check_definitions(REPO / "datasources", REPO / "alerts" / "contact-points", environments)
