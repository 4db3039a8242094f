"""Shuffles every directory listing of a Python process, to prove its output does not depend on listing order.

Only active when a test puts this folder on PYTHONPATH and sets SHUFFLE_LISTING_SEED (tests/test_determinism.py).
``os.listdir`` and ``os.scandir`` (which ``pathlib``'s glob, rglob and iterdir, ``glob`` and ``os.walk`` use) return
their entries in a seeded random order, whatever the file system does (ext4 lists by name hash, tmpfs by creation
order). With SHUFFLE_LISTING_LOG set, the number of listings of two or more entries that were reordered is written
there at exit, so the test can prove the shuffle took effect.
"""
from __future__ import annotations

import atexit
import os
import random

_SEED = os.environ.get("SHUFFLE_LISTING_SEED")

if _SEED is not None:
    _random = random.Random(int(_SEED))
    _listdir, _scandir = os.listdir, os.scandir
    _reordered = [0]

    def _shuffle(items: list) -> list:
        before = list(items)
        _random.shuffle(items)
        if len(items) > 1 and items != before:
            _reordered[0] += 1
        return items

    class _Entries:
        """What ``os.scandir`` returns: an iterator that is also a context manager."""

        def __init__(self, entries: list) -> None:
            self._entries = iter(entries)

        def __iter__(self) -> "_Entries":
            return self

        def __next__(self):
            return next(self._entries)

        def __enter__(self) -> "_Entries":
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def close(self) -> None:
            return None

    def listdir(path=".") -> list:
        return _shuffle(_listdir(path))

    def scandir(path="."):
        with _scandir(path) as found:
            entries = list(found)
        return _Entries(_shuffle(entries))

    os.listdir, os.scandir = listdir, scandir

    _LOG = os.environ.get("SHUFFLE_LISTING_LOG")
    if _LOG:
        atexit.register(lambda: open(_LOG, "w").write(str(_reordered[0])))
