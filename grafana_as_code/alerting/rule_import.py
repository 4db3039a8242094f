"""``import-rules``: Prometheus rules from the places the popular collections ship them, as plain rule files.

kube-prometheus, the Prometheus Operator and most Helm charts ship rules as Kubernetes ``PrometheusRule`` objects
(``apiVersion: monitoring.coreos.com/v1``, the rule file under ``spec``), often several objects in one multi-document
YAML or a ``kind: List``. promtool reads none of that, and every file in ``alerts/rules/`` must pass promtool and
its unit tests, so the objects are unwrapped here, once, into ``alerts/rules/<system>.yaml``: their
``spec.groups`` as they are, checked by the same loader as every rule file before anything is written.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Collector, UserError, warn
from ..yaml_io import display_path, read_text, strict_loaders
from .prometheus_rules import parse_rule_file

RULE_KIND = "PrometheusRule"
SYSTEM = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class ImportedRules:
    system: str  # the rule file's stem
    source: str  # where it came from, for the header and messages
    document: Mapping[str, Any]  # {"groups": [...]}


def _documents(path: Path) -> list[Any]:
    where = display_path(path)
    try:
        return [doc for doc in yaml.load_all(read_text(path), Loader=strict_loaders()[0]) if doc is not None]  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise UserError(where, "", f"malformed YAML: {line}{getattr(exc, 'problem', None) or exc}") from None


def _system_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-")


def unwrap(path: Path) -> list[ImportedRules]:
    """The rule files in ``path``: each ``PrometheusRule`` object (also inside a ``List``), or a plain rule file."""
    where = display_path(path)
    found: list[ImportedRules] = []
    skipped: list[str] = []

    def visit(doc: Any, field: str) -> None:
        if not isinstance(doc, Mapping):
            raise UserError(where, field, "expected a mapping (a PrometheusRule object or a rule file)")
        kind = doc.get("kind")
        if kind == "List":
            for index, item in enumerate(doc.get("items") or []):
                visit(item, f"{field}items[{index}].")
        elif kind == RULE_KIND:
            metadata, spec = doc.get("metadata") or {}, doc.get("spec")
            if not isinstance(spec, Mapping) or not isinstance(spec.get("groups"), list):
                raise UserError(where, f"{field}spec.groups", "a PrometheusRule holds its groups under spec.groups")
            name = str(metadata.get("name") or path.stem)
            namespace = metadata.get("namespace")
            found.append(ImportedRules(_system_name(name), f"{where} ({RULE_KIND} "
                                       f"{namespace + '/' if namespace else ''}{name})", {"groups": spec["groups"]}))
        elif kind is None and "groups" in doc:
            found.append(ImportedRules(_system_name(path.stem), where, {"groups": doc["groups"]}))
        else:
            skipped.append(str(kind))

    for index, doc in enumerate(_documents(path)):
        visit(doc, f"documents[{index}]." if index else "")
    if skipped:
        warn(where, "", f"skipped {len(skipped)} object(s) that hold no rules ({', '.join(sorted(set(skipped)))})")
    if not found:
        raise UserError(where, "", f"holds no {RULE_KIND} object and no rule file (`groups:`)")
    return found


def _merge(parts: list[ImportedRules], system: str) -> ImportedRules:
    groups = [group for part in parts for group in part.document["groups"]]
    return ImportedRules(system, ", ".join(part.source for part in parts), {"groups": groups})


class _BlockDumper(yaml.SafeDumper):
    """Multi-line expressions and descriptions as YAML block literals, the way rule files are written by hand."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.startswith(" ") and "\t" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _string)


def render(rules: ImportedRules) -> str:
    header = (f"# Imported by `python -m grafana_as_code import-rules` from {rules.source}.\n"
              "# A plain Prometheus rule file now: promtool checks it; its unit tests go in "
              f"alerts/tests/{rules.system}.test.yaml.\n")
    return header + yaml.dump(dict(rules.document), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True,
                              width=120)


def import_rules(sources: list[Path], rules_dir: Path, system: str | None = None,
                 force: bool = False) -> list[Path]:
    """Write one ``<rules_dir>/<system>.yaml`` per rule object found (all into ``system`` when given); every file is
    checked first, and nothing is written when anything is wrong. Returns the paths written."""
    problems = Collector()
    parts: list[ImportedRules] = []
    for source in sources:
        with problems.guard():
            parts.extend(unwrap(source))
    problems.raise_if_any()
    if system is not None:
        if not SYSTEM.match(system):
            raise UserError("--system", "", f"a system name is lower-case letters, digits and '-' (at most 40), "
                                            f"got {system!r}")
        parts = [_merge(parts, system)]
    outputs: dict[Path, ImportedRules] = {}
    for part in parts:
        target = rules_dir / f"{part.system}.yaml"
        if target in outputs:
            problems.add(*UserError(part.source, "metadata.name", f"{outputs[target].source} also becomes "
                                    f"{display_path(target)}; give --system to merge them").problems)
            continue
        if target.exists() and not force:
            problems.add(*UserError(display_path(target), "", f"already exists (from {part.source}); pass --force "
                                                              "to replace it").problems)
        outputs[target] = part
        text = render(part)
        with problems.guard():  # the same checks as every rule file, before anything is written
            parse_rule_file(yaml.safe_load(text), part.source, part.system)
    problems.raise_if_any()
    rules_dir.mkdir(parents=True, exist_ok=True)
    for target, part in outputs.items():
        target.write_text(render(part), encoding="utf-8")
    return list(outputs)
