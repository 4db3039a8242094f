"""Template functions of Prometheus annotations that do not work in Grafana.

Grafana renders annotations with Prometheus' own template engine (``template.NewTemplateExpander`` in Grafana's
pkg/services/ngalert/state/template/template.go), so ``humanize``, ``humanizePercentage``, ``humanizeDuration``,
``printf``, ``reReplaceAll``, ``title``, ``toUpper``, ``with``/``range`` and friends all work as in Prometheus. One
thing does not: Grafana hands the engine a no-op query function ("`query()` is not supported in Grafana"), so
``query`` always returns an empty result. ``{{ query "…" | first | value }}`` then fails to render (``first`` of an
empty vector is an error) and Grafana shows a template error instead of the annotation; ``{{ range query "…" }}``
silently renders nothing. Both are refused here with what to write instead.
"""
from __future__ import annotations

import re

_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
# Go template string literals ("…" with escapes, `…` raw) are text, not function names.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`', re.DOTALL)
# `query` as a function: not a field (.query), not a variable ($query), not part of a longer identifier.
_QUERY = re.compile(r"(?<![\w.$])query(?![\w])")

QUERY_HINT = ("uses the template function `query`, which Grafana does not run (it returns no series, so "
              "`query … | first | value` fails to render); show the alert's own value with {{ $value }} and its "
              "labels with {{ $labels.<name> }}, or add the figure to the rule's expression as a label")


def prometheus_only_function(text: str) -> str | None:
    """Why ``text`` would render differently in Grafana because of a function it calls, or None."""
    for action in _ACTION.findall(text):
        if _QUERY.search(_STRING.sub('""', action)):
            return QUERY_HINT
    return None
