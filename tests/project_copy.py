"""Helpers shared by tests and the benchmark: the repository, copies of it to break, and running the CLI on them.

Machinery tests copy the small project of their own (``FIXTURE_PROJECT``, tests/fixtures/project-minimal) with
``copy_fixture_project``; only the content checks and the catalog requirements read the repository's definitions.
"""
from __future__ import annotations

import atexit
import compileall
import contextlib
import io
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


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None,
            process: bool = False) -> subprocess.CompletedProcess:
    """``python -m grafana_as_code *args`` in ``root``: its exit code, standard output and standard error.

    It runs in this process (the CLI's own ``main``, in ``root``, with ``env`` set for the call) when that cannot
    differ from a process of its own: ``root`` holds exactly this process's code, and ``env`` sets nothing the
    interpreter reads at start (``PYTHON*``) or that decides how many processes synthesis uses (``GAC_JOBS``). A
    synthesis then costs a third of the CPU (no interpreter, imports and engine to start). ``process=True``, a
    changed copy of the code, or such a variable runs it as CI does, in a process of its own.
    """
    overrides = {"GRAFANA_PROVIDER_SCHEMA": str(schema_path()), **(env or {})}
    if process or not _can_run_in_process(root, overrides):
        return subprocess.run([sys.executable, "-m", "grafana_as_code", *args], cwd=root,
                              env=dict(os.environ, **overrides), capture_output=True, text=True, timeout=600)
    return _run_in_process(root, list(args), overrides)


def _can_run_in_process(root: Path, overrides: dict[str, str]) -> bool:
    if any(name.startswith("PYTHON") or name == "GAC_JOBS" for name in overrides):
        return False
    return root.resolve() == REPO or _holds_this_code(root)


def _code_files(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of the code under ``root`` (main.py, the package, bindings...)."""
    found = {}
    for name in CODE:
        top = root / name
        paths = [top] if top.is_file() else [Path(d) / f for d, _, files in os.walk(top) for f in files
                                              if "__pycache__" not in Path(d).parts]
        for path in paths:
            status = path.stat()
            found[path.relative_to(root).as_posix()] = (status.st_size, status.st_mtime_ns)
    return found


def _holds_this_code(root: Path) -> bool:
    """Whether ``root``'s code is a copy of this process's, untouched: copies keep the file times (copy_code), and
    a test that edits, adds or removes a code file changes them."""
    global _TEMPLATE_FILES
    if _TEMPLATE_FILES is None:
        _TEMPLATE_FILES = _code_files(_compiled_code())
    return (root / "grafana_as_code").is_dir() and _code_files(root) == _TEMPLATE_FILES


_TEMPLATE_FILES: dict[str, tuple[int, int]] | None = None


def _run_in_process(root: Path, args: list[str], overrides: dict[str, str]) -> subprocess.CompletedProcess:
    from grafana_as_code.cli import main

    saved_environ = {name: os.environ.get(name) for name in overrides}
    saved_path, saved_directory = list(sys.path), os.getcwd()
    stdout, stderr = io.StringIO(), io.StringIO()
    os.environ.update(overrides)
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(args)
            except SystemExit as exit:  # argparse's usage errors, as the process would exit with them
                code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
                if isinstance(exit.code, str):
                    print(exit.code, file=sys.stderr)
    finally:
        os.chdir(saved_directory)
        sys.path[:] = saved_path  # main.py puts its project first on the path
        for name, value in saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess([sys.executable, "-m", "grafana_as_code", *args], code, stdout.getvalue(),
                                       stderr.getvalue())


def stack_files(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` in a copied definition file to break it on purpose; fails loudly when ``old`` is not there
    (``count`` times), so a test never passes on a file it did not change."""
    text = path.read_text()
    found = text.count(old)
    assert found >= count, f"{old!r} is in {path} {found} time(s), expected at least {count}: the test's edit is stale"
    path.write_text(text.replace(old, new, count))
