"""Building the CDK app: what ``main.py`` calls, with user errors turned into one clear message."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .cdk import App
from .errors import UserError, report
from .project import Project, load_project

ENVIRONMENTS_VARIABLE = "GAC_ENVIRONMENTS"


def selected_environments() -> list[str] | None:
    value = os.environ.get(ENVIRONMENTS_VARIABLE, "").strip()
    return [name.strip() for name in value.split(",") if name.strip()] or None


def build_app(root: Path | None = None) -> tuple[App, Project]:
    """Load and check every definition file first, then create the app (outdir from CDKTF_OUTDIR, as the CLI sets)."""
    project = load_project(root or Path.cwd(), selected_environments())
    outdir = os.environ.get("CDKTF_OUTDIR", "cdktf.out")
    return App(outdir=outdir), project


def run(main: Callable[[], None]) -> None:
    """Run ``main``; a UserError ends the process with its message and exit code 1, never a traceback."""
    try:
        main()
    except UserError as error:
        report(error)
        raise SystemExit(1) from None
