"""Running amtool on the Alertmanager rendering of an environment's notification setup."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from grafana_as_code.alerting.alertmanager import write_alertmanager_config
from grafana_as_code.project import Catalog


def amtool() -> str:
    path = shutil.which("amtool")
    assert path, "amtool is not installed: run `make system-tools` (Debian package prometheus-alertmanager)"
    return path


def render(catalog: Catalog, directory: Path) -> Path:
    return write_alertmanager_config(catalog.notifications, directory / catalog.env.name)


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
