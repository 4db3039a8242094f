"""How many queries were checked, per language, and which could not be judged and why.

A run validates the same dashboards once per environment; a query is counted once (by file, place and text).
``collecting_query_report()`` around ``load_project`` gathers the figures that ``synth`` prints; without it,
nothing is recorded.
"""
from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ...errors import Problem


@dataclass
class QueryReport:
    checked: Counter[str] = field(default_factory=Counter)  # language -> queries parsed by a real parser
    unchecked: Counter[str] = field(default_factory=Counter)  # language -> queries no parser could judge
    notes: list[Problem] = field(default_factory=list)  # why each unchecked query of a parsed language was not
    seen: set[tuple[str, str, str]] = field(default_factory=set)

    def record(self, file: str, where: str, language: str, text: str, reason: str | None) -> None:
        key = (file, where, text)
        if key in self.seen:
            return
        self.seen.add(key)
        if reason is None:
            self.checked[language] += 1
        else:
            self.unchecked[language] += 1
            if not reason.startswith(NO_PARSER):
                self.notes.append(Problem(file, where, reason))

    def summary(self) -> str:
        """``Queries: PromQL 812 checked; TraceQL 6 checked, 2 unchecked; SQL 5 unchecked (no parser)``."""
        languages = [l for l in ORDER if l in self.checked or l in self.unchecked]
        languages += sorted((set(self.checked) | set(self.unchecked)) - set(ORDER))
        parts = []
        for language in languages:
            if language not in ORDER:
                parts.append(f"{language} {self.unchecked[language]} unchecked (no parser)")
                continue
            part = f"{language} {self.checked[language]} checked"
            if self.unchecked[language]:
                part += f", {self.unchecked[language]} unchecked"
            parts.append(part)
        return "Queries: " + ("; ".join(parts) if parts else "none")


ORDER = ["PromQL", "LogQL", "TraceQL"]
NO_PARSER = "no parser for"  # languages we have no grammar for (SQL, plugin queries): counted, not listed

_report: contextvars.ContextVar[QueryReport | None] = contextvars.ContextVar("gac_query_report", default=None)


_recorders: contextvars.ContextVar[tuple[list[tuple], ...]] = contextvars.ContextVar("gac_query_recorders",
                                                                                     default=())


def record(file: str, where: str, language: str, text: str, reason: str | None) -> None:
    for recorder in _recorders.get():
        recorder.append((file, where, language, text, reason))
    report = _report.get()
    if report is not None:
        report.record(file, where, language, text, reason)


@contextmanager
def recording() -> Iterator[list[tuple]]:
    """Every ``record`` call inside the block, as its arguments (passed on to the report as well), so that a stored
    result can record the same again (grafana_as_code/project_snapshot.py)."""
    calls: list[tuple] = []
    token = _recorders.set((*_recorders.get(), calls))
    try:
        yield calls
    finally:
        _recorders.reset(token)


@contextmanager
def collecting_query_report() -> Iterator[QueryReport]:
    report = QueryReport()
    token = _report.set(report)
    try:
        yield report
    finally:
        _report.reset(token)
