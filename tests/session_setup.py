"""How the test session sets up its machine before any test runs (tests/conftest.py calls it)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def temporary_files_in_memory(shm: Path = Path("/dev/shm"), needed: int = 2 << 30) -> None:
    """Test directories on the RAM file system Linux mounts at /dev/shm, when it is writable and has room, and no
    TMPDIR was chosen.

    Most tests copy a project (some 300 files of code, bytecode and definitions) and synthesize it. On a virtual
    disk creating a file costs a fraction of a millisecond of kernel time, which made copying a third of the suite's
    CPU time (README: Tests); in memory a copy takes a twentieth of it. Set before pytest picks its base
    directory, and inherited by the pytest-xdist workers and every process the tests start. Where /dev/shm is small
    (containers often give it 64 MB) or missing, nothing changes.
    """
    if os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    try:
        usable = shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) and shutil.disk_usage(shm).free >= needed
    except OSError:
        return
    if usable:
        os.environ["TMPDIR"] = str(shm)
        tempfile.tempdir = None  # read TMPDIR again on the next gettempdir()
