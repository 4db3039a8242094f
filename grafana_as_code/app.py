"""Building the CDK app: what ``main.py`` calls, with user errors turned into one clear message."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .bindings.runtime import synthesize
from .cdk import App
from .errors import UserError, report
from .loading import load_reported
from .project import Project

ENVIRONMENTS_VARIABLE = "GAC_ENVIRONMENTS"
# Set by `python -m grafana_as_code synth`, which scans the staged output itself before publishing it.
STAGED_VARIABLE = "GAC_STAGED_SYNTH"


def selected_environments() -> list[str] | None:
    value = os.environ.get(ENVIRONMENTS_VARIABLE, "").strip()
    return [name.strip() for name in value.split(",") if name.strip()] or None


def build_app(root: Path | None = None) -> tuple[App, Project]:
    """Load and check every definition file first, then create the app (outdir from CDKTF_OUTDIR, as the CLI sets)."""
    # Under `make synth` the parent process has just passed the same files through the secrets door.
    staged = os.environ.get(STAGED_VARIABLE) == "1"
    project = load_reported(root or Path.cwd(), selected_environments(), check_secrets=not staged)
    return App(outdir=str(outdir())), project


def outdir() -> Path:
    return Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out"))


def synth(app: App) -> None:
    """Write the stacks. Under `cdktn synth/diff/deploy` (no staging) they are then scanned for secrets, and a stack
    holding one is removed before the CLI can use it; `make synth` scans its staged output instead."""
    synthesize(app)
    if os.environ.get(STAGED_VARIABLE) == "1":
        return
    from .cache import caching
    from .secret_guard.outputs import scan_outdir
    from .yaml_io import display_path

    written = outdir()
    shown = Path(display_path(written))
    with caching(Path.cwd()):  # lines scanned clean in an earlier run are not scanned again, as in `make synth`
        problems = scan_outdir(written, shown)
    if problems:
        for where in sorted({p.where for p in problems}):
            (written / Path(where).relative_to(shown)).unlink(missing_ok=True)
        raise UserError(problems)


def run(main: Callable[[], None]) -> None:
    """Run ``main``; a UserError ends the process with its message and exit code 1, never a traceback."""
    try:
        main()
    except UserError as error:
        report(error)
        raise SystemExit(1) from None
