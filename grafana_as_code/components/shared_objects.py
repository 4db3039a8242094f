"""What a team stack names but does not hold: the shared stack's folders and data sources, by their literal uids.

A team stack (grafana_as_code/shards.py) refers to shared objects by the constant uids the definition files give
them, so no cross-stack reference (output, remote state) is needed. The lookups fail on an unknown uid, like the
shared stack's own components, rather than writing a uid nothing creates.
"""
from __future__ import annotations

from collections.abc import Iterable


class SharedUids:
    def __init__(self, kind: str, uids: Iterable[str]) -> None:
        self._kind = kind
        self._uids = frozenset(uids)

    def uid(self, uid: str) -> str:
        if uid not in self._uids:
            raise KeyError(f"no {self._kind} with uid {uid!r} in the shared stack")
        return uid
