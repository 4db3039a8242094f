"""Environments loaded in worker processes (grafana_as_code/parallel.py) give what one process gives: the same
results in order, the same warnings and query records in order, the first environment's errors; and the same
synthesized bytes."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grafana_as_code import parallel
from grafana_as_code.dashboards.validate.query_report import collecting_query_report, record
from grafana_as_code.errors import UserError, collecting_warnings, warn
from project_copy import run_cli, stack_files
from shard_fixture import make_project

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


def task(name: str, fail: bool = False, crash: bool = False):
    def run():
        warn(f"{name}.yaml", "title", f"warning of {name}")
        record(f"{name}.yaml", "panel 1", "PromQL", f"up{{job='{name}'}}", None)
        if fail:
            raise UserError(f"{name}.yaml", "uid", f"error of {name}")
        if crash:
            raise KeyError(name)
        return {"env": name}
    return run


def outcome(tasks, monkeypatch: pytest.MonkeyPatch, jobs: str):
    monkeypatch.setenv("GAC_JOBS", jobs)
    with collecting_warnings() as warnings, collecting_query_report() as queries:
        try:
            result = parallel.run_each(Path("."), tasks)
        except UserError as error:
            result = ["error"] + [str(p) for p in error.problems]
    return result, [str(w) for w in warnings], queries.summary()


def test_workers_give_what_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = [task("dev"), task("staging"), task("prod")]
    assert parallel.jobs(3) >= 1
    monkeypatch.setenv("GAC_JOBS", "3")
    assert parallel.jobs(3) == 3 and parallel.jobs(1) == 1
    one = outcome(tasks, monkeypatch, "1")
    many = outcome(tasks, monkeypatch, "3")
    assert many == one
    assert one[0] == [{"env": n} for n in ("dev", "staging", "prod")]
    assert one[1] == ["dev.yaml: title: warning of dev", "staging.yaml: title: warning of staging",
                      "prod.yaml: title: warning of prod"]
    assert one[2] == "Queries: PromQL 3 checked"


def test_the_first_environment_in_order_with_an_error_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = [task("dev"), task("staging", fail=True), task("prod", fail=True)]
    one, many = outcome(tasks, monkeypatch, "1"), outcome(tasks, monkeypatch, "3")
    assert many == one
    assert one[0] == ["error", "staging.yaml: uid: error of staging"]
    # the warnings up to and including the failing environment, none after it (as one process gives them)
    assert one[1] == ["dev.yaml: title: warning of dev", "staging.yaml: title: warning of staging"]


def test_a_crash_in_a_worker_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAC_JOBS", "2")
    with pytest.raises(RuntimeError, match="KeyError: 'prod'"):
        parallel.run_each(Path("."), [task("dev"), task("prod", crash=True)])


def test_synth_with_workers_and_in_one_process_gives_the_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    outputs = {}
    for jobs in ("1", "2"):
        result = run_cli(root, "synth", "--outdir", f"out-{jobs}", env={"GAC_JOBS": jobs, "GAC_CACHE": "0"})
        assert result.returncode == 0, result.stderr
        outputs[jobs] = (stack_files(root / f"out-{jobs}"), result.stderr.replace(f"out-{jobs}", "out"))
    assert outputs["1"][0] == outputs["2"][0]
    # warnings, query figures and progress lines alike, but for the timing
    strip = lambda text: [line for line in text.splitlines() if not line.startswith("Wrote ")]  # noqa: E731
    assert strip(outputs["1"][1]) == strip(outputs["2"][1])
