"""Helpers shared by tests and the benchmark: the repository, copies of it to break, and running the CLI on them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFINITION_DIRS = ("environments", "datasources", "dashboards", "alerts", "teams", "adopt")
CODE = ("main.py", "cdktf.json", "stacks", "grafana_as_code", "imports")


COMMITTED_SCHEMA = REPO / "imports" / "grafana-provider-schema.json"  # the provider's contract, like a lock file


def schema_path() -> Path:
    """The provider schema to validate against: $GRAFANA_PROVIDER_SCHEMA when set, else the committed one."""
    return Path(os.environ.get("GRAFANA_PROVIDER_SCHEMA") or COMMITTED_SCHEMA)


def copy_project(target: Path, reverse: bool = False) -> Path:
    """A copy of the repository's definitions and code; ``reverse`` creates files in the opposite order."""
    target.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    node_modules = REPO / "node_modules"
    if node_modules.exists():
        (target / "node_modules").symlink_to(node_modules)
    for name in DEFINITION_DIRS:
        source = REPO / name
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.exists() else []
        for path in reversed(files) if reverse else files:
            destination = target / path.relative_to(REPO)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    return target


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = dict(os.environ, GRAFANA_PROVIDER_SCHEMA=str(schema_path()), **(env or {}))
    return subprocess.run([sys.executable, "-m", "grafana_as_code", *args], cwd=root, env=environ,
                          capture_output=True, text=True, timeout=600)


def stack_files(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a copied definition file (which must contain it) to break it on purpose."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
