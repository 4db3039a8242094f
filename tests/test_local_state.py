"""Local state (the default backend): written into the stack as a path relative to it, so the synthesized output is
byte-identical wherever the repository is cloned, and Terraform still finds the state at the project root."""
from __future__ import annotations

import json
import os
import posixpath
import subprocess
from pathlib import Path

import pytest
import yaml

from project_copy import REPO, copy_fixture_project, run_cli, stack_files


def with_local_state(root: Path, path: str | None = None) -> Path:
    """Every environment of the copy on the local backend (``state.path`` if given)."""
    env_files = sorted((root / "environments").glob("*.yaml"))
    assert env_files, "no environments to put on local state"
    for env_file in env_files:
        data = yaml.safe_load(env_file.read_text())
        data["state"] = {"backend": "local", **({"path": path} if path else {})}
        env_file.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def backend(outdir: Path, env: str) -> dict:
    return json.loads((outdir / "stacks" / env / "cdk.tf.json").read_text())["terraform"]["backend"]


def lands_at(stack_dir: Path, state_path: str) -> Path:
    """Where Terraform, running in the stack directory, puts the state (lexically, as it joins the path)."""
    return Path(posixpath.normpath(posixpath.join(stack_dir.as_posix(), state_path)))


@pytest.fixture(scope="module")
def two_clones(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("clones")
    first = with_local_state(copy_fixture_project(base / "a" / "grafana"))
    second = with_local_state(copy_fixture_project(base / "somewhere-else" / "much" / "deeper" / "checkout"))
    for root in (first, second):
        result = run_cli(root, "synth")
        assert result.returncode == 0, result.stderr
    return first, second


def test_output_is_byte_identical_from_two_clone_locations(two_clones: tuple[Path, Path]) -> None:
    first, second = two_clones
    produced = stack_files(first / "cdktf.out")
    assert any(name.endswith("cdk.tf.json") for name in produced)
    assert produced == stack_files(second / "cdktf.out")
    for root in two_clones:
        for name, content in produced.items():
            assert str(root).encode() not in content, name


def test_state_lands_at_the_project_root(two_clones: tuple[Path, Path]) -> None:
    root = two_clones[0]
    for env_file in sorted((root / "environments").glob("*.yaml")):
        env = env_file.stem
        path = backend(root / "cdktf.out", env)["local"]["path"]
        assert not os.path.isabs(path)
        assert lands_at(root / "cdktf.out" / "stacks" / env, path) == root / f"terraform.{env}.tfstate"


def test_another_outdir_keeps_the_state_at_the_root(tmp_path: Path) -> None:
    root = with_local_state(copy_fixture_project(tmp_path / "project"))
    env = sorted(p.stem for p in (root / "environments").glob("*.yaml"))[0]
    result = run_cli(root, "synth", "--env", env, "--outdir", "build/stacks-out")
    assert result.returncode == 0, result.stderr
    path = backend(root / "build" / "stacks-out", env)["local"]["path"]
    assert path == f"../../../../terraform.{env}.tfstate"
    assert lands_at(root / "build" / "stacks-out" / "stacks" / env, path) == root / f"terraform.{env}.tfstate"


def test_a_relative_state_path_is_relative_to_the_project_root(tmp_path: Path) -> None:
    root = with_local_state(copy_fixture_project(tmp_path / "project"), path="state/grafana.tfstate")
    env = sorted(p.stem for p in (root / "environments").glob("*.yaml"))[0]
    assert run_cli(root, "synth", "--env", env).returncode == 0
    path = backend(root / "cdktf.out", env)["local"]["path"]
    assert lands_at(root / "cdktf.out" / "stacks" / env, path) == root / "state" / "grafana.tfstate"


def test_an_absolute_state_path_is_kept(tmp_path: Path) -> None:
    root = with_local_state(copy_fixture_project(tmp_path / "project"), path="/var/lib/grafana-state/dev.tfstate")
    env = sorted(p.stem for p in (root / "environments").glob("*.yaml"))[0]
    assert run_cli(root, "synth", "--env", env).returncode == 0
    assert backend(root / "cdktf.out", env)["local"]["path"] == "/var/lib/grafana-state/dev.tfstate"


def test_cdktn_synth_writes_the_same_relative_path(two_clones: tuple[Path, Path], tmp_path: Path) -> None:
    """`cdktn synth` sets CDKTF_OUTDIR itself (no staging directory): the stacks must not differ."""
    cli = REPO / "node_modules" / ".bin" / "cdktn"
    if not cli.exists():
        pytest.fail("node_modules/.bin/cdktn is missing: run `make setup`")
    root = with_local_state(copy_fixture_project(tmp_path / "cli-clone"))
    venv_bin = Path(os.sys.executable).parent
    env = dict(os.environ, CHECKPOINT_DISABLE="1",
               PATH=f"{venv_bin}:{REPO / 'node_modules' / '.bin'}:{os.environ['PATH']}")
    result = subprocess.run([str(cli), "synth"], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    produced = {k: v for k, v in stack_files(root / "cdktf.out").items() if k.startswith("stacks/")}
    expected = {k: v for k, v in stack_files(two_clones[0] / "cdktf.out").items() if k.startswith("stacks/")}
    assert produced == expected
