"""Library panels: files under dashboards/<folder>/_library-panels/, validated like panels, referenced by
dashboards (an unknown one is an error naming file and field), imported from __elements, synthesized as
grafana_library_panel resources the dashboards depend on. Fixtures are small trees written here."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from types import MappingProxyType

import pytest

from grafana_as_code.dashboards import RenderContext, load_dashboards
from grafana_as_code.dashboards.importer import import_dashboards
from grafana_as_code.dashboards.library_panels import library_panel_files, load_library_panels
from grafana_as_code.datasources import load_datasources
from grafana_as_code.environment import thaw
from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.folders import load_folders
from grafana_as_code.plans import plan_report
from grafana_as_code.plans.model import parse_plan
from grafana_as_code.validate.run import validate_outdir

from grafana_as_code.project import load_project

from project_copy import FIXTURE_PROJECT, content_root, copy_fixture_project, run_cli, schema_path

ERROR_RATE = """\
    uid: shop-error-rate
    name: Shop error rate
    type: stat
    title: Error rate
    datasource: prometheus
    unit: percentunit
    width: 8
    height: 5
    queries:
      - {expr: 'sum(rate(http_requests_total{job="$job", status=~"5.."}[$__rate_interval])) / sum(rate(http_requests_total{job="$job"}[$__rate_interval]))'}
"""

DASHBOARD = """\
    title: Shop
    datasource: prometheus
    variables:
      - {name: job, type: custom, values: [shop, shop-canary]}
    panels:
      - library_panel: shop-error-rate
      - type: stat
        title: Up
        queries:
          - {expr: 'sum(up{job="$job"})'}
      - row: More
        collapsed: true
      - library_panel: Shop error rate
        width: 24
"""


class Tree:
    def __init__(self, root: Path, env):
        self.root = root
        self.env = env

    def write(self, relative: str, text: str) -> Path:
        path = self.root / "dashboards" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    def context(self) -> RenderContext:
        dashboards = self.root / "dashboards"
        sources = load_datasources(FIXTURE_PROJECT / "datasources", self.env)
        return RenderContext(env=self.env, datasources=MappingProxyType({s.uid: s for s in sources}),
                             folders=MappingProxyType({f.path: f for f in load_folders(dashboards)}))

    def load(self):
        """(library panels, dashboards) as project.load_catalog loads them."""
        ctx = self.context()
        panels = load_library_panels(self.root / "dashboards", ctx)
        ctx = RenderContext(env=ctx.env, datasources=ctx.datasources, folders=ctx.folders,
                            library_panels=MappingProxyType({p.uid: p for p in panels}))
        return panels, load_dashboards(self.root / "dashboards", ctx)


@pytest.fixture()
def shop(tmp_path, environments, monkeypatch) -> Tree:
    monkeypatch.chdir(tmp_path)  # file names in messages are relative to the working directory
    tree = Tree(tmp_path, environments["dev"])
    tree.write("shop/_folder.yaml", "title: Shop\n")
    return tree


def problems_of(caught) -> list[str]:
    return [str(p) for p in caught.value.problems]


def test_a_spec_library_panel_and_the_dashboards_showing_it(shop):
    shop.write("shop/_library-panels/error-rate.yaml", ERROR_RATE)
    shop.write("shop/overview.yaml", DASHBOARD)
    [panel], [dashboard] = shop.load()
    assert (panel.uid, panel.name, panel.folder_uid, panel.file) == (
        "shop-error-rate", "Shop error rate", "shop", "dashboards/shop/_library-panels/error-rate.yaml")
    model = json.loads(panel.model_json())
    assert model["type"] == "stat" and model["description"] == ""  # the provider adds "" otherwise: drift
    assert model["targets"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert "id" not in model and model["gridPos"] == {"h": 5, "w": 8, "x": 0, "y": 0}
    config = thaw(dashboard.config)
    first, row = config["panels"][0], config["panels"][2]
    assert first == {"gridPos": {"h": 5, "w": 8, "x": 0, "y": 0}, "id": 1, "title": "Error rate", "type": "stat",
                     "libraryPanel": {"name": "Shop error rate", "uid": "shop-error-rate"}}
    [inner] = row["panels"]  # by name, inside a collapsed row, with its own width
    assert inner["libraryPanel"]["uid"] == "shop-error-rate" and inner["gridPos"]["w"] == 24
    assert dashboard.file == "dashboards/shop/overview.yaml"  # library panel files are not dashboards


def test_a_json_library_panel_in_the_general_folder(shop):
    shop.write("_library-panels/up.json", json.dumps({
        "uid": "general-up", "name": "Up", "kind": 1, "version": 4, "meta": {"folderName": "General"},
        "model": {"type": "stat", "title": "Up", "id": 7, "libraryPanel": {"uid": "general-up", "name": "Up"},
                  "datasource": "prometheus", "targets": [{"refId": "A", "expr": "sum(up)"}]}}))
    shop.write("shop/overview.yaml", "title: Shop\npanels:\n  - library_panel: Up\n")
    [panel], [dashboard] = shop.load()
    assert panel.folder_uid is None
    assert panel.model["datasource"]["uid"] == "prometheus"  # a legacy string reference becomes an object
    assert "id" not in panel.model and "libraryPanel" not in panel.model
    assert dashboard.config["panels"][0]["gridPos"]["w"] == 6  # a stat's default size


def test_unknown_library_panel_in_a_spec_names_file_and_field(shop):
    shop.write("shop/_library-panels/error-rate.yaml", ERROR_RATE)
    shop.write("shop/overview.yaml", "title: Shop\npanels:\n  - {type: text, title: Hi, content: Hi}\n  - library_panel: nope\n")
    with pytest.raises(UserError) as caught:
        shop.load()
    [problem] = caught.value.problems
    assert (problem.where, problem.field) == ("dashboards/shop/overview.yaml", "panels[1].library_panel")
    assert "unknown library panel 'nope'" in problem.message and "shop-error-rate (Shop error rate)" in problem.message


def test_unknown_library_panel_in_a_json_dashboard_names_file_and_field(shop):
    shop.write("shop/exported.json", json.dumps({
        "uid": "exported", "title": "Exported", "schemaVersion": 39,
        "panels": [{"id": 1, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                    "libraryPanel": {"uid": "gone", "name": "Gone"}},
                   {"id": 2, "gridPos": {"h": 8, "w": 12, "x": 12, "y": 0}, "libraryPanel": {"name": "No uid"}}]}))
    with pytest.raises(UserError) as caught:
        shop.load()
    assert problems_of(caught) == [
        "dashboards/shop/exported.json: dashboard 'exported', panel 1, libraryPanel.uid: unknown library panel "
        "'gone' (name 'Gone'); library panels are files in dashboards/<folder>/_library-panels/ (known: none)",
        "dashboards/shop/exported.json: dashboard 'exported', panel 2, libraryPanel.uid: is required: Grafana "
        "finds a library panel by its uid",
    ]


def test_a_raw_export_showing_a_known_library_panel_loads_without_a_type(shop):
    shop.write("shop/_library-panels/error-rate.yaml", ERROR_RATE)
    shop.write("shop/exported.json", json.dumps({
        "uid": "exported", "title": "Exported", "schemaVersion": 39,
        "templating": {"list": [{"name": "job", "type": "custom", "query": "shop"}]},
        "panels": [{"id": 1, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                    "libraryPanel": {"uid": "shop-error-rate", "name": "Old name"}}]}))
    with collecting_warnings() as warnings:
        _, [dashboard] = shop.load()  # Grafana's saved form has no type: not a schema error
    assert dashboard.uid == "exported"
    assert [w.field for w in warnings] == ["dashboard 'exported', panel 1, libraryPanel.name"]


def test_a_query_error_in_a_library_panel_names_its_file(shop):
    shop.write("shop/_library-panels/error-rate.yaml", ERROR_RATE.replace("sum(rate(", "sum(rate((", 1))
    with pytest.raises(UserError) as caught:
        shop.load()
    [problem] = caught.value.problems
    assert problem.where == "dashboards/shop/_library-panels/error-rate.yaml"
    assert problem.field == "library panel 'Shop error rate', query A"
    assert problem.message.startswith("PromQL does not parse")


def test_a_library_panel_with_an_unknown_data_source_is_an_error(shop):
    shop.write("shop/_library-panels/error-rate.yaml", ERROR_RATE.replace("datasource: prometheus",
                                                                          "datasource: nowhere"))
    with pytest.raises(UserError, match="error-rate.yaml: datasource: unknown data source 'nowhere'"):
        shop.load()


def test_dashboards_must_define_the_variables_their_library_panels_use(shop):
    shop.write("shop/_library-panels/error-rate.yaml", ERROR_RATE)
    shop.write("shop/overview.yaml", "title: Shop\npanels:\n  - library_panel: shop-error-rate\n")
    with pytest.raises(UserError) as caught:
        shop.load()
    assert problems_of(caught) == [
        "dashboards/shop/overview.yaml: dashboard 'overview', panel 1 'Error rate', libraryPanel: library panel "
        "'Shop error rate' (dashboards/shop/_library-panels/error-rate.yaml), query A, uses variable $job, which "
        "this dashboard does not define"]


def test_a_library_panel_may_take_its_data_source_from_the_dashboard(shop):
    shop.write("shop/_library-panels/up.json", json.dumps({"uid": "up-by-ds", "name": "Up", "model": {
        "type": "stat", "title": "Up", "datasource": {"type": "prometheus", "uid": "${ds}"},
        "targets": [{"refId": "A", "expr": "sum(up{job=\"$job\"})", "datasource": {"type": "prometheus",
                                                                                  "uid": "${ds}"}}]}}))
    shop.write("shop/good.yaml", """\
        title: Good
        variables:
          - {name: ds, type: datasource, plugin: prometheus}
          - {name: job, type: custom, values: [shop]}
        panels:
          - library_panel: up-by-ds
        """)
    panels, [dashboard] = shop.load()
    assert dashboard.uid == "good"
    shop.write("shop/bad.yaml", "title: Bad\nvariables:\n  - {name: ds, type: textbox}\n  - {name: job, type: "
                                "textbox}\npanels:\n  - library_panel: up-by-ds\n")
    with pytest.raises(UserError) as caught:
        shop.load()
    [problem] = caught.value.problems
    assert problem.where == "dashboards/shop/bad.yaml" and "$ds, which this dashboard does not define as a data " \
                                                          "source variable" in problem.message


def test_duplicate_uids_and_names_per_folder_are_refused_together(shop):
    shop.write("shop/_library-panels/a.yaml", ERROR_RATE)
    shop.write("shop/_library-panels/b.yaml", ERROR_RATE.replace("uid: shop-error-rate", "uid: other"))
    shop.write("shop/_library-panels/c.yaml", ERROR_RATE.replace("name: Shop error rate", "name: Third"))
    with pytest.raises(UserError) as caught:
        shop.load()
    assert [(Path(p.where).name, p.field) for p in caught.value.problems] == [("b.yaml", "name"), ("c.yaml", "uid")]


def test_library_panel_files_skip_hidden_trees(shop):
    shop.write("shop/_library-panels/a.yaml", ERROR_RATE)
    shop.write(".drafts/_library-panels/b.yaml", ERROR_RATE)
    assert [p.name for p in library_panel_files(shop.root / "dashboards")] == ["a.yaml"]


# --- import ---------------------------------------------------------------------------------------------------

@pytest.fixture()
def repo(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE_PROJECT / "environments", root / "environments")
    shutil.copytree(FIXTURE_PROJECT / "datasources", root / "datasources")
    (root / "dashboards" / "shop").mkdir(parents=True)
    (root / "dashboards" / "shop" / "_folder.yaml").write_text("title: Shop\n")
    monkeypatch.chdir(root)
    return root


def test_elements_of_an_external_export_become_library_panel_files(repo, fixtures, environments):
    result = import_dashboards([fixtures / "exported-library-panels.json"], repo / "dashboards" / "shop")
    library_dir = repo / "dashboards" / "shop" / "_library-panels"
    assert sorted(p.name for p in library_dir.iterdir()) == ["shop-error-log.json", "shop-request-rate.json"]
    rate = json.loads((library_dir / "shop-request-rate.json").read_text())
    assert (rate["uid"], rate["name"]) == ("shop-req-rate", "Shop request rate")
    assert rate["model"]["targets"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert "libraryPanel" not in rate["model"] and "${DS_" not in json.dumps(rate)
    [dashboard_file] = result.dashboards
    config = json.loads(dashboard_file.read_text())
    assert config["panels"][0] == {"gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}, "id": 1, "title": "Requests",
                                   "type": "timeseries",
                                   "libraryPanel": {"name": "Shop request rate", "uid": "shop-req-rate"}}
    assert config["panels"][2]["panels"][0]["libraryPanel"]["uid"] == "shop-errors-log"  # inside a collapsed row
    # what was imported loads and validates, library panels included
    tree = Tree(repo, environments["dev"])
    panels, [dashboard] = tree.load()
    assert [p.uid for p in panels] == ["shop-errors-log", "shop-req-rate"]
    assert dashboard.uid == "shop-overview"
    # importing it again changes nothing and is not refused
    again = import_dashboards([fixtures / "exported-library-panels.json"], repo / "dashboards" / "shop")
    assert again.written == ()


def _queries(value) -> set[str]:
    if isinstance(value, dict):
        return {v for k, v in value.items() if k == "expr" and isinstance(v, str)} | {
            q for v in value.values() for q in _queries(v)}
    if isinstance(value, list):
        return {q for v in value for q in _queries(v)}
    return set()


def test_nothing_of_the_export_is_lost(repo, fixtures):
    """Every query and panel title of the export, library panels included, is in the files written."""
    original = json.loads((fixtures / "exported-library-panels.json").read_text())
    result = import_dashboards([fixtures / "exported-library-panels.json"], repo / "dashboards" / "shop")
    written = [json.loads(p.read_text()) for p in result.written]
    assert _queries(original) and _queries(original) == _queries(written)
    titles = {m["model"]["title"] for m in original["__elements"].values()} | {
        p["title"] for p in original["panels"] if "title" in p}
    assert titles <= {w["model"]["title"] for w in written if "model" in w} | {
        p.get("title") for w in written for p in w.get("panels", [])}


def test_a_library_panel_of_another_content_is_not_overwritten_without_force(repo, fixtures):
    import_dashboards([fixtures / "exported-library-panels.json"], repo / "dashboards" / "shop")
    changed = json.loads((fixtures / "exported-library-panels.json").read_text())
    changed["__elements"]["shop-req-rate"]["model"]["title"] = "Requests per second"
    changed["uid"] = "shop-overview-2"
    source = repo.parent / "changed.json"
    source.write_text(json.dumps(changed))
    library_file = repo / "dashboards" / "shop" / "_library-panels" / "shop-request-rate.json"
    before = library_file.read_text()
    with pytest.raises(UserError) as caught:
        import_dashboards([source], repo / "dashboards" / "shop")
    [problem] = caught.value.problems
    assert problem.field == "__elements.shop-req-rate" and "--force" in problem.message
    assert library_file.read_text() == before and not (repo / "dashboards" / "shop" / "shop-overview-2.json").exists()
    import_dashboards([source], repo / "dashboards" / "shop", force=True)
    [written] = (repo / "dashboards" / "shop" / "_library-panels").glob("*request*.json")
    assert json.loads(written.read_text())["model"]["title"] == "Requests per second"


def test_a_library_panel_written_as_a_spec_here_is_kept(repo, fixtures):
    spec = repo / "dashboards" / "shop" / "_library-panels" / "rate.yaml"
    spec.parent.mkdir()
    spec.write_text("uid: shop-req-rate\nname: Shop request rate\ntype: text\ncontent: hi\n")
    result = import_dashboards([fixtures / "exported-library-panels.json"], repo / "dashboards" / "shop")
    assert spec.read_text().startswith("uid: shop-req-rate")
    assert sorted(p.name for p in spec.parent.iterdir()) == ["rate.yaml", "shop-error-log.json"]
    assert any("kept" in n.message and n.field == "__elements.shop-req-rate" for n in result.notes)


def test_a_library_panel_embedded_in_an_old_export_becomes_a_file(repo):
    old = {"uid": "legacy", "title": "Legacy", "schemaVersion": 30, "panels": [{
        "id": 3, "gridPos": {"h": 6, "w": 8, "x": 0, "y": 0}, "type": "stat", "title": "Up",
        "datasource": "prometheus", "targets": [{"refId": "A", "expr": "sum(up)"}],
        "libraryPanel": {"uid": "lp-up", "name": "Up everywhere", "version": 2, "meta": {"folderName": "General"}}}]}
    source = repo.parent / "legacy.json"
    source.write_text(json.dumps(old))
    result = import_dashboards([source], repo / "dashboards" / "shop")
    [library_file] = [p for p in result.written if p.parent.name == "_library-panels"]
    library = json.loads(library_file.read_text())
    assert (library["uid"], library["name"], library["model"]["targets"][0]["expr"]) == ("lp-up", "Up everywhere",
                                                                                         "sum(up)")
    panel = json.loads(result.dashboards[0].read_text())["panels"][0]
    assert panel["libraryPanel"] == {"name": "Up everywhere", "uid": "lp-up"} and "targets" not in panel


# --- synthesis ------------------------------------------------------------------------------------------------

SHOWN_TWICE = "panels:\n  - library_panel: shop-error-rate\n  - library_panel: Shop error log\n    width: 24\n"


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> tuple[Path, dict]:
    """The fixture project with library panels of its own: one per kind of file, shown by two dashboards."""
    root = copy_fixture_project(tmp_path_factory.mktemp("library") / "project")
    library = root / "dashboards" / "shop" / "_library-panels"
    library.mkdir()
    (library / "error-rate.yaml").write_text(textwrap.dedent(ERROR_RATE))
    (library / "errors.json").write_text(json.dumps({"uid": "shop-error-log", "name": "Shop error log", "model": {
        "type": "logs", "title": "Errors", "datasource": {"type": "loki", "uid": "loki"},
        "targets": [{"refId": "A", "expr": '{job="$job"} |= "error"'}]}}))
    for name in ("first", "second"):
        (root / "dashboards" / "shop" / f"lib-{name}.yaml").write_text(
            f"title: Library {name}\ndatasource: prometheus\nvariables:\n  - {{name: job, type: custom, values: "
            f"[shop]}}\n" + SHOWN_TWICE)
    run = run_cli(root, "synth", "--env", "dev")
    assert run.returncode == 0, run.stderr  # includes the provider-schema check of every resource
    return root, json.loads((root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())


def test_every_library_panel_of_the_repository_is_a_resource_in_its_folder(synthesized):
    root, stack = synthesized
    resources = stack["resource"].get("grafana_library_panel", {})
    files = library_panel_files(root / "dashboards")
    assert len(resources) == len(files)
    for resource in resources.values():
        model = json.loads(resource["model_json"])
        assert {"type", "description", "title"} <= set(model) and resource["uid"] and resource["name"]
        if "folder_uid" in resource:
            assert resource["folder_uid"].startswith("${grafana_folder.")


def test_dashboards_depend_on_the_library_panels_they_show(synthesized):
    _, stack = synthesized
    library = stack["resource"]["grafana_library_panel"]
    for name, dashboard in stack["resource"]["grafana_dashboard"].items():
        config = json.loads(dashboard["config_json"])
        shown = {p["libraryPanel"]["uid"] for p in config["panels"] + [i for p in config["panels"]
                                                                        for i in p.get("panels", [])]
                 if "libraryPanel" in p}
        expected = sorted(f"grafana_library_panel.{uid}" for uid in shown)
        assert sorted(dashboard.get("depends_on", [])) == expected, name
        assert all(uid in {r["uid"] for r in library.values()} for uid in shown)


def test_intelliflow_shares_a_library_panel_between_its_dashboards():
    """Content: its catalog asks teams to use shared library panels; at least one is shown by several of its
    dashboards (read from the files)."""
    catalog = load_project(content_root()).catalogs[0]
    ours = {p.uid for p in catalog.library_panels if p.file.startswith("dashboards/intelliflow/")}
    assert ours, "dashboards/intelliflow/_library-panels/ holds the catalog's shared library panels"
    users: dict[str, set[str]] = {}
    for dashboard in catalog.dashboards:
        for panel in [p for p in dashboard.config["panels"]] + [i for p in dashboard.config["panels"]
                                                                 for i in p.get("panels", [])]:
            if "libraryPanel" in panel and panel["libraryPanel"]["uid"] in ours:
                users.setdefault(panel["libraryPanel"]["uid"], set()).add(dashboard.uid)
    assert any(len(names) > 1 for names in users.values()), users


def test_the_schema_validator_checks_library_panel_resources(synthesized, tmp_path):
    root, stack = synthesized
    broken = json.loads(json.dumps(stack))
    next(iter(broken["resource"]["grafana_library_panel"].values())).pop("name")
    out = tmp_path / "out"
    (out / "stacks" / "dev").mkdir(parents=True)
    (out / "stacks" / "dev" / "cdk.tf.json").write_text(json.dumps(broken))
    problems = validate_outdir(out, schema_path())
    assert any("name" in str(p) and "grafana_library_panel" in str(p) for p in problems), problems


def test_synthesis_with_library_panels_is_deterministic(synthesized):
    root, _ = synthesized
    first = (root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_bytes()
    again = run_cli(root, "synth", "--env", "dev", "--outdir", "again.out")
    assert again.returncode == 0, again.stderr
    assert (root / "again.out" / "stacks" / "dev" / "cdk.tf.json").read_bytes() == first


def test_a_library_panel_change_reads_by_meaning_in_the_plan_report(synthesized):
    _, stack = synthesized
    address, resource = "shop-error-rate", stack["resource"]["grafana_library_panel"]["shop-error-rate"]
    before = {k: v for k, v in resource.items() if k != "//"}
    model = json.loads(before["model_json"])
    model["targets"][0]["expr"] = model["targets"][0]["expr"].replace("[$__rate_interval]", "[10m]", 1)
    after = {**before, "model_json": json.dumps(model)}
    plan = {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [{
        "address": f"grafana_library_panel.{address}", "mode": "managed", "type": "grafana_library_panel",
        "name": address, "provider_name": "registry.terraform.io/grafana/grafana",
        "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                   "before_sensitive": {}, "after_sensitive": {}}}]}
    report = plan_report.render([parse_plan(plan, "dev.json", "dev")])
    assert 'model\\_json.targets\\["A"\\].expr changed' in report and "[10m]" in report  # (Markdown-escaped)
    create = {**plan, "resource_changes": [{**plan["resource_changes"][0], "change": {
        **plan["resource_changes"][0]["change"], "actions": ["create"], "before": None}}]}
    assert "library panel “" in plan_report.render([parse_plan(create, "dev.json", "dev")])


def test_an_existing_library_panel_is_adopted_by_an_import_block(tmp_path):
    root = copy_fixture_project(tmp_path / "project")
    (root / "dashboards" / "shop" / "_library-panels").mkdir()
    (root / "dashboards" / "shop" / "_library-panels" / "up.yaml").write_text(
        "uid: shop-up\ntype: stat\ntitle: Up\ndatasource: prometheus\nqueries:\n  - {expr: sum(up)}\n")
    uid = "shop-up"
    (root / "adopt").mkdir(exist_ok=True)
    (root / "adopt" / "dev.yaml").write_text(f"library_panels: [{uid}]\n")
    run = run_cli(root, "synth", "--env", "dev")
    assert run.returncode == 0, run.stderr
    stack = json.loads((root / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    assert {"to": f"grafana_library_panel.{uid}", "id": uid} in stack["import"]
