"""``make synth``: synthesize every environment into a staging directory, validate it, then publish it.

The app runs exactly as ``cdktn synth`` runs it (``python main.py`` with ``CDKTF_OUTDIR``), so both paths give
the same files. ``cdktf.out`` is replaced only when everything passed: a bad input leaves it untouched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .app import ENVIRONMENTS_VARIABLE, STAGED_VARIABLE
from .components.state_backend import PUBLISHED_OUTDIR_VARIABLE
from .errors import Problem, UserError
from .loading import load_reported
from .secret_guard.outputs import scan_outdir
from .validate.run import resolve_schema_path, validate_outdir


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_app(root: Path, outdir: Path, environments: list[str] | None, published: Path | None = None) -> None:
    env = dict(os.environ, CDKTF_OUTDIR=str(outdir), **{STAGED_VARIABLE: "1"})  # we scan the staged output
    if published is not None:  # where the stacks end up, for paths written relative to them (local state)
        env[PUBLISHED_OUTDIR_VARIABLE] = str(root / published)
    if environments:
        env[ENVIRONMENTS_VARIABLE] = ",".join(environments)
    result = subprocess.run([sys.executable, "main.py"], cwd=root, env=env, capture_output=True, text=True)
    # jsii prints a banner about Node versions on stderr; keep only what our app said.
    messages = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    if result.returncode != 0:
        if messages:
            raise UserError([_problem(line) for line in messages])
        engine = _engine_errors(result.stderr)
        if engine:
            raise UserError([Problem("cdktn", "", line) for line in engine])
        raise RuntimeError(f"python main.py failed (exit {result.returncode}):\n{result.stderr}")


def _engine_errors(stderr: str) -> list[str]:
    """The engine's own validation messages ("[dev/backend] S3 native state locking requires …"), if it refused."""
    lines = stderr.splitlines()
    for index, line in enumerate(lines):
        if "Validation failed with the following errors:" in line:
            return [item.strip() for item in lines[index + 1:] if item.startswith("  [")]
    return []


def _problem(line: str) -> Problem:
    """The app already printed a located message; keep it whole."""
    return Problem(line.removeprefix("error: "), "", "")


def synth(root: Path, outdir: Path, environments: list[str] | None, schema: str | None,
          validate: bool = True, strict: bool = False) -> list[Path]:
    started = time.perf_counter()
    # Fails fast, before anything runs or is written; prints the warnings and query figures (main.py's own,
    # in the subprocess below, are not passed on: only its error lines are).
    project = load_reported(root, environments, strict=strict)
    for catalog in project.catalogs:
        progress(f"  {catalog.env.name}: {len(catalog.folders)} folders, {len(catalog.datasources)} data sources, "
                 f"{len(catalog.dashboards)} dashboards, {len(catalog.library_panels)} library panels, "
                 f"{len(catalog.rule_groups)} alert rule groups "
                 f"({sum(len(g.rules) for g in catalog.rule_groups)} rules)")
    schema_path = resolve_schema_path(schema) if validate else None
    staging = Path(tempfile.mkdtemp(prefix=".cdktf-staging-", dir=root))
    try:
        progress(f"Synthesizing {len(project.catalogs)} stack(s)…")
        run_app(root, staging, environments, published=outdir)
        problems = []
        if schema_path is not None:
            progress(f"Validating against provider schema {schema_path}…")
            problems = validate_outdir(staging, schema_path)
        progress("Scanning the output for secrets…")
        problems += scan_outdir(staging, outdir)  # the exit: nothing that looks like a secret is published
        if problems:
            raise UserError(problems)
        publish(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stacks = sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    progress(f"Wrote {len(stacks)} stack(s) to {outdir}/stacks in {time.perf_counter() - started:.1f}s")
    return stacks


def publish(staging: Path, outdir: Path) -> None:
    """Swap the staged output in; the old output is removed only once the new one is complete."""
    old = outdir.with_name(outdir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if outdir.exists():
        outdir.rename(old)
    shutil.copytree(staging, outdir)
    shutil.rmtree(old, ignore_errors=True)
