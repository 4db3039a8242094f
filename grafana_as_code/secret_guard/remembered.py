"""Lines scanned clean before, remembered in the project cache (``grafana_as_code/cache.py``) by digest only.

What detect-secrets finds on a line depends on the line, on detect-secrets' version and on our configuration (the
plugins and filters of ``scanner.py`` and ``filters.py``: code of this package, which every cache key includes). A
line found clean is remembered under the SHA-256 of the three (keys ``secret-scan/<digest>``); nothing of the line
itself is stored. A line with a finding is never remembered: it is scanned, and reported, every time. Outside a
``caching`` block (or with ``GAC_CACHE=0``) nothing is remembered and every line is scanned, with the same
findings.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..cache import active_cache, entry_key
from .sieve import installed_version

KIND = "secret-scan"
CLEAN = "clean"


def _key(line: str, version: str) -> str:
    return f"{KIND}/{entry_key(KIND, (version, line))}"  # named by kind: the dashboards' entries are counted apart


def clean(lines: list[str]) -> set[str]:
    """The lines of ``lines`` remembered as scanned clean."""
    cache = active_cache()
    if cache is None or not lines:
        return set()
    version = installed_version()
    return {line for line in lines if cache.get(_key(line, version)) == CLEAN}


def remember_clean(lines: Iterable[str]) -> None:
    """Remember these lines as clean (written when the ``caching`` block ends)."""
    cache = active_cache()
    if cache is None:
        return
    version = installed_version()
    for line in lines:
        cache.put(_key(line, version), CLEAN)
