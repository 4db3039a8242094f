"""Importing many exports at once: derived uids, no overwrite without --force, all-or-nothing with every problem
named, data source choices. Fixtures are written here (small exports reproducing the shapes of real ones)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest

from grafana_as_code.dashboards.importer import import_dashboards
from grafana_as_code.datasources import DataSource
from grafana_as_code.errors import UserError
from grafana_as_code.uids import MAX_UID_LENGTH, UID_PATTERN, uid_from_title

from project_copy import FIXTURE_PROJECT, REPO, run_cli


def cli(root: Path, *args: str):
    return run_cli(root, *args, env={"PYTHONPATH": str(REPO)})  # the code, run on a repository of definitions only


def export(uid: str | None, title: str | None = "Shop", expr: str = "sum(up)",
           datasource: str = "${DS_PROMETHEUS}") -> dict:
    """An "Export for sharing externally" of a one-panel dashboard."""
    data = {
        "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus",
                      "pluginName": "Prometheus"}],
        "__requires": [{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "11.2.0"}],
        "id": None, "version": 3, "schemaVersion": 39,
        "panels": [{"id": 1, "type": "stat", "title": "Up", "gridPos": {"h": 4, "w": 6, "x": 0, "y": 0},
                    "datasource": {"type": "prometheus", "uid": datasource},
                    "targets": [{"refId": "A", "expr": expr, "datasource": {"type": "prometheus", "uid": datasource}}]}],
    }
    if uid is not None:
        data["uid"] = uid
    if title is not None:
        data["title"] = title
    return data


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch) -> Path:
    """environments/ and datasources/ of the fixture project, an empty folder dashboards/shop/; cwd is the root."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE_PROJECT / "environments", root / "environments")
    shutil.copytree(FIXTURE_PROJECT / "datasources", root / "datasources")
    (root / "dashboards" / "shop").mkdir(parents=True)
    (root / "dashboards" / "shop" / "_folder.yaml").write_text("title: Shop\n")
    monkeypatch.chdir(root)
    return root


def write(path: Path, data: dict | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("title", ["Shop", "API Latency & Throughput", "Überblick: Zahlungen (EU)", "日本語のダッシュボード",
                                   "A very long dashboard title that goes well past forty characters, twice over",
                                   "---", "x" * 200])
def test_derived_uid_is_valid_and_stable(title):
    uid = uid_from_title(title)
    assert UID_PATTERN.match(uid) and len(uid) <= MAX_UID_LENGTH
    assert uid_from_title(title) == uid


def test_derived_uids_of_long_titles_sharing_a_start_differ():
    start = "Payments service overview for the production cluster "
    assert uid_from_title(start + "in Europe") != uid_from_title(start + "in America")
    assert uid_from_title("API Latency & Throughput") == "api-latency-throughput"


def test_export_without_uid_gets_one_from_its_title_and_says_so(repo, tmp_path):
    source = write(tmp_path / "in" / "shop.json", export(None, title="Shop Overview"))
    result = import_dashboards([source], repo / "dashboards" / "shop")
    assert result.dashboards == (repo / "dashboards" / "shop" / "shop-overview.json",)
    assert json.loads(result.dashboards[0].read_text())["uid"] == "shop-overview"
    assert any(n.field == "uid" and "'shop-overview', derived from the title" in n.message for n in result.notes)
    again = import_dashboards([source], repo / "dashboards" / "shop")  # same export, same file: nothing to refuse
    assert again.written == () and again.dashboards == result.dashboards


@pytest.mark.parametrize("uid", [None, ""])
def test_export_without_uid_nor_title_is_refused(repo, tmp_path, uid):
    source = write(tmp_path / "in" / "x.json", export(uid, title=None))
    with pytest.raises(UserError) as caught:
        import_dashboards([source], repo / "dashboards" / "shop")
    assert any(p.field in ("uid", "title") for p in caught.value.problems)


def test_same_uid_anywhere_in_the_repository_is_refused_without_force(repo, tmp_path):
    other = repo / "dashboards" / "other"
    write(other / "_folder.yaml", "title: Other\n")
    spec = write(other / "existing.yaml", "uid: shop-overview\ntitle: Existing\npanels: []\n")
    before = tree(repo / "dashboards")
    source = write(tmp_path / "in" / "shop.json", export("shop-overview"))
    with pytest.raises(UserError) as caught:
        import_dashboards([source], repo / "dashboards" / "shop")
    [problem] = caught.value.problems
    assert problem.field == "uid"
    assert "dashboards/other/existing.yaml" in problem.message and "--force" in problem.message
    assert tree(repo / "dashboards") == before  # nothing written

    result = import_dashboards([source], repo / "dashboards" / "shop", force=True)
    assert result.removed == (spec,) and not spec.exists()  # replaced: the repository keeps one owner per uid
    assert (repo / "dashboards" / "shop" / "shop-overview.json").is_file()


def test_a_changed_export_does_not_overwrite_the_file_it_imported_before(repo, tmp_path):
    source = write(tmp_path / "in" / "shop.json", export("shop-overview"))
    [target] = import_dashboards([source], repo / "dashboards" / "shop").dashboards
    first = target.read_text()
    write(source, export("shop-overview", expr="sum(up{job=\"shop\"})"))
    with pytest.raises(UserError, match="already in the repository: dashboards/shop/shop-overview.json"):
        import_dashboards([source], repo / "dashboards" / "shop")
    assert target.read_text() == first
    import_dashboards([source], repo / "dashboards" / "shop", force=True)
    assert 'job=\\"shop\\"' in target.read_text()


def test_a_directory_of_exports_with_problems_writes_nothing_and_names_every_problem(repo, tmp_path):
    folder = tmp_path / "exports"
    write(folder / "a-good.json", export("good-one", title="Good"))
    write(folder / "b-broken.json", "{ not json")
    write(folder / "c-no-title.json", export(None, title=None))
    unknown_library = export("uses-library", title="Uses library")
    unknown_library["panels"].append({"id": 2, "gridPos": {"h": 4, "w": 6, "x": 6, "y": 0},
                                      "libraryPanel": {"uid": "nowhere", "name": "Nowhere"}})
    write(folder / "d-library.json", unknown_library)
    write(folder / "nested" / "e-same-uid.json", export("good-one", title="Good again"))
    before = tree(repo / "dashboards")
    with pytest.raises(UserError) as caught:
        import_dashboards([folder], repo / "dashboards" / "shop")
    by_file = {}
    for problem in caught.value.problems:
        by_file.setdefault(Path(problem.where).name, []).append(problem)
    assert set(by_file) == {"b-broken.json", "c-no-title.json", "d-library.json", "e-same-uid.json"}
    assert "malformed JSON" in by_file["b-broken.json"][0].message
    assert by_file["d-library.json"][0].field == "panels[1].libraryPanel.uid"
    assert "'nowhere'" in by_file["d-library.json"][0].message
    assert "a-good.json" in by_file["e-same-uid.json"][0].message
    assert tree(repo / "dashboards") == before  # the good export is not written either


def test_a_list_of_exports_imports_in_one_run(repo, tmp_path):
    sources = [write(tmp_path / "in" / f"{name}.json", export(name, title=name.title())) for name in ("b", "a")]
    result = import_dashboards(sources, repo / "dashboards" / "shop")
    assert [p.name for p in result.dashboards] == ["b.json", "a.json"]
    assert all(p.is_file() for p in result.written)


def test_missing_source_is_reported_with_the_others(repo, tmp_path):
    good = write(tmp_path / "in" / "good.json", export("good"))
    with pytest.raises(UserError) as caught:
        import_dashboards([good, tmp_path / "in" / "missing.json", tmp_path / "empty-dir"],
                          repo / "dashboards" / "shop")
    assert [p.message for p in caught.value.problems] == ["no such file or directory", "no such file or directory"]
    assert not (repo / "dashboards" / "shop" / "good.json").exists()


def _ambiguous_sources() -> MappingProxyType:
    return MappingProxyType({uid: DataSource(uid=uid, name=uid, type="prometheus", file=f"datasources/{uid}.yaml")
                             for uid in ("prom-eu", "prom-us")})


def test_an_ambiguous_data_source_is_refused_with_the_choice_to_make(repo, tmp_path):
    source = write(tmp_path / "in" / "shop.json", export("shop"))
    with pytest.raises(UserError) as caught:
        import_dashboards([source], repo / "dashboards" / "shop", datasources=_ambiguous_sources())
    [problem] = caught.value.problems
    assert problem.field == "__inputs[0] (DS_PROMETHEUS)"
    assert "prom-eu, prom-us" in problem.message and "--datasource DS_PROMETHEUS=<uid>" in problem.message


@pytest.mark.parametrize("choice", ["DS_PROMETHEUS", "prometheus"])
def test_a_data_source_choice_maps_the_input(repo, tmp_path, choice):
    source = write(tmp_path / "in" / "shop.json", export("shop"))
    [target] = import_dashboards([source], repo / "dashboards" / "shop", datasources=_ambiguous_sources(),
                                 choices={choice: "prom-us"}).dashboards
    panel = json.loads(target.read_text())["panels"][0]
    assert panel["datasource"] == panel["targets"][0]["datasource"] == {"type": "prometheus", "uid": "prom-us"}


def test_a_foreign_uid_choice_maps_it(repo, tmp_path):
    data = export("shop", datasource="a1B2c3")
    data.pop("__inputs")
    source = write(tmp_path / "in" / "shop.json", data)
    with pytest.raises(UserError, match="--datasource a1B2c3=<uid>"):
        import_dashboards([source], repo / "dashboards" / "shop", datasources=_ambiguous_sources())
    [target] = import_dashboards([source], repo / "dashboards" / "shop", datasources=_ambiguous_sources(),
                                 choices={"a1B2c3": "prom-eu"}).dashboards
    assert json.loads(target.read_text())["panels"][0]["datasource"]["uid"] == "prom-eu"


def test_a_choice_of_an_unknown_data_source_is_refused(repo, tmp_path):
    source = write(tmp_path / "in" / "shop.json", export("shop"))
    with pytest.raises(UserError, match="'nope' is not a data source of this repository"):
        import_dashboards([source], repo / "dashboards" / "shop", choices={"DS_PROMETHEUS": "nope"})


def test_cli_imports_a_directory_and_reports_all_problems(repo, tmp_path):
    folder = tmp_path / "exports"
    write(folder / "one.json", export(None, title="First board"))
    write(folder / "two.json", export("second"))
    run = cli(repo, "import-dashboard", str(folder), "--folder", "shop")
    assert run.returncode == 0, run.stderr
    assert "derived from the title" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in (repo / "dashboards" / "shop").glob("*.json")) == ["first-board.json",
                                                                                     "second.json"]
    write(folder / "two.json", export("second", expr="sum(up{job=\"changed\"})"))
    write(folder / "three.json", "[]")
    run = cli(repo, "import-dashboard", str(folder), "--folder", "shop", "--datasource", "oops")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("error: --datasource: expected NAME=UID")
    run = cli(repo, "import-dashboard", str(folder), "--folder", "shop")
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert run.returncode == 1 and len(errors) == 2, run.stderr  # three.json is not an object; two.json exists
    assert any("three.json" in line for line in errors) and any("--force" in line for line in errors)
