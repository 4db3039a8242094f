"""One thing that changed in a resource, as the diff steps report it and the renderers show it.

A finding holds the old and new value (or a note when values would say less than words: "moved from (0, 0) to
(12, 0)"), a label a reviewer understands (``rule["High p99"].for``, ``panel "Requests" query A``) and the raw path
for the noise rules. It holds no Markdown: rendering is ``markdown``'s job.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .model import UNKNOWN
from .sensitive import Sensitive


class _Missing:
    """Absent on one side (added or removed); distinct from JSON null."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "(none)"


MISSING = _Missing()

# Attribute and query keys whose values are code (PromQL, LogQL, SQL, templates): shown as a before/after diff.
CODE_KEYS = frozenset({"expr", "query", "rawSql", "rawQuery", "expression", "template", "target"})


@dataclass(frozen=True)
class Finding:
    label: str
    before: Any = MISSING
    after: Any = MISSING
    note: str = ""  # said instead of showing values
    kind: str = "changed"  # for summaries: "query changed", "panel added", …
    code: bool = False  # show as a before/after diff block
    path: tuple[Any, ...] = ()  # attribute path (keys, indexes or block names) for the noise rules
    reformatted: bool = False  # a JSON string whose content is the same (key order, whitespace)

    @property
    def added(self) -> bool:
        return self.before is MISSING and self.after is not MISSING

    @property
    def removed(self) -> bool:
        return self.after is MISSING and self.before is not MISSING


def show(value: Any, limit: int = 120) -> str:
    """A value on one line, as plain text: strings quoted, structures as compact JSON, masked values masked."""
    if isinstance(value, Sensitive) or value is UNKNOWN or value is MISSING:
        return repr(value)
    text = json.dumps(value, sort_keys=True, separators=(", ", ": "), ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def raw(value: Any) -> str:
    """A value as code: strings as written (queries), anything else as ``show`` gives it."""
    return value if isinstance(value, str) else show(value, limit=400)


def is_placeholder(value: Any) -> bool:
    """Masked or not yet known: such a value cannot be looked into."""
    return isinstance(value, Sensitive) or value is UNKNOWN
