"""The content-addressed cache of rendered dashboards (grafana_as_code/cache.py): a miss, a hit and no cache at all
give the same bytes; a change of the file, the environment or the code is a miss; warnings come back on a hit;
errors are never cached. And `make synth` loads the project once."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from grafana_as_code import cache as cache_module
from grafana_as_code.cache import cached, caching
from grafana_as_code.errors import collecting_warnings, warn
from project_copy import edit, run_cli, stack_files
from shard_fixture import make_project


def entries(root: Path) -> int:
    """The rendered dashboards in the cache (the secret scan's clean lines, ``secret-scan/…``, are not counted)."""
    with sqlite3.connect(root / ".cache" / "grafana-as-code.sqlite") as db:
        return db.execute("SELECT count(*) FROM entries WHERE key NOT LIKE 'secret-scan/%'").fetchone()[0]


def test_cold_warm_and_uncached_synth_give_the_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    outputs = {}
    for run, env in (("uncached", {"GAC_CACHE": "0"}), ("cold", {}), ("warm", {})):
        result = run_cli(root, "synth", "--outdir", f"out-{run}", env=env)
        assert result.returncode == 0, result.stderr
        outputs[run] = stack_files(root / f"out-{run}")
        if run == "uncached":
            assert not (root / ".cache").exists()
    assert outputs["cold"] == outputs["uncached"] and outputs["warm"] == outputs["uncached"]
    assert entries(root) == 4 * 2  # four dashboards in each of two environments

    # a changed dashboard is a miss: its new content is what is written, the others come from the cache
    edit(root / "dashboards" / "infra" / "nodes.yaml", "title: Nodes", "title: Nodes and pods")
    result = run_cli(root, "synth", "--outdir", "out-edited")
    assert result.returncode == 0, result.stderr
    assert b"Nodes and pods" in (root / "out-edited" / "stacks" / "prod-infra" / "cdk.tf.json").read_bytes()
    assert entries(root) == 4 * 2 + 2
    uncached = run_cli(root, "synth", "--outdir", "out-edited-uncached", env={"GAC_CACHE": "0"})
    assert uncached.returncode == 0
    assert stack_files(root / "out-edited") == stack_files(root / "out-edited-uncached")

    # an environment change is a miss for every dashboard of that environment
    edit(root / "environments" / "dev.yaml", "prometheus.dev:9090", "prometheus.dev:9091")
    assert run_cli(root, "synth", "--outdir", "out-env").returncode == 0
    assert entries(root) == 4 * 2 + 2 + 4


def test_a_broken_dashboard_is_reported_every_time(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    edit(root / "dashboards" / "misc" / "about.yaml", "sum(up)", "sum(up")
    for _ in range(2):
        result = run_cli(root, "synth")
        assert result.returncode == 1
        assert "error: dashboards/misc/about.yaml: " in result.stderr and "PromQL does not parse" in result.stderr


def test_hits_replay_warnings_and_keys_hold_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def compute() -> dict:
        calls.append(1)
        warn("dashboards/a.yaml", "panels[0]", "repaired")
        return {"value": [1, 2.5, None, "x"]}

    def run() -> tuple[dict, list]:
        with caching(tmp_path), collecting_warnings() as warnings:
            result = cached("test", (b"file bytes", "context"), compute, lambda v: v, lambda v: v)
        return result, [str(w) for w in warnings]

    first, second = run(), run()
    assert first == second == ({"value": [1, 2.5, None, "x"]}, ["dashboards/a.yaml: panels[0]: repaired"])
    assert len(calls) == 1  # the second came from the cache, warning included
    monkeypatch.setattr(cache_module, "code_version", lambda: "another version of the code")
    run()
    assert len(calls) == 2  # other code, other key


def test_errors_are_not_cached(tmp_path: Path) -> None:
    def compute() -> dict:
        raise ValueError("broken")

    for _ in range(2):
        with caching(tmp_path), pytest.raises(ValueError):
            cached("test", (b"x",), compute, lambda v: v, lambda v: v)
    assert entries(tmp_path) == 0


def test_synth_loads_the_project_once(tmp_path: Path) -> None:
    """`python -m grafana_as_code synth` builds main.py's stacks in its own process: the loader runs once."""
    root = make_project(tmp_path / "project")
    probe = root / "sitecustomize.py"
    probe.write_text("import grafana_as_code.project as p, sys\n_load = p.load_project\n"
                     "def counted(*a, **k):\n    print('LOAD', file=sys.stderr)\n    return _load(*a, **k)\n"
                     "p.load_project = counted\n")
    result = run_cli(root, "synth", "--no-validate", env={"PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("LOAD") == 1
