"""Dashboard changes by meaning: panels added, removed, moved, retitled; queries, thresholds, variables, settings.

``grafana_dashboard.config_json`` is one JSON string of often many kilobytes; Terraform prints it as a single
changed line (provider issue #299). Here both versions are parsed and compared the way a dashboard author thinks:
panels matched by id, then title, then position; queries by ``refId``; variables by name.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..dashboard_panels import panels_of
from .attribute_diff import diff_values, parse_json_attribute
from .findings import CODE_KEYS, MISSING, Finding, is_placeholder, show

# Panel keys with their own wording below; everything else is compared generically.
_PANEL_KEYS = frozenset({"id", "title", "gridPos", "type", "targets", "panels", "collapsed"})
# Dashboard keys handled below, or dropped by the provider before it compares (id, version: issue #223).
_DASHBOARD_KEYS = frozenset({"panels", "templating", "id", "version"})


def dashboard_findings(before: Any, after: Any) -> list[Finding]:
    """Findings between two ``config_json`` values (strings); a whole-attribute finding when they cannot be read."""
    if is_placeholder(before) or is_placeholder(after):
        return [Finding("config_json", before, after)]
    old, new = parse_json_attribute(before), parse_json_attribute(after)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [Finding("config_json", MISSING if old is MISSING else "…", "…",
                        note="not a JSON object on one side; compare the raw plan")]
    return compare_models(old, new)


def compare_models(old: dict, new: dict) -> list[Finding]:
    if old == new:
        return []
    out = diff_values(old, new, skip=_DASHBOARD_KEYS)
    out.extend(_variables(old, new))
    out.extend(_panels(list(panels_of(old)), list(panels_of(new))))
    return out


def summary(model: Any) -> str:
    """A created or destroyed dashboard in a few words: title, panels, queries."""
    parsed = parse_json_attribute(model)
    if not isinstance(parsed, dict):
        return "dashboard"
    panels = [p for p in panels_of(parsed) if p.get("type") != "row"]
    queries = sum(len(p.get("targets") or []) for p in panels)
    return f"dashboard {_quote(parsed.get('title', '?'))}: {plural(len(panels), 'panel')}, {plural(queries, 'query')}"


def plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def title(model: Any) -> str:
    parsed = parse_json_attribute(model)
    return _quote(parsed.get("title", "?")) if isinstance(parsed, dict) else ""


def _quote(text: Any) -> str:
    return f"“{text}”"


def _name(panel: dict) -> str:
    if panel.get("title"):
        return f"panel {_quote(panel['title'])}"
    pos = panel.get("gridPos") or {}
    return f"{panel.get('type', 'panel')} panel at ({pos.get('x', '?')}, {pos.get('y', '?')})"


def _match(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pairs of the same panel, then the removed and the added ones: by id, then title, then position."""
    pairs: list[tuple[dict, dict]] = []
    left, right = list(old), list(new)
    for key in (lambda p: p.get("id"), lambda p: p.get("title") or None, _position):
        old_keys = _unique(left, key)
        new_keys = _unique(right, key)
        matched = [(old_keys[k], new_keys[k]) for k in old_keys if k in new_keys]
        pairs.extend(matched)
        taken_old = {id(o) for o, _ in matched}
        taken_new = {id(n) for _, n in matched}
        left = [p for p in left if id(p) not in taken_old]
        right = [p for p in right if id(p) not in taken_new]
    return pairs, left, right


def _position(panel: dict) -> tuple | None:
    pos = panel.get("gridPos")
    return (pos.get("x"), pos.get("y"), pos.get("w"), pos.get("h")) if isinstance(pos, dict) else None


def _unique(panels: list[dict], key: Any) -> dict[Any, dict]:
    """Panels by key, leaving out keys that are missing or shared (they cannot identify a panel)."""
    seen: dict[Any, dict] = {}
    shared = set()
    for panel in panels:
        value = key(panel)
        if value is None:
            continue
        if value in seen:
            shared.add(value)
        seen[value] = panel
    return {k: v for k, v in seen.items() if k not in shared}


def _panels(old: list[dict], new: list[dict]) -> list[Finding]:
    pairs, removed, added = _match(old, new)
    out = [Finding(_name(p), note=f"removed ({p.get('type', '?')})", kind="panel removed") for p in removed]
    out += [Finding(_name(p), note=f"added ({p.get('type', '?')}, {plural(len(p.get('targets') or []), 'query')})",
                    kind="panel added") for p in added]
    for before, after in sorted(pairs, key=lambda pair: _order(new, pair[1])):
        out.extend(_panel(before, after))
    return out


def _order(panels: list[dict], panel: dict) -> int:
    return next(index for index, item in enumerate(panels) if item is panel)


def _panel(old: dict, new: dict) -> list[Finding]:
    if old == new:
        return []
    name = _name(new)
    out: list[Finding] = []
    if old.get("title") != new.get("title"):
        out.append(Finding(_name(old), note=f"retitled to {_quote(new.get('title', ''))}", kind="panel retitled"))
    if old.get("type") != new.get("type"):
        out.append(Finding(f"{name} visualization", old.get("type", MISSING), new.get("type", MISSING)))
    old_pos, new_pos = old.get("gridPos") or {}, new.get("gridPos") or {}
    if (old_pos.get("x"), old_pos.get("y")) != (new_pos.get("x"), new_pos.get("y")):
        out.append(Finding(name, note=f"moved from ({old_pos.get('x')}, {old_pos.get('y')}) "
                                      f"to ({new_pos.get('x')}, {new_pos.get('y')})", kind="panel moved"))
    if (old_pos.get("w"), old_pos.get("h")) != (new_pos.get("w"), new_pos.get("h")):
        out.append(Finding(name, note=f"resized from {old_pos.get('w')}×{old_pos.get('h')} "
                                      f"to {new_pos.get('w')}×{new_pos.get('h')}", kind="panel moved"))
    out.extend(_targets(name, old.get("targets") or [], new.get("targets") or []))
    old_steps, new_steps = _thresholds(old), _thresholds(new)
    if old_steps != new_steps:
        out.append(Finding(f"{name} thresholds", old_steps, new_steps, kind="thresholds changed"))
    rest = diff_values(_without_thresholds(old), _without_thresholds(new), label=name, skip=_PANEL_KEYS)
    return out + _relabel(rest, name, "setting changed")


def _relabel(findings: list[Finding], prefix: str, kind: str) -> list[Finding]:
    """``panel “X”.options.legend`` reads better as ``panel “X” options.legend``."""
    return [replace(f, label=f.label.replace(f"{prefix}.", f"{prefix} ", 1), kind=kind) for f in findings]


def _targets(name: str, old: list, new: list) -> list[Finding]:
    def by_ref(targets: list) -> dict[str, dict]:
        return {str(t.get("refId") or index): t for index, t in enumerate(targets) if isinstance(t, dict)}

    before, after = by_ref(old), by_ref(new)
    out: list[Finding] = []
    for ref in [*after, *(r for r in before if r not in after)]:
        label = f"{name} query {ref}"
        old_target, new_target = before.get(ref), after.get(ref)
        if old_target is None or new_target is None:
            present = new_target if old_target is None else old_target
            code = _query_text(present)
            kind = "query added" if old_target is None else "query removed"
            out.append(Finding(label, MISSING if old_target is None else code,
                               code if old_target is None else MISSING, kind=kind, code=True))
            continue
        for finding in diff_values(old_target, new_target, skip=("refId",)):
            key = finding.path[0] if finding.path else ""
            if key in CODE_KEYS:
                out.append(Finding(label, finding.before, finding.after, kind="query changed", code=True))
            else:
                out.append(Finding(f"{label} {finding.label}", finding.before, finding.after, kind="query changed",
                                   code=finding.code, path=finding.path))
    return out


def _query_text(target: dict) -> Any:
    for key in ("expr", "query", "rawSql", "expression", "target"):
        if isinstance(target.get(key), str):
            return target[key]
    return show(target)


def _mapping(value: Any) -> dict:
    """``value`` when it is an object: exports carry odd shapes (``"thresholds": "80,90"`` of old panels)."""
    return value if isinstance(value, dict) else {}


def _thresholds(panel: dict) -> Any:
    steps = _mapping(_mapping(_mapping(panel.get("fieldConfig")).get("defaults")).get("thresholds")).get("steps")
    if not isinstance(steps, list):
        return MISSING
    return ", ".join(f"{'base' if s.get('value') is None else s.get('value')} {s.get('color', '')}".strip()
                     for s in steps if isinstance(s, dict))


def _without_thresholds(panel: dict) -> dict:
    defaults = _mapping(panel.get("fieldConfig")).get("defaults")
    if not isinstance(defaults, dict) or not isinstance(defaults.get("thresholds"), dict):
        return panel  # no steps to show apart: any other shape is compared as a setting
    thresholds = {k: v for k, v in defaults["thresholds"].items() if k != "steps"}
    return {**panel, "fieldConfig": {**panel["fieldConfig"], "defaults": {**defaults, "thresholds": thresholds}}}


def _variables(old: dict, new: dict) -> list[Finding]:
    def by_name(model: dict) -> dict[str, dict]:
        items = (model.get("templating") or {}).get("list") or []
        return {str(v.get("name")): v for v in items if isinstance(v, dict)}

    before, after = by_name(old), by_name(new)
    out: list[Finding] = []
    for name in [*after, *(n for n in before if n not in after)]:
        label = f"variable ${name}"
        if name not in before:
            out.append(Finding(label, note=f"added ({after[name].get('type', '?')})", kind="variable added"))
        elif name not in after:
            out.append(Finding(label, note="removed", kind="variable removed"))
        else:
            out.extend(_relabel(diff_values(before[name], after[name], label=label), label, "variable changed"))
    # Whatever else templating holds (rare): compared as is, so nothing is silently dropped.
    rest_old = {k: v for k, v in (old.get("templating") or {}).items() if k != "list"}
    rest_new = {k: v for k, v in (new.get("templating") or {}).items() if k != "list"}
    out.extend(diff_values(rest_old, rest_new, label="templating"))
    return out
