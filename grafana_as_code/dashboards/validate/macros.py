"""Grafana variables and macros inside queries: finding them, and replacing them so that a parser can check the
query as Grafana would send it.

A placeholder must fit where the variable stands, as the value Grafana interpolates there would:

* inside a string literal any text will do (``=~"${var:regex}"``, ``|= `$search```);
* after ``[``, ``offset`` or a subquery ``:`` it is a duration (``[$__rate_interval]`` -> ``[5m]``);
* where a function takes a number (``vector($n)``, ``topk($n, …)``, ``quantile_over_time($q, …)``,
  ``histogram_quantile($q, …)``, ``clamp_min(…, $min)``, ``@ $ts``) or after a comparison in a LogQL/TraceQL
  filter (``| status >= $code``) it is a number (a duration when the variable's value is one);
* standing alone in a selector's braces (``up{$matchers}``, ``{a="b", $matchers}``) it is label matchers: the
  Mimir mixin's ``read_path_matcher`` holds ``cluster=~"$cluster", job=~"…"``, which the Prometheus data source
  inserts unescaped (``prometheusRegularEscape`` leaves a single value's ``=``, ``"`` and ``,`` alone, and keeps a
  whole ``name="value"`` matcher as it is: public/app/plugins/datasource/prometheus escaping.ts);
* elsewhere (a metric or label name, a whole vector argument) it is a name.

The variable's own value is used when the dashboard knows it (custom, constant, interval, textbox variables) and it
fits the position, so ``topk($n, ...)`` stays the number the user picked.
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
NUMBER_MACROS = frozenset({"__interval_ms", "__rate_interval_ms", "__range_s", "__range_ms", "__from", "__to"})
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
BARE_OK = re.compile(r"^[A-Za-z_:][A-Za-z0-9_:.]*$")
DURATION_CONTEXT = re.compile(r"(\[\s*|\[[^\]\[]*:\s*|\boffset\s+-?)$")
TIMESTAMP_CONTEXT = re.compile(r"@\s*$")
COMPARISON_CONTEXT = re.compile(r"(>=|<=|==|!=|>|<|(?<![=!~])=)\s*$")
REGEX_MATCHER = re.compile(r"(=~|!~|\|~)\s*$")  # label and line filters whose string is a regular expression
PLACEHOLDER_DURATION = "5m"
PLACEHOLDER_NUMBER = "1"
PLACEHOLDER = "x"
PLACEHOLDER_MATCHER = 'x="x"'
MATCHER_SAMPLE = re.compile(r'^\s*[A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)\s*"')  # the value starts like a matcher
# Functions (PromQL, LogQL and TraceQL metrics) and the argument positions where they take a number.
NUMBER_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "vector": (0,), "topk": (0,), "bottomk": (0,), "limitk": (0,), "limit_ratio": (0,), "quantile": (0,),
    "histogram_quantile": (0,), "quantile_over_time": (0, 1, 2, 3, 4), "histogram_fraction": (0, 1),
    "clamp": (1, 2), "clamp_min": (1,), "clamp_max": (1,), "round": (1,), "predict_linear": (1,),
    "holt_winters": (1, 2), "double_exponential_smoothing": (1, 2), "time": (), "scalar": (),
}


def name_of(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2) or match.group(4)


def used_variables(text: str) -> list[str]:
    """Variable names referenced in ``text``, in order; ``$1`` (regex back-references) is not a variable."""
    return [name for name in (name_of(m) for m in VARIABLE.finditer(text)) if not name.isdigit()]


def quoted_only(text: str, name: str) -> bool:
    """Whether every use of variable ``name`` in ``text`` stands inside a string literal (``{job="$job"}``)."""
    states = _quote_states(text)
    uses = [m for m in VARIABLE.finditer(text) if name_of(m) == name]
    return bool(uses) and all(states[m.start()] is not None for m in uses)


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


def _string_start(text: str, position: int, quote: str) -> int:
    """Where the string literal holding ``position`` opens (its quote character's index)."""
    index = text.rfind(quote, 0, position)
    while index > 0 and text[index - 1] == "\\" and quote != "`":
        index = text.rfind(quote, 0, index - 1)
    return max(index, 0)


def _regex_escape(value: str) -> str:
    return re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", value)


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
        before = "".join(out)
        if name in DURATION_MACROS:
            value = PLACEHOLDER_DURATION
        elif name in NUMBER_MACROS:
            value = "300"
        elif quote is not None:
            value = sample if sample is not None else PLACEHOLDER
            if REGEX_MATCHER.search(text[:_string_start(text, match.start(), quote)]):
                value = _regex_escape(value)  # Grafana escapes values in regex matchers; parsers compile them
            value = _escape(value, quote)
        elif DURATION_CONTEXT.search(before):
            value = sample if sample is not None and DURATION.match(sample) else PLACEHOLDER_DURATION
        elif TIMESTAMP_CONTEXT.search(before):
            value = sample if sample is not None and NUMBER.match(sample) else "300"
        elif _stands_as_matchers(before, text[match.end():]):
            value = PLACEHOLDER_MATCHER
            if sample is not None and MATCHER_SAMPLE.match(sample):
                # its own variables ($cluster in the Mimir matcher) are interpolated too, as Grafana does
                value = substitute(sample, {k: v for k, v in samples.items() if k != name})
        elif _wants_number(before, text[match.end():]):
            value = sample if sample is not None and (NUMBER.match(sample) or DURATION.match(sample)) \
                else PLACEHOLDER_NUMBER
        else:
            value = sample if sample is not None and BARE_OK.match(sample) else PLACEHOLDER
        out.append(value)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _enclosing_call(before: str) -> tuple[str, int] | None:
    """The function whose argument list ``before`` ends in, and the index of the argument being written."""
    depth, index = 0, 0
    for position in range(len(before) - 1, -1, -1):
        char = before[position]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                if char != "(":
                    return None
                name = re.search(r"([A-Za-z_]\w*)\s*$", before[:position])
                return (name.group(1), index) if name else None
            depth -= 1
        elif char == "," and depth == 0:
            index += 1
    return None


def _stands_as_matchers(before: str, after: str) -> bool:
    """The variable is a whole entry of a selector's matcher list: ``{`` or ``,`` before it inside braces, and ``}``
    or ``,`` after it (``{$var="x"}`` names a label instead and stays a name)."""
    if not before.rstrip().endswith(("{", ",")) or not re.match(r"\s*[,}]", after):
        return False
    depth = 0
    for char in reversed(before):
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                return char == "{"
            depth -= 1
    return False


def _wants_number(before: str, after: str) -> bool:
    """A number fits here (and a name might not): a numeric argument, or the right side of a comparison (a LogQL
    label filter ``| status >= $x``, a TraceQL ``{ .code = $x }``; PromQL takes a number there too)."""
    if COMPARISON_CONTEXT.search(before):
        return True
    if not before.rstrip().endswith(("(", ",")) or not re.match(r"\s*[,)]", after):
        return False
    call = _enclosing_call(before)
    if call is None:
        return False
    positions = NUMBER_ARGUMENTS.get(call[0], (0,) if call[0].startswith(("topk_", "bottomk_")) else ())
    return call[1] in positions  # topk_max(k, …) and the like: VictoriaMetrics' variants of topk


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
        if variable.get("type") == "custom" and value is not None:
            # A custom variable's options are its query split at unescaped commas, each "\\," then read as ","
            # (Grafana's custom variable: options match /(?:\\,|[^,])+/ and replace /\\,/g with ","); exported
            # option lists keep the escaped form, as the Mimir mixin's read_path_matcher does.
            value = value.replace("\\,", ",")
        if variable.get("type") == "query":
            value = None  # values come from the data source at run time; a neutral placeholder fits anywhere
        samples[variable["name"]] = value
    return samples
