"""Helpers shared by tests and the benchmark: the repository, copies of it to break, and running the CLI on them.

Machinery tests copy the small project of their own (``FIXTURE_PROJECT``, tests/fixtures/project-minimal) with
``copy_fixture_project``; only the content checks and the catalog requirements read the repository's definitions.
"""
from __future__ import annotations

import atexit
import compileall
import os
import py_compile
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE_PROJECT = REPO / "tests" / "fixtures" / "project-minimal"
SHUFFLE_LISTING = REPO / "tests" / "shuffle_listing"  # a sitecustomize that shuffles every directory listing
DEFINITION_DIRS = ("environments", "datasources", "dashboards", "alerts", "teams", "adopt")
CODE = ("main.py", "cdktf.json", "stacks", "grafana_as_code", "imports")

# Secret values set while the content is synthesized: none may appear in the output.
SECRET_VALUES = {"TF_VAR_grafana_auth": "glsa_SUPERSECRETTOKEN", "GRAFANA_AUTH": "admin:SUPERSECRETPASSWORD",
                 "TF_VAR_postgres_password": "SUPERSECRETPGPASS", "TF_VAR_sentry_auth_token": "SUPERSECRETSENTRY",
                 "TF_VAR_slack_bot_token": "xoxb-SUPERSECRETSLACK", "TF_VAR_pagerduty_integration_key": "SUPERSECRETPD",
                 "TF_VAR_incident_webhook_url": "https://hooks.example.com/SUPERSECRETHOOK"}


def content_root() -> Path:
    """The project whose content the content checks read: the repository, or CONTENT_ROOT (tests/test_adding_content.py
    points it at a copy with additions)."""
    return Path(os.environ.get("CONTENT_ROOT", REPO)).resolve()


COMMITTED_SCHEMA = REPO / "imports" / "grafana-provider-schema.json"  # the provider's contract, like a lock file


def schema_path() -> Path:
    """The provider schema to validate against: $GRAFANA_PROVIDER_SCHEMA when set, else the committed one."""
    return Path(os.environ.get("GRAFANA_PROVIDER_SCHEMA") or COMMITTED_SCHEMA)


def definition_files(source: Path) -> list[Path]:
    return sorted(p for name in DEFINITION_DIRS if (source / name).exists()
                  for p in (source / name).rglob("*") if p.is_file())


def _compiled_code() -> Path:
    """The repository's code, once per process, with its bytecode compiled beside it.

    Every copy gets this bytecode, so the CLI run in a copy reads it instead of compiling about a hundred modules
    (0.3 s of CPU per run, where PYTHONDONTWRITEBYTECODE is set, as in many CI images, and on every copy's first run
    elsewhere). The bytecode is checked against a hash of its source on import (PEP 552), so a test that edits code
    in its copy runs the edited code, whatever the file times.
    """
    global _COMPILED
    if _COMPILED is None:
        template = Path(tempfile.mkdtemp(prefix="gac-code-"))
        atexit.register(shutil.rmtree, template, True)
        for name in CODE:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, template / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, template / name)
        compileall.compile_dir(template, quiet=2, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        _COMPILED = template
    return _COMPILED


_COMPILED: Path | None = None


def copy_code(target: Path) -> Path:
    """The repository's code (no definition files) under ``target``, with its bytecode, and its Node packages
    linked."""
    target.mkdir(parents=True, exist_ok=True)
    compiled = _compiled_code()
    for name in CODE:
        source = compiled / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    node_modules = REPO / "node_modules"
    if node_modules.exists():
        (target / "node_modules").symlink_to(node_modules)
    return target


def copy_project(target: Path, definitions: Path = REPO, shuffle_seed: int | None = None) -> Path:
    """The code of the repository with the definition files of ``definitions`` (default: the repository's own).

    With ``shuffle_seed``, directories and files are created in a seeded random order instead of sorted order (on
    file systems that list entries in creation order, such as tmpfs, the listings then really differ).
    """
    copy_code(target)
    files = definition_files(definitions)
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(files)
    for path in files:
        destination = target / path.relative_to(definitions)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def copy_fixture_project(target: Path, shuffle_seed: int | None = None) -> Path:
    """A copy of the machinery tests' own small project (tests/fixtures/project-minimal) with the repository's code."""
    return copy_project(target, definitions=FIXTURE_PROJECT, shuffle_seed=shuffle_seed)


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = dict(os.environ, GRAFANA_PROVIDER_SCHEMA=str(schema_path()), **(env or {}))
    return subprocess.run([sys.executable, "-m", "grafana_as_code", *args], cwd=root, env=environ,
                          capture_output=True, text=True, timeout=600)


def stack_files(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` in a copied definition file to break it on purpose; fails loudly when ``old`` is not there
    (``count`` times), so a test never passes on a file it did not change."""
    text = path.read_text()
    found = text.count(old)
    assert found >= count, f"{old!r} is in {path} {found} time(s), expected at least {count}: the test's edit is stale"
    path.write_text(text.replace(old, new, count))
