"""Running amtool on the Alertmanager rendering of a synthesized stack's notification resources."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from grafana_as_code.alerting.alertmanager import write_alertmanager_config
from project_copy import REPO, copy_project, run_cli


def amtool() -> str:
    path = shutil.which("amtool")
    assert path, "amtool is not installed: run `make system-tools` (Debian package prometheus-alertmanager)"
    return path


def synthesize(root: Path) -> Path:
    """``make synth``'s output for every environment of ``root`` (a copy of the repository), as it is deployed."""
    result = run_cli(root, "synth", "--outdir", "cdktf.out")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "cdktf.out" / "stacks"


def synthesize_repository(directory: Path) -> Path:
    return synthesize(copy_project(directory / "project"))


def environment_names(stacks: Path) -> list[str]:
    return sorted(p.parent.name for p in stacks.glob("*/cdk.tf.json"))


def render(stacks: Path, env: str, directory: Path) -> Path:
    return write_alertmanager_config(stacks / env / "cdk.tf.json", directory / env)


def check_config(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([amtool(), "check-config", str(config)], capture_output=True, text=True)


def routes_test(config: Path, labels: dict[str, str], expected: list[str] | None = None) -> subprocess.CompletedProcess:
    """``amtool config routes test``; with ``expected``, amtool itself fails when the receivers differ."""
    args = [amtool(), "config", "routes", "test", f"--config.file={config}"]
    if expected is not None:
        args.append(f"--verify.receivers={','.join(expected)}")
    return subprocess.run([*args, *(f"{k}={v}" for k, v in sorted(labels.items()))], capture_output=True, text=True)


def receivers(config: Path, labels: dict[str, str]) -> list[str]:
    result = routes_test(config, labels)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().split(",")


__all__ = ["REPO", "check_config", "environment_names", "receivers", "render", "routes_test", "synthesize",
           "synthesize_repository"]
