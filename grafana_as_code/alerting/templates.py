"""Message templates: ``alerts/templates/<group>.tmpl``, one ``grafana_message_template`` per file.

A file holds Grafana notification templates (Go template syntax): ``{{ define "slack.title" }}…{{ end }}``. The
file name without ``.tmpl`` is the template group's name in Grafana; the ``define`` names inside are what contact
points reference (``title: {template: slack.title}``). The files are not Jinja templates: they are the same in every
environment. Their Go-template syntax is parsed by Alertmanager's parser in the routing tests (``amtool
check-config``); here we check what the model needs: each file defines something, no name is defined twice, and
``define``/``end`` are balanced.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError, warn
from ..yaml_io import display_path, read_text
from .names import check_name

_DEFINE = re.compile(r"\{\{-?\s*define\s+\"([^\"]+)\"\s*-?\}\}")
_ACTION = re.compile(r"\{\{-?\s*(define|if|range|with|block|end)\b")
_OPENERS = frozenset({"define", "if", "range", "with", "block"})
# Grafana's .ValueString is a debug string of every query ("[ var='A' labels={…} value=3 ]"), marked for removal;
# .Values (ref id → number) is the stable field (grafana/alerting templates ExtendedAlert).
_VALUE_STRING = re.compile(r"\.ValueString\b")


@dataclass(frozen=True)
class MessageTemplate:
    name: str  # the template group (file stem)
    file: str
    text: str
    defines: tuple[str, ...]  # the `define` names, in file order


def _line(text: str, index: int) -> str:
    return "line " + str(text.count("\n", 0, index) + 1)


def parse_template(text: str, where: str, name: str) -> MessageTemplate:
    depth = 0
    for action in _ACTION.finditer(text):
        if action.group(1) in _OPENERS:
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                raise UserError(where, _line(text, action.start()), "{{ end }} without a matching define/if/range/with")
    if depth:
        raise UserError(where, "", f"{depth} define/if/range/with block(s) not closed with {{{{ end }}}}")
    for match in _VALUE_STRING.finditer(text):
        warn(where, _line(text, match.start()), "uses .ValueString, a debug string Grafana marks for removal; use "
                                                ".Values (the value of each query by ref id)")
    defines = [m.group(1) for m in _DEFINE.finditer(text)]
    if not defines:
        raise UserError(where, "", 'defines no template; wrap it in {{ define "<name>" }}…{{ end }}')
    seen: set[str] = set()
    for define in defines:
        if define in seen:
            raise UserError(where, f'define "{define}"', "is defined twice in this file")
        seen.add(define)
    return MessageTemplate(name=name, file=where, text=text, defines=tuple(defines))


def load_templates(directory: Path) -> tuple[MessageTemplate, ...]:
    """Every template group, sorted by name; a ``define`` name may be used by one file only."""
    files = sorted(directory.glob("*.tmpl")) if directory.is_dir() else []
    templates = []
    owners: dict[str, str] = {}
    for path in files:
        where = display_path(path)
        template = parse_template(read_text(path), where, check_name(path.stem, where, "", "template group"))
        for define in template.defines:
            if define in owners:
                raise UserError(where, f'define "{define}"', f"is already defined in {owners[define]}")
            owners[define] = where
        templates.append(template)
    return tuple(templates)
