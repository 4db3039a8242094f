"""The provider's contract lives in the repository: the committed schema, its version, and how it is refreshed.

`make provider-schema` needs the Terraform registry, which is not reachable here. Its script is exercised with a
stand-in `terraform` on PATH that answers `init`, `providers schema -json` and `version -json` the way Terraform
does; that proves the script's own work (what it replaces, in what order, that it regenerates the bindings, that a
failed fetch leaves every committed file alone), not that the registry download works.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from grafana_as_code.validate.run import COMMITTED_SCHEMA_PATH, COMMITTED_SCHEMA_VERSION_PATH, resolve_schema_path

from project_copy import COMMITTED_SCHEMA, REPO, copy_project

PROVIDER_SOURCE = "registry.terraform.io/grafana/grafana"


def committed_version() -> tuple[str, str]:
    source, version = (REPO / COMMITTED_SCHEMA_VERSION_PATH).read_text().split()
    return source, version


def test_the_schema_is_committed_beside_the_bindings() -> None:
    assert COMMITTED_SCHEMA == REPO / COMMITTED_SCHEMA_PATH
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", str(COMMITTED_SCHEMA_PATH),
                              str(COMMITTED_SCHEMA_VERSION_PATH)], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode == 128 and "not a git repository" in tracked.stderr:
        pytest.fail("not a git checkout: cannot tell whether the schema is committed")
    assert tracked.returncode == 0, tracked.stderr


def test_the_committed_schema_is_the_version_cdktf_json_asks_for() -> None:
    source, version = committed_version()
    assert source == PROVIDER_SOURCE
    schema = json.loads(COMMITTED_SCHEMA.read_text())
    assert list(schema["provider_schemas"]) == [source]
    # cdktf.json pins "grafana/grafana@~> MAJOR.MINOR": the committed release must satisfy it.
    pin = next(p for p in json.loads((REPO / "cdktf.json").read_text())["terraformProviders"]
               if p.startswith("grafana/grafana@"))
    match = re.fullmatch(r"grafana/grafana@~> (\d+)\.(\d+)", pin)
    assert match, f"unexpected provider pin {pin!r}: update this test with the constraint's meaning"
    major, minor = int(match.group(1)), int(match.group(2))
    got = tuple(int(part) for part in version.split(".")[:2])
    assert got[0] == major and got[1] >= minor, f"committed schema {version} does not satisfy {pin}"


def test_without_any_setting_the_committed_schema_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAFANA_PROVIDER_SCHEMA", raising=False)
    assert resolve_schema_path(None, root=REPO) == COMMITTED_SCHEMA
    monkeypatch.chdir(REPO)
    assert resolve_schema_path(None).resolve() == COMMITTED_SCHEMA


FAKE_TERRAFORM = """#!/usr/bin/env bash
# Stand-in for Terraform and its registry (see the module docstring).
chdir=""
if [[ "$1" == -chdir=* ]]; then chdir="${1#-chdir=}"; shift; fi
case "$1 $2" in
  "init "*)
    [[ -n "$FAKE_INIT_FAILS" ]] && { echo "Error: Failed to query available provider packages" >&2; exit 1; }
    grep -q '"version": "~> ' "$chdir/main.tf.json" || { echo "no constraint written" >&2; exit 1; }
    exit 0 ;;
  "providers schema") cat "$FAKE_SCHEMA" ;;
  "version -json") echo '{"terraform_version":"1.11.4","provider_selections":{"registry.terraform.io/grafana/grafana":"4.46.0"}}' ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
"""


def project_with_script(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = copy_project(tmp_path / "project")
    (root / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "provider-schema.sh", root / "scripts" / "provider-schema.sh")
    tools = tmp_path / "bin"
    tools.mkdir()
    terraform = tools / "terraform"
    terraform.write_text(FAKE_TERRAFORM)
    terraform.chmod(terraform.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if k != "GRAFANA_PROVIDER_SCHEMA"}
    env.update(PATH=f"{tools}:{env['PATH']}", PYTHON=sys.executable)
    return root, env


def committed_files(root: Path) -> dict[str, bytes]:
    files = [root / COMMITTED_SCHEMA_PATH, root / COMMITTED_SCHEMA_VERSION_PATH,
             *sorted((root / "imports" / "grafana").glob("*.py"))]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def run_script(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/provider-schema.sh"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_provider_schema_refreshes_the_schema_its_version_and_the_bindings(tmp_path: Path) -> None:
    root, env = project_with_script(tmp_path)
    schema = json.loads(COMMITTED_SCHEMA.read_text())
    folder = schema["provider_schemas"][PROVIDER_SOURCE]["resource_schemas"]["grafana_folder"]["block"]
    folder["attributes"]["color"] = {"type": "string", "description_kind": "plain", "optional": True}
    bumped = tmp_path / "bumped-schema.json"
    bumped.write_text(json.dumps(schema))
    before = committed_files(root)

    result = run_script(root, dict(env, FAKE_SCHEMA=str(bumped)))

    assert result.returncode == 0, result.stderr
    assert json.loads((root / COMMITTED_SCHEMA_PATH).read_text()) == schema
    assert (root / COMMITTED_SCHEMA_VERSION_PATH).read_text() == f"{PROVIDER_SOURCE} 4.46.0\n"
    after = committed_files(root)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == [COMMITTED_SCHEMA_PATH.as_posix(), COMMITTED_SCHEMA_VERSION_PATH.as_posix(),
                       "imports/grafana/folder.py"]
    assert "color: str | None = None" in after["imports/grafana/folder.py"].decode()


def test_provider_schema_without_the_registry_changes_nothing(tmp_path: Path) -> None:
    root, env = project_with_script(tmp_path)
    before = committed_files(root)

    result = run_script(root, dict(env, FAKE_INIT_FAILS="1", FAKE_SCHEMA="/nonexistent"))

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: .provider-schema/init.log: terraform init "
                                                              "could not fetch grafana/grafana")
    assert committed_files(root) == before


def test_provider_schema_refuses_a_schema_that_does_not_load(tmp_path: Path) -> None:
    root, env = project_with_script(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.0", "provider_schemas": {}}')
    before = committed_files(root)

    result = run_script(root, dict(env, FAKE_SCHEMA=str(broken)))

    assert result.returncode == 1
    assert "error: " in result.stderr and "Traceback" not in result.stderr
    assert committed_files(root) == before
