"""The whole-project snapshot (grafana_as_code/project_snapshot.py): while nothing changed, a load is the stored
project, equal to a fresh load, with the same warnings and query figures; any change of a definition file is a new
load; errors are never stored; and a snapshot file can only ever build model objects."""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import grafana_as_code.project as project_module
from grafana_as_code import project_snapshot
from grafana_as_code.dashboards.validate.query_report import collecting_query_report
from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.project import definition_folders, load_project, Layout
from project_copy import edit
from shard_fixture import make_project


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)  # file names in messages are relative to the working directory, as in a synth
    monkeypatch.delenv("GAC_CACHE", raising=False)
    return root


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the project was really loaded (file by file)."""
    calls: list[int] = []
    real = project_module._load_project

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(project_module, "_load_project", counted)
    return calls


def load(root: Path, only: list[str] | None = None):
    with collecting_warnings() as warnings, collecting_query_report() as queries:
        project = load_project(root, only)
    return project, [str(w) for w in warnings], (queries.summary(), [str(n) for n in queries.notes])


def snapshots(root: Path) -> list[Path]:
    return sorted((root / project_snapshot.SNAPSHOTS).glob("*.pickle"))


def test_an_unchanged_project_is_its_snapshot_equal_to_a_fresh_load(root: Path, loads: list[int]) -> None:
    first = load(root)
    second = load(root)
    assert len(loads) == 1 and len(snapshots(root)) == 1
    assert second[0] == first[0]
    assert second[0].layout.root == root
    assert [d.config_json() for c in second[0].catalogs for d in c.dashboards] == \
        [d.config_json() for c in first[0].catalogs for d in c.dashboards]
    assert second[1:] == first[1:]  # the same warnings and query figures
    assert "PromQL" in first[2][0]

    os.environ["GAC_CACHE"] = "0"
    try:
        uncached = load(root)
    finally:
        del os.environ["GAC_CACHE"]
    assert uncached[0] == first[0] and len(loads) == 2


def test_warnings_come_back_from_the_snapshot(root: Path, loads: list[int]) -> None:
    # a team label naming no team is a warning of the load, not an error
    edit(next((root / "alerts" / "rules").glob("*.yaml")), "team: shop}", "team: nobody}")
    first, second = load(root), load(root)
    assert len(loads) == 1
    assert any("is not a team in teams/" in w for w in first[1])
    assert second[1] == first[1]


@pytest.mark.parametrize("folder", ["environments", "datasources", "dashboards", "alerts", "teams", "adopt"])
def test_any_change_under_a_definition_folder_is_a_new_load(root: Path, loads: list[int], folder: str) -> None:
    assert folder in [p.name for p in definition_folders(Layout(root))]
    load(root)
    (root / folder).mkdir(exist_ok=True)
    (root / folder / "NOTES.md").write_text("a note\n")
    load(root)
    assert len(loads) == 2


def test_an_edit_is_what_the_next_load_gives(root: Path, loads: list[int]) -> None:
    before = load(root)[0]
    edit(root / "dashboards" / "infra" / "nodes.yaml", "title: Nodes", "title: Nodes and pods")
    after = load(root)[0]
    assert len(loads) == 2
    titles = {d.title for c in after.catalogs for d in c.dashboards}
    assert "Nodes and pods" in titles and "Nodes and pods" not in {d.title for c in before.catalogs
                                                                  for d in c.dashboards}


def test_each_request_has_its_own_snapshot(root: Path, loads: list[int]) -> None:
    everything, dev = load(root)[0], load(root, ["dev"])[0]
    assert [c.env.name for c in dev.catalogs] == ["dev"] and len(everything.catalogs) == 2
    assert load(root, ["dev"])[0] == dev and len(loads) == 2


def test_errors_are_never_stored(root: Path, loads: list[int]) -> None:
    edit(root / "dashboards" / "misc" / "about.yaml", "sum(up)", "sum(up")
    for _ in range(2):
        with pytest.raises(UserError, match="PromQL does not parse"):
            load(root)
    assert len(loads) == 2 and snapshots(root) == []


def test_a_snapshot_cannot_run_code(root: Path, loads: list[int], tmp_path: Path) -> None:
    """A tampered snapshot under the right name is refused (only model classes may be built) and replaced."""
    project = load(root)[0]
    (path,) = snapshots(root)
    key = path.stem
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    path.write_bytes(pickle.dumps((key, Exploit(), [], [])))
    assert load(root)[0] == project
    assert not marker.exists()
    assert len(loads) == 2  # loaded again, and the snapshot rewritten
    assert load(root)[0] == project and len(loads) == 2


def test_a_truncated_snapshot_is_a_new_load(root: Path, loads: list[int]) -> None:
    project = load(root)[0]
    (path,) = snapshots(root)
    path.write_bytes(path.read_bytes()[:100])
    assert load(root)[0] == project and len(loads) == 2


def test_only_the_newest_snapshots_are_kept(root: Path, loads: list[int]) -> None:
    note = root / "dashboards" / "NOTES.md"
    for i in range(project_snapshot.KEEP + 3):
        note.write_text(f"revision {i}\n")
        load(root)
    assert len(snapshots(root)) == project_snapshot.KEEP
