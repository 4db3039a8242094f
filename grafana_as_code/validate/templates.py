"""Terraform template syntax inside the string values of a Terraform JSON configuration.

Terraform reads every JSON string as a template: ``${expr}`` is evaluated and ``%{...}`` starts a directive.
Grafana uses the same ``${...}`` spelling for its own variables (``${__value.raw}``, ``${datasource}``), so a
generator that forgets to write ``$${...}`` produces JSON that ``terraform validate`` rejects, or worse, silently
substitutes. This module finds the live (unescaped) sequences and decides, for each ``${...}``, whether Terraform
could resolve it in the stack at hand. It is a light reader of HCL expressions, not a parser: it only needs to find
the references (``var.x``, ``grafana_folder.a.uid``) and recognise text that cannot be a Terraform expression.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from grafana_as_code.validate.schema import Block, ProviderSchema

GRAFANA_HINT = "Grafana's ${...} must be written $${...} in Terraform JSON"

_OPENER = re.compile(r"[$%]\{")
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*(?:::[A-Za-z_][A-Za-z0-9_-]*)*)
  | (?P<punct>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%<>!?:=.,()\[\]{}])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if"})
_CONTEXT_ROOTS = frozenset({"each", "count", "self", "path", "terraform"})
_RESOURCE_TYPE = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]+")


@dataclass(frozen=True)
class Interpolation:
    """One live ``${...}`` or ``%{...}`` sequence; ``end`` is the index after its closing brace."""

    start: int
    end: int
    marker: str  # "$" or "%"
    closed: bool

    def content(self, text: str) -> str:
        return text[self.start + 2:self.end - 1 if self.closed else self.end]


@dataclass(frozen=True)
class Scope:
    """What a ``${...}`` may refer to in one stack (what is declared), plus the provider schema for attributes."""

    variables: frozenset[str]
    locals: frozenset[str]
    resources: Mapping[str, frozenset[str]]
    data: Mapping[str, frozenset[str]]
    modules: frozenset[str]
    schema: ProviderSchema
    iterators: frozenset[str] = frozenset()  # names bound by `dynamic` blocks


def find_interpolations(text: str) -> list[Interpolation]:
    """Live template sequences in ``text``; ``$${`` and ``%%{`` are Terraform's escapes and are skipped."""
    found: list[Interpolation] = []
    pos = 0
    while (match := _OPENER.search(text, pos)) is not None:
        start = match.start()
        marker = text[start]
        if start > 0 and text[start - 1] == marker:  # "$${" or "%%{": an escape, not a sequence
            pos = start + 2
            continue
        close = _closing_brace(text, start + 2)
        end = len(text) if close < 0 else close + 1
        found.append(Interpolation(start, end, marker, close >= 0))
        pos = end
    return found


def _closing_brace(text: str, pos: int) -> int:
    """Index of the brace closing a sequence opened just before ``pos`` (quoted strings skipped), or -1."""
    depth = 1
    length = len(text)
    while pos < length:
        char = text[pos]
        if char == '"':
            pos += 1
            while pos < length and text[pos] != '"':
                pos += 2 if text[pos] == "\\" else 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1


def has_template(text: str) -> bool:
    """True when Terraform would evaluate something in ``text`` (the result is then unknown to us)."""
    return ("${" in text or "%{" in text) and bool(find_interpolations(text))


def is_whole_interpolation(text: str) -> bool:
    """``"${...}"`` and nothing else: Terraform uses the expression's own value, which may have any type."""
    if not text.startswith("${"):
        return False
    found = find_interpolations(text)
    return len(found) == 1 and found[0].closed and found[0].end == len(text)


def literal_text(text: str, placeholder: str = "0") -> str:
    """The string Terraform would produce, with each live sequence replaced by ``placeholder`` and escapes undone.

    ``0`` is a placeholder that keeps embedded JSON valid whether the interpolation sits inside a JSON string or
    stands for a whole JSON value.
    """
    if "{" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    for interp in find_interpolations(text):
        pieces.append(text[pos:interp.start])
        pieces.append(placeholder if interp.marker == "$" else "")
        pos = interp.end
    pieces.append(text[pos:])
    return "".join(pieces).replace("$${", "${").replace("%%{", "%{")


def template_problems(text: str, scope: Scope) -> list[str]:
    """Messages for every live sequence in ``text`` that Terraform could not evaluate in this stack."""
    if "${" not in text and "%{" not in text:
        return []
    messages: list[str] = []
    for interp in find_interpolations(text):
        snippet = _snippet(text[interp.start:interp.end])
        if not interp.closed:
            messages.append(f"`{snippet}` is never closed, so Terraform cannot parse the template; "
                            f"write {interp.marker * 2}{{ for a literal {interp.marker}{{")
        elif interp.marker == "%":
            messages.append(f"`{snippet}` would be read as a Terraform template directive; "
                            "write %%{ for a literal %{")
        else:
            messages.extend(f"`{snippet}` {problem}"
                            for problem in expression_problems(interp.content(text).strip().strip("~"), scope))
    return messages


def _snippet(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def expression_problems(expression: str, scope: Scope) -> list[str]:
    """Why Terraform could not evaluate ``expression`` (the text between ``${`` and ``}``), if it could not."""
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup or "other"
        if kind == "other":
            return [f"is not a Terraform expression; {GRAFANA_HINT}"]
        if kind != "ws":
            tokens.append((kind, match.group()))
    if not tokens:
        return [f"is an empty interpolation; {GRAFANA_HINT}"]
    return _token_problems(tokens, scope, _bound_names(tokens))


def _bound_names(tokens: list[tuple[str, str]]) -> frozenset[str]:
    """Names introduced by ``for k, v in ...`` expressions, which are not references."""
    bound: set[str] = set()
    for index, (_, text) in enumerate(tokens):
        if text == "for":
            for kind, name in tokens[index + 1:]:
                if name == "in":
                    break
                if kind == "ident":
                    bound.add(name)
    return frozenset(bound)


def _token_problems(tokens: list[tuple[str, str]], scope: Scope, bound: frozenset[str]) -> list[str]:
    problems: list[str] = []
    depth = 0  # inside `{ ... }`, where `name =` / `name :` is an object key, not a reference
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
        if kind != "ident":
            index += 1
            continue
        previous = tokens[index - 1][1] if index else ""
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        is_key = depth > 0 and following in ("=", ":") and previous in ("{", ",")
        if text in _KEYWORDS or text in bound or following == "(" or previous == "." or is_key:
            index += 1
            continue
        steps, index = _read_traversal(tokens, index + 1, scope, bound, problems)
        problems.extend(_reference_problems(text, steps, scope))
    return problems


def _read_traversal(tokens: list[tuple[str, str]], index: int, scope: Scope, bound: frozenset[str],
                    problems: list[str]) -> tuple[list[str | None], int]:
    """Read the ``.a[expr].b`` steps after a root name; ``None`` stands for an index step (checked on its own)."""
    parts: list[str | None] = []
    while index < len(tokens):
        text = tokens[index][1]
        if text == "." and index + 1 < len(tokens) and tokens[index + 1][0] in ("ident", "num"):
            parts.append(tokens[index + 1][1])
            index += 2
        elif text == "[":
            close = _closing_bracket(tokens, index)
            problems.extend(_token_problems(tokens[index + 1:close], scope, bound))
            parts.append(None)
            index = close + 1
        else:
            break
    return parts, index


def _closing_bracket(tokens: list[tuple[str, str]], index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        text = tokens[position][1]
        depth += (text == "[") - (text == "]")
        if depth == 0:
            return position
    return len(tokens)


def _reference_problems(root: str, names: list[str | None], scope: Scope) -> list[str]:
    first = names[0] if names else None
    if root in ("var", "local", "module"):
        declared = {"var": scope.variables, "local": scope.locals, "module": scope.modules}[root]
        section = {"var": "variable", "local": "locals", "module": "module"}[root]
        if first is None:
            return [f"is not a Terraform reference; {GRAFANA_HINT}"]
        if first not in declared:
            return [f"refers to {root}.{first}, which is not declared under `{section}` in this stack"]
        return []
    if root == "data":
        if len(names) < 2 or names[0] is None or names[1] is None:
            return ["is not a complete data source reference (data.<type>.<name>.<attribute>)"]
        if names[1] not in scope.data.get(names[0], frozenset()):
            return [f"refers to data.{names[0]}.{names[1]}, which is not declared under `data` in this stack"]
        return _attribute_problems(names[0], names[2:], scope.schema.data_sources)
    if root in _CONTEXT_ROOTS or root in scope.iterators:
        return []
    known_type = root in scope.resources or root in scope.schema.resources
    if first is not None and (known_type or _RESOURCE_TYPE.fullmatch(root)):
        if first not in scope.resources.get(root, frozenset()):
            hint = "" if known_type else f"; if it is a Grafana variable, {GRAFANA_HINT}"
            return [f"refers to {root}.{first}, which is not declared in this stack{hint}"]
        return _attribute_problems(root, names[1:], scope.schema.resources)
    return [f"is not a Terraform reference; {GRAFANA_HINT}"]


def _attribute_problems(type_name: str, rest: list[str | None], blocks: Mapping[str, Block]) -> list[str]:
    """The first attribute after ``<type>.<name>`` (indexes skipped) must exist on the referenced type."""
    block = blocks.get(type_name)
    attribute = next((name for name in rest if name is not None), None)
    if block is None or attribute is None or attribute in block.names:
        return []
    return [f"refers to attribute '{attribute}', which {type_name} does not have{suggest(attribute, block.names)}"]


def suggest(name: str, candidates: tuple[str, ...] | list[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
