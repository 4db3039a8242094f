"""A content-addressed cache of loading results, so that a synth costs per changed file, not per repository.

What is cached is a pure function of its key: the key is a SHA-256 of everything the result depends on (the file's
bytes, the complete render context of the environment, and the code that computes it: every source file of this
package). A changed file, environment, data source, folder or line of code is a different key, so a hit is always
the result the computation would give, and a miss computes it, exactly as without a cache (tests compare both
outputs byte for byte). Warnings raised while computing are stored with the result and raised again on a hit.
Errors are never cached: a file with a problem is loaded (and reported) every time.

The cache lives in ``.cache/grafana-as-code.sqlite`` under the project root (git-ignored; delete it at will).
``GAC_CACHE=0`` switches it off.
"""
from __future__ import annotations

import contextvars
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Problem, collecting_warnings, warn

CACHE_FILE = Path(".cache") / "grafana-as-code.sqlite"
PACKAGE = Path(__file__).resolve().parent


# The committed provider schema: what the loaded models are checked against too (contact point integrations).
PROVIDER_SCHEMA = PACKAGE.parent / "imports" / "grafana-provider-schema.json"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of every source file of the package (Python, JSON schemas, the Node query parser) and of the
    committed provider schema."""
    digest = hashlib.sha256()
    sources = []
    for directory, subdirectories, names in os.walk(PACKAGE):
        subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]
        sources += [os.path.join(directory, n) for n in names if n.endswith((".py", ".json", ".mjs"))]
    for source in sorted(sources, key=lambda s: Path(s).relative_to(PACKAGE).as_posix()):
        with open(source, "rb") as file:
            digest.update(Path(source).relative_to(PACKAGE).as_posix().encode() + b"\0" + file.read() + b"\0")
    if PROVIDER_SCHEMA.is_file():
        digest.update(b"provider schema\0" + PROVIDER_SCHEMA.read_bytes())
    return digest.hexdigest()


def context_key(context: Any) -> str | None:
    """A digest of a (frozen, dataclass) context by its full ``repr``; None when the repr is not content (an
    object shown by address), which makes it unfit for a key."""
    text = repr(context)
    if " object at 0x" in text:
        return None
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str]] = []

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30)
                self._db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            except sqlite3.Error:
                return None  # an unusable cache is no cache
        return self._db

    def get(self, key: str) -> str | None:
        db = self._open()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        self._pending.append((key, value))

    def flush(self) -> None:
        db = self._open()
        if db is None or not self._pending:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", self._pending)
        except sqlite3.Error:
            pass  # the results stand; only the next run will not find them
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


_active: contextvars.ContextVar[Cache | None] = contextvars.ContextVar("gac_cache", default=None)


@contextmanager
def caching(root: Path) -> Iterator[Cache | None]:
    """Use the project's cache inside the block (nothing when ``GAC_CACHE=0``); written when the block ends."""
    if os.environ.get("GAC_CACHE", "1") == "0":
        yield None
        return
    cache = Cache(root / CACHE_FILE)
    token = _active.set(cache)
    try:
        yield cache
    finally:
        _active.reset(token)
        cache.close()


def active_cache() -> Cache | None:
    """The cache of the enclosing ``caching`` block (None outside one, or with ``GAC_CACHE=0``)."""
    return _active.get()


def entry_key(kind: str, parts: tuple[bytes | str, ...]) -> str:
    """The key of a result: what it is, the code that computes it, and everything it depends on."""
    digest = hashlib.sha256(f"{kind}\0{code_version()}".encode())
    for part in parts:
        digest.update(b"\0" + (part if isinstance(part, bytes) else part.encode()))
    return digest.hexdigest()


def cached(kind: str, parts: tuple[bytes | str, ...], compute: Callable[[], Any],
           encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> Any:
    """``compute()``, or its stored result for the same ``parts`` (and code). ``encode`` turns the result into
    JSON-able data and ``decode`` back; warnings are replayed on a hit."""
    cache = _active.get()
    if cache is None or any(part is None for part in parts):
        return compute()
    key = entry_key(kind, parts)
    stored = cache.get(key)
    if stored is not None:
        entry = json.loads(stored)
        for where, field, message in entry["warnings"]:
            warn(where, field, message)
        return decode(entry["value"])
    with collecting_warnings() as warnings:
        result = compute()
    for problem in warnings:
        warn(problem.where, problem.field, problem.message)
    cache.put(key, json.dumps({"value": encode(result), "warnings": [_triple(p) for p in warnings]},
                              ensure_ascii=False, allow_nan=True))
    return result


def _triple(problem: Problem) -> tuple[str, str, str]:
    return problem.where, problem.field, problem.message
