"""A snapshot of the whole loaded project, reused while no definition file, no line of code and no grammar changed.

The fast path of the content-addressed cache (grafana_as_code/cache.py): the key is a SHA-256 of every file under
the definition folders (path and bytes), the package's code, the query grammars' releases and how the project was
asked for (environments, secret checks, the working directory that file names in messages are relative to). Same
key, same inputs, so the loaded project is the one loading would give; the warnings and query figures it produced
are stored with it and reported again. When anything changed, the project is loaded file by file, each file
through the per-file cache. Errors are never stored: a project with a problem is loaded (and reported) every time.

Snapshots are pickles in ``.cache/projects/`` (the newest few are kept). They are read with an unpickler that only
builds this package's own model classes and plain values, so a tampered file cannot run code; one it cannot read
is ignored and replaced. ``GAC_CACHE=0`` switches this off with the rest of the cache.
"""
from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .cache import CACHE_FILE, code_version
from .dashboards.validate.query_report import record, recording
from .errors import Problem, collecting_warnings, warn
from .yaml_io import display_path

SNAPSHOTS = CACHE_FILE.parent / "projects"
KEEP = 8  # snapshots kept: a few environments' selections and branches switched back and forth
FORMAT = 1  # bump when the layout of the stored tuple changes


def input_files(folders: Iterable[Path]) -> list[Path]:
    """Every file under the definition folders, in a fixed order (hidden files included: a loader may read them)."""
    files: list[Path] = []
    for folder in folders:
        for directory, subdirectories, names in os.walk(folder):
            subdirectories.sort()
            files += [Path(directory, name) for name in sorted(names)]
    return files


def snapshot_key(root: Path, folders: Iterable[Path], request: str) -> str:
    from .dashboards.validate.grammars import grammar_releases

    digest = hashlib.sha256(f"project\0{FORMAT}\0{code_version()}\0{sys.version}\0{request}\0"
                            f"{sorted(grammar_releases().items())}\0{display_path(root)}".encode())
    for path in input_files(folders):
        digest.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as error:  # unreadable: part of the key as such; loading will report it
            digest.update(f"unreadable: {error.strerror}".encode())
    return digest.hexdigest()


def _proxy(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


def _reduce_proxy(proxy: MappingProxyType) -> tuple:
    return _proxy, (dict(proxy),)


_PICKLER_TABLE = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
# What a snapshot may build: the package's own classes and functions, and plain values.
_SAFE_BUILTINS = {"set", "frozenset", "list", "dict", "tuple", "bytes", "bytearray", "str", "int", "float", "bool",
                  "complex", "range", "slice", "NoneType"}
_SAFE_MODULES = {"pathlib": {"Path", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"},
                 "collections": {"OrderedDict", "Counter", "defaultdict", "deque"},
                 "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
                 "decimal": {"Decimal"}, "fractions": {"Fraction"}}


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module == "grafana_as_code" or module.startswith("grafana_as_code.")
                or (module == "builtins" and name in _SAFE_BUILTINS) or name in _SAFE_MODULES.get(module, ())):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not build {module}.{name}")


def dump_models(value: Any) -> bytes:
    """A pickle of models (read-only mappings included), as snapshots and worker results are sent."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _PICKLER_TABLE
    pickler.dump(value)
    return buffer.getvalue()


def _read(path: Path, key: str) -> tuple[Any, list[Problem], list[tuple]] | None:
    try:
        stored_key, project, warnings, records = _ModelUnpickler(io.BytesIO(path.read_bytes())).load()
    except Exception:  # missing, truncated, from another version, tampered: not a snapshot we can use
        return None
    if stored_key != key:
        return None
    return project, warnings, records


def _write(directory: Path, key: str, value: tuple) -> None:
    try:
        data = dump_models((key, *value))
    except Exception:  # something in the model cannot be pickled: no snapshot, the load stands
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".{key}.{os.getpid()}.tmp"
        partial.write_bytes(data)
        os.replace(partial, directory / f"{key}.pickle")  # atomic: a concurrent reader sees all or nothing
        snapshots = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in snapshots[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # only the next run will not find it


def load_through_snapshot(root: Path, folders: Iterable[Path], request: str, load: Callable[[], Any],
                          rebase: Callable[[Any], Any]) -> Any:
    """``load()``, or the project it gave for the same key; ``rebase`` points a stored project at ``root``."""
    if os.environ.get("GAC_CACHE", "1") == "0":
        return load()
    directory = root / SNAPSHOTS
    key = snapshot_key(root, folders, request)
    stored = _read(directory / f"{key}.pickle", key)
    if stored is not None:
        project, warnings, records = stored
        for problem in warnings:
            warn(problem.where, problem.field, problem.message)
        for args in records:
            record(*args)
        return rebase(project)
    warnings: list[Problem] = []
    with recording() as records:
        try:
            with collecting_warnings() as warnings:
                project = load()
        finally:  # passed on as they came, errors or not
            for problem in warnings:
                warn(problem.where, problem.field, problem.message)
    _write(directory, key, (project, list(warnings), list(records)))
    return project
