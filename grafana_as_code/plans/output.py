"""Delivering a report: to stdout, or to a file that is either complete or untouched.

The workflow posts whatever file it finds, so a half-written one (disk full, a crash mid-write) must never exist:
the text goes to a temporary file beside the target and is renamed over it, which is atomic on one file system.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..errors import UserError
from ..secret_guard.outputs import scan_report
from ..yaml_io import display_path


def write_report(text: str, output: str | None) -> None:
    """Print or write a report, after a last scan for secrets: a finding stops it and nothing is written."""
    to_stdout = output is None or output == "-"
    findings = scan_report(text, "<stdout>" if to_stdout else display_path(Path(output)))
    if findings:
        raise UserError(findings)
    if to_stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(output)
    where = display_path(target)
    if not target.parent.is_dir():
        raise UserError(where, "", "cannot write: the directory does not exist")
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError(where, "", f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(where, "", f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
