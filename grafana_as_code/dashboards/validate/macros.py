"""Grafana variables and macros inside queries: finding them, and replacing them so that a parser can check the
query as Grafana would send it.

A placeholder must fit where the variable stands: inside a string literal any text will do; after ``[`` or
``offset`` it must be a duration; elsewhere it is usually a label name, a metric name part or a number. The
variable's own value is used when the dashboard knows it (custom, constant, interval, textbox variables), so
``topk($n, ...)`` stays a number.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

# Grafana's own variable syntax: $name, [[name]] / [[name:format]], ${name}, ${name.field}, ${name:format}
VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")

# Names Grafana defines itself (global variables and data source macros).
BUILT_INS = frozenset({
    "__interval", "__interval_ms", "__rate_interval", "__rate_interval_ms", "__range", "__range_s", "__range_ms",
    "__auto", "__all", "__from", "__to", "__dashboard", "__org", "__user", "__timezone", "__name", "__data",
    "__field", "__series", "__value", "__cell", "__url", "__url_time_range", "__timeFilter", "__timeFrom",
    "__timeTo", "__timeGroup", "__timeGroupAlias", "__unixEpochFilter", "__unixEpochFrom", "__unixEpochTo",
    "__unixEpochGroup", "__unixEpochGroupAlias", "__unixEpochNanoFilter", "__unixEpochNanoFrom",
    "__unixEpochNanoTo", "__schema", "__table", "__column", "__searchFilter", "__span", "__trace", "__tags",
})
DURATION_MACROS = frozenset({"__interval", "__rate_interval", "__range", "__auto"})
NUMBER_MACROS = frozenset({"__interval_ms", "__rate_interval_ms", "__range_s", "__range_ms"})
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
BARE_OK = re.compile(r"^[A-Za-z0-9_:.]+$")
DURATION_CONTEXT = re.compile(r"(\[\s*|\[[^\]\[]*:\s*|\boffset\s+|@\s*)$")
PLACEHOLDER_DURATION = "5m"
PLACEHOLDER = "x"


def name_of(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2) or match.group(4)


def used_variables(text: str) -> list[str]:
    """Variable names referenced in ``text``, in order; ``$1`` (regex back-references) is not a variable."""
    return [name for name in (name_of(m) for m in VARIABLE.finditer(text)) if not name.isdigit()]


def _quote_states(text: str) -> list[str | None]:
    """The string literal (its quote character) each position of ``text`` is inside, or None."""
    states: list[str | None] = []
    quote: str | None = None
    escaped = False
    for char in text:
        states.append(quote)
        if quote is None:
            if char in "\"'`":
                quote = char
        elif escaped:
            escaped = False
        elif char == "\\" and quote != "`":
            escaped = True
        elif char == quote:
            quote = None
    return states


def _escape(value: str, quote: str) -> str:
    if quote == "`":
        return value.replace("`", "")
    return value.replace("\\", "\\\\").replace(quote, "\\" + quote)


def substitute(text: str, samples: Mapping[str, str | None]) -> str:
    """``text`` with every variable replaced by a value that keeps the query's syntax intact."""
    states = _quote_states(text)
    out: list[str] = []
    position = 0
    for match in VARIABLE.finditer(text):
        name = name_of(match)
        if name.isdigit():
            continue
        out.append(text[position:match.start()])
        quote = states[match.start()]
        sample = samples.get(name)
        if name in DURATION_MACROS:
            value = PLACEHOLDER_DURATION
        elif name in NUMBER_MACROS:
            value = "300"
        elif quote is not None:
            value = _escape(sample if sample is not None else PLACEHOLDER, quote)
        elif DURATION_CONTEXT.search("".join(out)):
            value = sample if sample is not None and DURATION.match(sample) else PLACEHOLDER_DURATION
        else:
            value = sample if sample is not None and BARE_OK.match(sample) else PLACEHOLDER
        out.append(value)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def samples_from(templating: list[dict]) -> dict[str, str | None]:
    """A representative value per variable: its current value, else its first concrete option."""
    samples: dict[str, str | None] = {}
    for variable in templating:
        if not isinstance(variable, dict) or not isinstance(variable.get("name"), str):
            continue
        value = None
        current = variable.get("current") if isinstance(variable.get("current"), dict) else {}
        candidates = [current.get("value")] + [o.get("value") for o in variable.get("options") or []
                                               if isinstance(o, dict)]
        for candidate in candidates:
            if isinstance(candidate, list):
                candidate = candidate[0] if candidate else None
            if isinstance(candidate, str) and candidate and not candidate.startswith("$__"):
                value = candidate
                break
        if variable.get("type") == "query":
            value = None  # values come from the data source at run time; a neutral placeholder fits anywhere
        samples[variable["name"]] = value
    return samples
