"""Importing a realistic Grafana export ("Export for sharing externally"): normalized, mapped, loadable."""
from __future__ import annotations

import json
import shutil

import pytest

from grafana_as_code.dashboards import import_dashboard
from grafana_as_code.errors import UserError
from project_copy import FIXTURE_PROJECT, edit


@pytest.fixture()
def imported(tmp_path, fixtures, project, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "dashboards" / "payments"
    folder.mkdir(parents=True)
    (folder / "_folder.yaml").write_text("title: Payments\n")
    datasources = {s.uid: s for s in project.catalogs[0].datasources}
    written = import_dashboard(fixtures / "exported-payments.json", folder, datasources)
    return written, datasources


def test_import_writes_clean_normalized_json(imported):
    written, _ = imported
    assert written.name == "payments-overview.json"
    text = written.read_text()
    config = json.loads(text)
    assert text == json.dumps(config, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    for key in ("__inputs", "__requires", "__elements", "id", "version", "style"):
        assert key not in config
    assert config["uid"] == "payments-overview"
    assert "${DS_" not in text and "${VAR_NAMESPACE}" not in text
    requests, latency, errors = config["panels"]
    assert requests["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert requests["targets"][0]["expr"] == ('sum by (route) (rate(http_requests_total{namespace="payments", '
                                              'route=~"$route"}[$__rate_interval]))')
    # a uid of the instance it was exported from is mapped by plugin type
    assert latency["targets"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    # the legacy string reference becomes an object
    assert errors["datasource"] == {"type": "loki", "uid": "loki"}
    assert config["templating"]["list"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}


def test_import_is_idempotent(imported, fixtures):
    written, datasources = imported
    first = written.read_text()
    import_dashboard(fixtures / "exported-payments.json", written.parent, datasources)
    assert written.read_text() == first


def test_imported_and_raw_exports_load_and_validate(imported, fixtures, dashboard_tree):
    written, _ = imported  # written into tmp/dashboards/payments/, the tree dashboard_tree loads
    raw = dashboard_tree.write("raw-export.json", (fixtures / "exported-payments.json").read_text())
    edit(raw, "payments-overview", "payments-raw")
    edit(raw, "P1809F7CD0C75ACF3", "${DS_PROMETHEUS}", count=2)
    loaded = {d.uid: d for d in dashboard_tree.load(min_refresh="30s")}
    assert set(loaded) == {"payments-overview", "payments-raw"}
    assert loaded["payments-overview"].file == "dashboards/payments/payments-overview.json"
    assert loaded["payments-overview"].folder_uid == "payments"
    assert raw.name == "raw-export.json"
    assert loaded["payments-raw"].config["refresh"] == "30s"
    assert loaded["payments-overview"].config["panels"][2]["datasource"]["uid"] == "loki"
    assert "__inputs" not in loaded["payments-raw"].config


def test_raw_export_with_an_unknown_uid_is_reported(fixtures, dashboard_tree):
    dashboard_tree.write("raw.json", (fixtures / "exported-payments.json").read_text())
    with pytest.raises(UserError) as caught:
        dashboard_tree.load()
    assert str(caught.value).splitlines()[0] == (
        "dashboards/team/raw.json: dashboard 'payments-overview', panel 2 'p99 latency': data source "
        "'P1809F7CD0C75ACF3' does not exist in environment 'dev' (known: loki, postgres, prometheus, "
        "sentry, tempo)")


def test_import_refuses_a_directory_that_is_not_a_folder(tmp_path, fixtures, project, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dashboards" / "nofolder").mkdir(parents=True)
    with pytest.raises(UserError) as caught:
        import_dashboard(fixtures / "exported-payments.json", tmp_path / "dashboards" / "nofolder",
                         {s.uid: s for s in project.catalogs[0].datasources})
    assert str(caught.value) == "dashboards/nofolder: is not a folder: it has no _folder.yaml"


def test_import_reads_the_repository_data_sources_by_default(tmp_path, fixtures, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE_PROJECT / "environments", root / "environments")
    shutil.copytree(FIXTURE_PROJECT / "datasources", root / "datasources")
    (root / "dashboards" / "payments").mkdir(parents=True)
    (root / "dashboards" / "payments" / "_folder.yaml").write_text("title: Payments\n")
    written = import_dashboard(fixtures / "exported-payments.json", root / "dashboards" / "payments")
    assert json.loads(written.read_text())["panels"][2]["datasource"] == {"type": "loki", "uid": "loki"}
