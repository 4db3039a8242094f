"""Contact points: ``alerts/contact-points/<name>.yaml``, one ``grafana_contact_point`` each.

A file is Jinja2-templated with ``env`` (like data sources), so the integrations behind a contact point can differ per
environment while its name, which the policy tree routes to, stays the same::

    name: oncall                      # optional; default: the file name
    integrations:
    {% if env.contacts.pagerduty %}
      - type: pagerduty
        integration_key: {secret: pagerduty_integration_key}
        summary: {template: pagerduty.summary}
    {% endif %}
      - type: slack
        token: {secret: slack_bot_token}
        recipient: "{{ env.contacts.slack_channel }}"

A string field takes a plain value, ``{secret: <name>}`` (a sensitive Terraform variable, see ``secrets.py``) or
``{template: <define name>}``, which becomes ``{{ template "<name>" . }}`` and must be defined in
``alerts/templates/``. Fields the provider marks sensitive (integration keys, tokens, passwords) must be secrets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Union

from .. import secrets as secret_names
from ..environment import Environment
from ..errors import UserError
from ..secrets import Secret
from ..templating import render
from ..yaml_io import Fields, display_path, parse_yaml, read_text, type_name
from .names import check_name, unique_by_name, yaml_files


@dataclass(frozen=True)
class Spec:
    kind: str  # string | bool | number | list | map
    required: bool = False
    sensitive: bool = False  # the provider marks it sensitive: only a {secret: name} is accepted


SENSITIVE_MESSAGE = "is sensitive: name a secret ({secret: <variable name>}), never write the value"
STRING, BOOL, NUMBER, LIST, MAP = Spec("string"), Spec("bool"), Spec("number"), Spec("list"), Spec("map")
SECRET = Spec("string", sensitive=True)

# The integrations we support, with the flat fields of the provider's blocks (v4.45 schema; a test checks this table
# against the generated bindings). To support another integration, add its fields here. `settings` (raw,
# untyped) is left out on purpose: it causes perpetual diffs (provider issues #1525, #1277).
INTEGRATIONS: Mapping[str, Mapping[str, Spec]] = {
    "pagerduty": {"integration_key": Spec("string", required=True, sensitive=True), "severity": STRING,
                  "class": STRING, "component": STRING, "group": STRING, "summary": STRING, "source": STRING,
                  "client": STRING, "client_url": STRING, "url": STRING, "details": MAP},
    "slack": {"url": SECRET, "token": SECRET, "recipient": STRING, "endpoint_url": STRING, "title": STRING,
              "text": STRING, "color": STRING, "username": STRING, "icon_emoji": STRING, "icon_url": STRING,
              "mention_channel": STRING, "mention_users": STRING, "mention_groups": STRING},
    "email": {"addresses": Spec("list", required=True), "single_email": BOOL, "subject": STRING, "message": STRING},
    "webhook": {"url": Spec("string", required=True), "http_method": STRING, "basic_auth_user": STRING,
                "basic_auth_password": SECRET, "authorization_scheme": STRING, "authorization_credentials": SECRET,
                "max_alerts": NUMBER, "title": STRING, "message": STRING, "headers": MAP},
}
COMMON = {"disable_resolve_message": BOOL}


@dataclass(frozen=True)
class TemplateRef:
    """``{template: slack.title}``: a reference to a ``define`` in alerts/templates/."""

    name: str
    file: str
    field: str

    @property
    def text(self) -> str:
        return f'{{{{ template "{self.name}" . }}}}'


Value = Union[str, bool, float, tuple, Mapping, Secret, TemplateRef]


@dataclass(frozen=True)
class Integration:
    type: str
    field: str  # where in the file, e.g. integrations[0]
    settings: Mapping[str, Value]


@dataclass(frozen=True)
class ContactPoint:
    name: str
    file: str
    integrations: tuple[Integration, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(i.type for i in self.integrations)

    @property
    def secrets(self) -> list[Secret]:
        return [v for i in self.integrations for v in i.settings.values() if isinstance(v, Secret)]

    @property
    def template_refs(self) -> list[TemplateRef]:
        return [v for i in self.integrations for v in i.settings.values() if isinstance(v, TemplateRef)]


def _string(fields: Fields, key: str, spec: Spec, what: str) -> str | Secret | TemplateRef:
    value = fields.data[key]
    path = fields.path(key)
    if isinstance(value, dict):
        item = fields.sub(key)
        if "secret" in value:
            item.only(("secret", "description"))
            name = secret_names.check_name(item.str("secret"), fields.where, f"{path}.secret")
            return Secret(name, item.str("description", f"{what}: {key}"), fields.where, path)
        if "template" in value and not spec.sensitive:
            item.only(("template",))
            return TemplateRef(item.str("template"), fields.where, path)
    if spec.sensitive:
        raise fields.error(key, SENSITIVE_MESSAGE)
    if not isinstance(value, str):
        raise fields.error(key, f"expected a string, {{secret: <name>}} or {{template: <name>}}, got {type_name(value)}")
    return value


def _value(fields: Fields, key: str, spec: Spec, what: str) -> Value:
    if spec.kind == "string":
        return _string(fields, key, spec, what)
    if spec.kind == "bool":
        return fields.bool(key)
    if spec.kind == "number":
        return fields.number(key)
    if spec.kind == "list":
        items = fields.str_list(key)
        if not items:
            raise fields.error(key, "must not be empty")
        return tuple(items)
    return MappingProxyType(dict(sorted(fields.str_map(key).items())))


def parse_integration(fields: Fields, contact_point: str) -> Integration:
    kind = fields.str("type")
    if kind not in INTEGRATIONS:
        raise fields.error("type", f"unknown integration type {kind!r}; supported: {', '.join(sorted(INTEGRATIONS))} "
                                   "(others: add their fields in grafana_as_code/alerting/contact_points.py)")
    specs = {**INTEGRATIONS[kind], **COMMON}
    fields.only(("type", *specs))
    for key, spec in specs.items():
        if spec.required and fields.data.get(key) is None:
            raise fields.error(key, f"is required for a {kind} integration")
    what = f"{kind} integration of contact point {contact_point}"
    settings = {key: _value(fields, key, spec, what) for key, spec in sorted(specs.items())
                if fields.data.get(key) is not None}
    if kind == "slack":
        if ("url" in settings) == ("token" in settings):
            raise fields.error("token", "a slack integration needs either a bot token (token + recipient) "
                                        "or an incoming-webhook url, not both")
        if "token" in settings and "recipient" not in settings:
            raise fields.error("recipient", "is required with a bot token (the channel to post to)")
    if kind == "email":
        for index, address in enumerate(settings["addresses"]):
            if not re.match(r"^[^@\s]+@[^@\s]+$", address):
                raise UserError(fields.where, f"{fields.path('addresses')}[{index}]",
                                f"expected an e-mail address, got {address!r}")
    return Integration(type=kind, field=fields.prefix, settings=MappingProxyType(settings))


_GO_TEMPLATE = re.compile(r"\{\{-?\s*(template\s|define\s|\.)")


def render_contact_point(text: str, where: str, env: Environment) -> Any:
    """The file rendered for one environment and read as YAML (what the secrets door and the parser see)."""
    if "{% raw %}" not in text:
        for match in _GO_TEMPLATE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            raise UserError(where, f"line {line}", "Grafana template syntax in a contact point file is read as Jinja; "
                                                   "reference a message template with {template: <name>} instead")
    return parse_yaml(render(text, where, {"env": env.template_context()}), where) or {}


def parse_contact_point(text: str, where: str, env: Environment, default_name: str) -> ContactPoint:
    fields = Fields(render_contact_point(text, where, env), where)
    fields.only(("name", "integrations"))
    name = check_name(fields.str("name", default_name), where, "name", "contact point")
    items = fields.items("integrations")
    if not items:
        raise fields.error("integrations", f"contact point {name!r} needs at least one integration in environment "
                                           f"{env.name!r}")
    return ContactPoint(name=name, file=where, integrations=tuple(parse_integration(i, name) for i in items))


def load_contact_points(directory: Path, env: Environment) -> tuple[ContactPoint, ...]:
    """The environment's contact points, sorted by name; names are unique."""
    files = yaml_files(directory)
    points = (parse_contact_point(read_text(p), display_path(p), env, p.stem) for p in files)
    return unique_by_name(points, "contact point")
