"""``make synth``: synthesize every environment into a staging directory, validate it, then publish it.

The project is loaded once, and the stacks are built by ``main.py``'s own ``build`` in this process, so ``cdktn
synth`` (``python main.py``) and ``make synth`` give the same files. ``cdktf.out`` is replaced only when everything
passed: a bad input leaves it untouched.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .cache import caching
from .errors import Problem, UserError
from .loading import load_reported
from .project import Project
from .shards import project_shards
from .secret_guard.outputs import scan_outdir
from .validate.run import resolve_schema_path, validate_outdir


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_app(root: Path, outdir: Path, project: Project, published: Path | None = None) -> None:
    """Build and synthesize the app of ``root/main.py`` in this process, from the project already loaded.

    ``cdktn synth`` runs ``python main.py``, which loads the project and calls the same ``build``: the stacks are the
    same, and ``make synth`` loads every definition file once.
    """
    from .bindings.runtime import synthesize
    from .cdk import App
    from .components.state_backend import PUBLISHED_OUTDIR_CONTEXT

    main = _main_module(root)
    context = {PUBLISHED_OUTDIR_CONTEXT: str(root / published)} if published is not None else {}
    previous = os.getcwd()
    os.chdir(root)  # main.py's view of the project: paths (local state) are relative to the project root
    try:
        app = App(outdir=str(outdir), context=context)
        main.build(app, project)
        synthesize(app)
    except UserError:
        raise
    except Exception as exc:  # the engine's own validation (jsii error), e.g. a backend setting it refuses
        engine = _engine_errors(str(exc))
        if engine:
            raise UserError([Problem("cdktn", "", line) for line in engine]) from None
        raise
    finally:
        os.chdir(previous)


def _main_module(root: Path) -> Any:
    """``root/main.py`` as a module (with ``root`` importable, as when Python runs it)."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    spec = importlib.util.spec_from_file_location("grafana_as_code_main", root / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _engine_errors(stderr: str) -> list[str]:
    """The engine's own validation messages ("[dev/backend] S3 native state locking requires …"), if it refused."""
    lines = stderr.splitlines()
    for index, line in enumerate(lines):
        if "Validation failed with the following errors:" in line:
            return [item.strip() for item in lines[index + 1:] if item.strip().startswith("[")]
    return []


def synth(root: Path, outdir: Path, environments: list[str] | None, schema: str | None,
          validate: bool = True, strict: bool = False) -> list[Path]:
    started = time.perf_counter()
    # Fails fast, before anything runs or is written; prints the warnings and query figures, once: the stacks are
    # built from this very project (run_app), nothing loads it again.
    project = load_reported(root, environments, strict=strict)
    for catalog in project.catalogs:
        progress(f"  {catalog.env.name}: {len(catalog.folders)} folders, {len(catalog.datasources)} data sources, "
                 f"{len(catalog.dashboards)} dashboards, {len(catalog.library_panels)} library panels, "
                 f"{len(catalog.rule_groups)} alert rule groups "
                 f"({sum(len(g.rules) for g in catalog.rule_groups)} rules)")
    schema_path = resolve_schema_path(schema) if validate else None
    staging = Path(tempfile.mkdtemp(prefix=".cdktf-staging-", dir=root))
    try:
        progress(f"Synthesizing {len(project_shards(project))} stack(s) of {len(project.catalogs)} environment(s)…")
        run_app(root, staging, project, published=outdir)
        check_migrations(project, staging)
        problems = []
        if schema_path is not None:
            progress(f"Validating against provider schema {schema_path}…")
            problems = validate_outdir(staging, schema_path)
        progress("Scanning the output for secrets…")
        with caching(root):  # lines scanned clean in an earlier run are not scanned again (secret_guard/remembered.py)
            problems += scan_outdir(staging, outdir)  # the exit: nothing that looks like a secret is published
        if problems:
            raise UserError(problems)
        publish(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stacks = sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    progress(f"Wrote {len(stacks)} stack(s) to {outdir}/stacks in {time.perf_counter() - started:.1f}s")
    return stacks


def check_migrations(project: Project, outdir: Path) -> None:
    """A migration file (migrations/<env>.yaml) must fit the stacks just synthesized."""
    import json

    from .migration import check_against

    problems = []
    shards = project_shards(project)
    for env in project.environments:
        migration = next((s.migration for s in shards if s.env.name == env.name and s.migration), None)
        if migration is not None:
            stacks = {s.name: json.loads((outdir / "stacks" / s.name / "cdk.tf.json").read_text())
                      for s in shards if s.env.name == env.name}
            problems += check_against(migration, stacks, env.name)
    if problems:
        raise UserError(problems)


def publish(staging: Path, outdir: Path) -> None:
    """Swap the staged output in; the old output is removed only once the new one is complete."""
    old = outdir.with_name(outdir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if outdir.exists():
        outdir.rename(old)
    shutil.copytree(staging, outdir)
    shutil.rmtree(old, ignore_errors=True)
