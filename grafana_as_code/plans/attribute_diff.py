"""Attribute diffs by meaning: nested blocks by name, JSON strings by content.

Terraform shows a nested block list by position and a JSON attribute (``grafana_rule_group.rule[].data[].model``,
``json_data_encoded``) as one opaque string. Here blocks are matched by their identity (``name``, ``ref_id``,
``uid`` …) so that inserting a rule does not read as every later rule changing, and JSON strings are parsed and
compared key by key, so ``rule["High p99"].data["A"].model.expr`` is what a reviewer sees.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .findings import CODE_KEYS, MISSING, Finding, is_placeholder

# Keys that name a block within its list, in order of preference.
IDENTITY_KEYS = ("ref_id", "refId", "name", "uid", "title", "label", "contact_point")


def diff_values(before: Any, after: Any, label: str = "", path: tuple[Any, ...] = (),
                skip: Iterable[str] = ()) -> list[Finding]:
    """Findings for every leaf that differs; ``skip`` names top-level keys another differ handles."""
    out: list[Finding] = []
    if isinstance(before, dict) and isinstance(after, dict) and skip:
        skipped = set(skip)
        before = {k: v for k, v in before.items() if k not in skipped}
        after = {k: v for k, v in after.items() if k not in skipped}
    _diff(before, after, label, path, out)
    return out


def _join(label: str, key: str) -> str:
    return f"{label}.{key}" if label else key


def _diff(before: Any, after: Any, label: str, path: tuple[Any, ...], out: list[Finding]) -> None:
    if before == after:
        return
    if is_placeholder(before) or is_placeholder(after):
        out.append(_leaf(before, after, label, path))
    elif isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            _diff(before.get(key, MISSING), after.get(key, MISSING), _join(label, str(key)), (*path, key), out)
    elif isinstance(before, list) and isinstance(after, list):
        _diff_lists(before, after, label, path, out)
    elif isinstance(before, str) and isinstance(after, str) and _looks_like_json(before) and _looks_like_json(after):
        parsed_before, parsed_after = _parse_json(before), _parse_json(after)
        if parsed_before is MISSING or parsed_after is MISSING:
            out.append(_leaf(before, after, label, path))
        elif parsed_before == parsed_after:
            out.append(Finding(label, before, after, note="same JSON, reformatted (key order or whitespace)",
                               path=path, reformatted=True))
        else:
            _diff(parsed_before, parsed_after, label, path, out)
    else:
        out.append(_leaf(before, after, label, path))


def _leaf(before: Any, after: Any, label: str, path: tuple[Any, ...]) -> Finding:
    key = path[-1] if path else ""
    code = key in CODE_KEYS or any(isinstance(v, str) and "\n" in v for v in (before, after))
    kind = "added" if before is MISSING else "removed" if after is MISSING else "changed"
    if kind != "changed" and isinstance(before if after is MISSING else after, dict):
        kind = f"block {kind}"  # a whole nested block (a rule, a policy) came or went
    return Finding(label or "(value)", before, after, kind=kind, code=code, path=path)


def _diff_lists(before: list, after: list, label: str, path: tuple[Any, ...], out: list[Finding]) -> None:
    key = _identity_key(before, after)
    if key is not None:
        old = {item[key]: item for item in before}
        new = {item[key]: item for item in after}
        order = [item[key] for item in after] + [item[key] for item in before if item[key] not in new]
        for name in order:
            _diff(old.get(name, MISSING), new.get(name, MISSING), f"{label}[{json.dumps(name)}]", (*path, name), out)
        return
    if not any(isinstance(item, (dict, list)) for item in (*before, *after)):
        out.append(_leaf(before, after, label, path))  # a list of scalars reads best whole: ["a", "b"] → ["a"]
        return
    if len(before) == len(after) and sorted(map(_canonical, before)) == sorted(map(_canonical, after)):
        out.append(Finding(label, before, after, note="same elements, different order", kind="reordered",
                           path=(*path, "*")))
        return
    for index in range(max(len(before), len(after))):
        _diff(before[index] if index < len(before) else MISSING, after[index] if index < len(after) else MISSING,
              f"{label}[{index}]", (*path, index), out)


def _identity_key(before: list, after: list) -> str | None:
    items = [*before, *after]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in IDENTITY_KEYS:
        if all(isinstance(item.get(key), str) and item[key] for item in items) and \
                len({item[key] for item in before}) == len(before) and len({item[key] for item in after}) == len(after):
            return key
    return None


def _looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[")


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return MISSING


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def parse_json_attribute(value: Any) -> Any:
    """A JSON-string attribute parsed; MISSING when it is absent, masked, unknown or not JSON."""
    if not isinstance(value, str) or not _looks_like_json(value):
        return MISSING
    return _parse_json(value)
