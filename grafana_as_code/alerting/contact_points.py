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

Every integration type of the provider is supported, with the fields of its block, read from the provider schema the
repository commits (``imports/grafana-provider-schema.json``, from which the bindings are generated too): a team
arriving with Microsoft Teams, Opsgenie or Telegram contacts writes them with the provider's own field names. Nested
blocks (Opsgenie ``responders``, a webhook's ``hmac_config``) are a mapping, or a list of mappings where the provider
allows several.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Union

from .. import secrets as secret_names
from ..environment import Environment
from ..errors import UserError
from ..secrets import Secret
from ..templating import render
from ..yaml_io import Fields, display_path, parse_yaml, read_text, type_name
from .names import check_name, unique_by_name, yaml_files


@dataclass(frozen=True)
class Spec:
    kind: str  # string | bool | number | list | map | blocks
    required: bool = False
    sensitive: bool = False  # the provider marks it sensitive: only a {secret: name} is accepted
    fields: Mapping[str, "Spec"] | None = None  # kind blocks: the nested block's fields
    single: bool = False  # kind blocks: at most one (written as a mapping)


SENSITIVE_MESSAGE = "is sensitive: name a secret ({secret: <variable name>}), never write the value"
STRING, BOOL, NUMBER, LIST, MAP = Spec("string"), Spec("bool"), Spec("number"), Spec("list"), Spec("map")
SECRET = Spec("string", sensitive=True)

# Attributes of the provider's integration blocks that files do not set: `settings` (raw, untyped) causes perpetual
# diffs (provider issues #1525, #1277), and Grafana assigns `uid`. A sensitive map (a webhook's `tls_config`) cannot be
# named as one secret variable; its typed form, `http_config.oauth2.tls_config`, can.
LEFT_OUT = frozenset({"settings", "uid"})
_ATTRIBUTE_KINDS = {"string": "string", "bool": "bool", "number": "number", ("list", "string"): "list",
                    ("set", "string"): "list", ("map", "string"): "map"}


def _attribute_spec(attribute: Any) -> Spec | None:
    # "string", ("list", "string"): the schema model's types (an object type holds a mapping: compared, not hashed)
    kind = next((kind for cty, kind in _ATTRIBUTE_KINDS.items() if cty == attribute.type), None)
    if kind is None or attribute.computed_only or (kind == "map" and attribute.sensitive):
        return None
    return Spec(kind, required=attribute.required, sensitive=attribute.sensitive)


def _block_specs(block: Any) -> Mapping[str, Spec]:
    specs = {name: _attribute_spec(attribute) for name, attribute in block.attributes.items() if name not in LEFT_OUT}
    for name, nested in block.block_types.items():
        specs[name] = Spec("blocks", required=nested.min_items > 0, fields=_block_specs(nested.block),
                           single=nested.max_items == 1)
    return MappingProxyType({name: spec for name, spec in sorted(specs.items()) if spec is not None})


def integrations_of(schema: Any) -> Mapping[str, Mapping[str, Spec]]:
    """Integration type -> its fields, from a provider schema (validate/schema.py's model)."""
    blocks = schema.resources["grafana_contact_point"].block_types
    return MappingProxyType({kind: _block_specs(nested.block) for kind, nested in sorted(blocks.items())})


class _Integrations(Mapping[str, Mapping[str, Spec]]):
    """``integrations_of`` the committed provider schema, read once, when a contact point is loaded."""

    def __init__(self) -> None:
        self._table: Mapping[str, Mapping[str, Spec]] | None = None

    def _load(self) -> Mapping[str, Mapping[str, Spec]]:
        if self._table is None:
            from ..cache import PROVIDER_SCHEMA  # part of the cache's code version: a new schema is a miss
            from ..validate.schema import load_schema

            self._table = integrations_of(load_schema(PROVIDER_SCHEMA))
        return self._table

    def __getitem__(self, kind: str) -> Mapping[str, Spec]:
        return self._load()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


INTEGRATIONS: Mapping[str, Mapping[str, Spec]] = _Integrations()
COMMON = {"disable_resolve_message": BOOL}  # in every integration block


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
        return [v for i in self.integrations for v in _leaves(i.settings) if isinstance(v, Secret)]

    @property
    def template_refs(self) -> list[TemplateRef]:
        return [v for i in self.integrations for v in _leaves(i.settings) if isinstance(v, TemplateRef)]


def _leaves(settings: Mapping[str, Value]) -> Iterator[Value]:
    """Every value of an integration, those of its nested blocks included."""
    for value in settings.values():
        if isinstance(value, tuple) and value and isinstance(value[0], Mapping):
            for block in value:
                yield from _leaves(block)
        else:
            yield value


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


def _value(fields: Fields, key: str, spec: Spec, what: str, block: str) -> Value:
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
    if spec.kind == "blocks":
        return _blocks(fields, key, spec, what, block)
    return MappingProxyType(dict(sorted(fields.str_map(key).items())))


def _blocks(fields: Fields, key: str, spec: Spec, what: str, block: str) -> tuple[Mapping[str, Value], ...]:
    """A nested block: one mapping (where the provider allows one), or a list of mappings."""
    assert spec.fields is not None
    value = fields.data[key]
    if isinstance(value, dict):
        items = [fields.sub(key)]
    elif isinstance(value, list) and not spec.single:
        items = fields.items(key)  # each must be a mapping (Fields says so, naming the item)
    else:
        raise fields.error(key, f"expected a mapping{'' if spec.single else ' or a list of mappings'}, "
                                f"got {type_name(value)}")
    inner = f"{key} block of the {block}"
    return tuple(MappingProxyType(_settings(item, spec.fields, f"{what}: {key}", inner)) for item in items)


def _settings(fields: Fields, specs: Mapping[str, Spec], what: str, block: str,
              known: tuple[str, ...] = ()) -> dict[str, Value]:
    """The fields of a block as the provider names them: no unknown key, every required one, typed values.
    ``what`` describes the secrets it names; ``block`` is the block in messages ("pagerduty integration")."""
    fields.only((*known, *specs))
    for key, spec in specs.items():
        if spec.required and fields.data.get(key) is None:
            raise fields.error(key, f"is required for a {block}")
    return {key: _value(fields, key, spec, what, block) for key, spec in sorted(specs.items())
            if fields.data.get(key) is not None}


def parse_integration(fields: Fields, contact_point: str) -> Integration:
    kind = fields.str("type")
    if kind not in INTEGRATIONS:
        raise fields.error("type", f"unknown integration type {kind!r}; the provider's are: "
                                   f"{', '.join(sorted(INTEGRATIONS))}")
    what = f"{kind} integration of contact point {contact_point}"
    settings = _settings(fields, {**INTEGRATIONS[kind], **COMMON}, what, f"{kind} integration", known=("type",))
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
