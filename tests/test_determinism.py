"""Synthesis is byte-identical across processes and across file orders that really differ.

Each comparison synthesizes in a separate process with another PYTHONHASHSEED (so set and dict orders that follow
string hashes change), from a copy whose files were created in a shuffled order (on tmpfs, /dev/shm, a directory
lists its entries by creation order; ext4 lists them by name hash, so creation order alone would prove nothing
there), with every directory listing of the process shuffled again (tests/shuffle_listing/sitecustomize.py, which
reports how many listings it reordered), and with policy fragments renamed so that routes of EQUAL rank in
different files swap their order on input.
"""
from __future__ import annotations

import difflib
import json
import os
import tempfile
from pathlib import Path

import pytest

from grafana_as_code.alerting.names import yaml_files
from project_copy import (SECRET_VALUES, SHUFFLE_LISTING, content_root, copy_fixture_project, copy_project, run_cli,
                          stack_files)


@pytest.fixture
def shuffle_dir(tmp_path: Path):
    """A fresh directory where creation order decides listing order (tmpfs) when the machine has one."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="gac-shuffle-") as directory:
            yield Path(directory)
    else:
        yield tmp_path


def synth_shuffled(root: Path, hash_seed: str, listing_seed: str, log: Path) -> Path:
    result = run_cli(root, "synth", env={**SECRET_VALUES, "PYTHONHASHSEED": hash_seed,
                                         "PYTHONPATH": str(SHUFFLE_LISTING), "SHUFFLE_LISTING_SEED": listing_seed,
                                         "SHUFFLE_LISTING_LOG": str(log)})
    assert result.returncode == 0, result.stderr
    assert int(log.read_text()) > 0, "the listing shuffle did not take effect"
    return root / "cdktf.out"


def assert_same_files(expected: dict[str, bytes], produced: dict[str, bytes]) -> None:
    assert sorted(produced) == sorted(expected)
    for name in expected:
        if produced[name] != expected[name]:
            before = json.dumps(json.loads(expected[name]), indent=1).splitlines()
            after = json.dumps(json.loads(produced[name]), indent=1).splitlines()
            diff = "\n".join(list(difflib.unified_diff(before, after, lineterm="", n=2))[:40])
            pytest.fail(f"{name} differs:\n{diff}", pytrace=False)


def listed(directory: Path) -> list[str]:
    return os.listdir(directory)


def test_fixture_output_is_identical_across_processes_file_orders_and_equal_rank_renames(
        fixture_synth: Path, shuffle_dir: Path, tmp_path: Path) -> None:
    root = copy_fixture_project(shuffle_dir / "project", shuffle_seed=20261201)
    policies = root / "alerts" / "policies"
    before = [p.name for p in yaml_files(policies)]
    (policies / "team-payments.yaml").rename(policies / "zz-team-payments.yaml")  # equal rank with team-platform
    (policies / "audit.yaml").rename(policies / "zz-audit.yaml")  # equal rank (continue) with daily-summary
    after = [p.name for p in yaml_files(policies)]
    assert before.index("team-payments.yaml") < before.index("team-platform.yaml")
    assert after.index("zz-team-payments.yaml") > after.index("team-platform.yaml")
    assert before.index("audit.yaml") < before.index("daily-summary.yaml")
    assert after.index("zz-audit.yaml") > after.index("daily-summary.yaml")
    produced = synth_shuffled(root, hash_seed="4242", listing_seed="7", log=tmp_path / "listings")
    assert_same_files(stack_files(fixture_synth), stack_files(produced))


def test_content_output_is_identical_across_processes_and_file_orders(content_synth: Path, shuffle_dir: Path,
                                                                       tmp_path: Path) -> None:
    root = copy_project(shuffle_dir / "project", definitions=content_root(), shuffle_seed=1201)
    produced = synth_shuffled(root, hash_seed="31337", listing_seed="11", log=tmp_path / "listings")
    assert_same_files(stack_files(content_synth), stack_files(produced))


def test_a_shuffled_creation_order_really_lists_differently_on_tmpfs(shuffle_dir: Path) -> None:
    """Where the copy lands on tmpfs, its directories list in another order than a sorted copy's: the shuffled
    creation is a real shuffle there (and the listing shuffle covers every other file system)."""
    if not str(shuffle_dir).startswith("/dev/shm"):
        pytest.fail("no writable tmpfs at /dev/shm: creation order cannot be shown to matter here; the listing "
                    "shuffle still runs", pytrace=False)
    sorted_copy = copy_fixture_project(shuffle_dir / "sorted")
    shuffled = copy_fixture_project(shuffle_dir / "shuffled", shuffle_seed=20261201)
    folders = ["alerts/policies", "alerts/contact-points", "datasources", "dashboards/shop"]
    assert [listed(shuffled / f) for f in folders] != [listed(sorted_copy / f) for f in folders]
    assert [sorted(listed(shuffled / f)) for f in folders] == [sorted(listed(sorted_copy / f)) for f in folders]
