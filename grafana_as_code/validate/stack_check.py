"""Check one synthesized stack (``cdk.tf.json``) against the Grafana provider schema.

``terraform validate`` needs the provider binary and a registry, which CI and laptops may not have. These checks
catch, offline and with the exact location, what it would reject in our output: unknown or misspelled names,
missing required attributes and blocks, wrong block counts, read-only attributes, values of the wrong type,
embedded JSON that does not parse, and ``${...}`` sequences Terraform cannot evaluate (mostly Grafana variables
that were not escaped as ``$${...}``).

Terraform JSON rules followed here: a nested block may be written as one object or as a list of objects; ``null``
means "not set"; a string that is exactly one ``${...}`` may stand for a value of any type.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from grafana_as_code.errors import Problem
from grafana_as_code.validate.schema import Attribute, Block, CtyType, NestedBlock, ProviderSchema, describe_type
from grafana_as_code.validate.templates import (
    Scope,
    has_template,
    is_whole_interpolation,
    literal_text,
    suggest,
    template_problems,
)

RESOURCE_META_ARGUMENTS = frozenset(
    {"depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection", "//"})
PROVIDER_META_ARGUMENTS = frozenset({"alias", "version", "//"})
DYNAMIC_ARGUMENTS = frozenset({"for_each", "iterator", "content", "labels"})

EMBEDDED_JSON: Mapping[str, frozenset[str]] = {
    # resource type -> attribute paths (block names, no indexes) whose string value must itself be a JSON object
    "grafana_dashboard": frozenset({"config_json"}),
    "grafana_data_source": frozenset({"json_data_encoded", "secure_json_data_encoded"}),
    "grafana_data_source_config": frozenset({"json_data_encoded", "secure_json_data_encoded"}),
    "grafana_rule_group": frozenset({"rule.data.model"}),
    "grafana_library_panel": frozenset({"model_json"}),
}
GRAFANA_SOURCE = "grafana/grafana"

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BOOL_STRINGS = frozenset({"true", "false", "1", "0"})  # the strings Terraform converts to bool
_SINGLE_MODES = frozenset({"single", "group"})


@dataclass(frozen=True)
class _Site:
    """The resource (or provider config) being checked: where problems go and what applies to it."""

    where: str  # "dev grafana_folder.platform"
    owner: str  # how messages name the schema: "grafana_folder", "the grafana provider"
    scope: Scope
    json_fields: frozenset[str] = frozenset()


def check_stack(stack_name: str, tf: dict[str, Any], schema: ProviderSchema) -> list[Problem]:
    """All problems in one stack's Terraform JSON, sorted by location."""
    checker = _StackChecker(stack_name, _scope(tf, schema))
    checker.check_required_provider(tf)
    for index, config in enumerate(_provider_configs(tf)):
        site = _Site(f"{stack_name} provider.grafana[{index}]", "the grafana provider", checker.scope)
        checker.check_top_body(schema.provider, config, site, PROVIDER_META_ARGUMENTS)
    for type_name, name, body in _labelled(tf.get("resource")):
        if type_name.startswith("grafana_"):
            checker.check_instance(schema.resources, type_name, f"{type_name}.{name}", body)
    for type_name, name, body in _labelled(tf.get("data")):
        if type_name.startswith("grafana_"):
            checker.check_instance(schema.data_sources, type_name, f"data.{type_name}.{name}", body)
    _check_imports(checker, stack_name, tf)
    return sorted(set(checker.problems), key=lambda p: (p.where, p.field, p.message))


IMPORT_ARGUMENTS = frozenset({"to", "id", "provider", "for_each", "//"})
_IMPORT_TARGET = re.compile(r"^(grafana_\w+)\.([A-Za-z_][\w-]*)$")


def _check_imports(checker: _StackChecker, stack_name: str, tf: dict[str, Any]) -> None:
    """Top-level ``import`` blocks (Terraform >= 1.5): each fills a resource of this stack, with an id in the format
    the provider documents for its type (grafana_as_code/adopt/import_ids.py)."""
    from grafana_as_code.adopt.import_ids import check_import_id

    blocks = tf.get("import")
    if blocks is None:
        return
    if not isinstance(blocks, list):
        checker.add(f"{stack_name} import", "", "expected a list of import blocks")
        return
    declared = {(type_name, name) for type_name, name, _ in _labelled(tf.get("resource"))}
    targets: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{stack_name} import[{index}]"
        if not isinstance(block, dict):
            checker.add(where, "", "expected an object with `to` and `id`")
            continue
        for key in sorted(set(block) - IMPORT_ARGUMENTS):
            checker.add(where, key, "unknown argument of an import block (to, id, provider, for_each)")
        to, import_id = block.get("to"), block.get("id")
        match = _IMPORT_TARGET.match(to) if isinstance(to, str) else None
        if match is None:
            checker.add(where, "to", f"expected the address of a grafana resource (type.name), got {to!r}")
            continue
        if (match.group(1), match.group(2)) not in declared:
            checker.add(where, "to", f"{to} is not a resource of this stack: an import needs the resource it fills")
        if to in targets:
            checker.add(where, "to", f"{to} is imported twice")
        targets.add(to)
        if not isinstance(import_id, str) or not import_id:
            checker.add(where, "id", f"expected the import id as a non-empty string, got {import_id!r}")
            continue
        problem = check_import_id(match.group(1), import_id)
        if problem:
            checker.add(where, "id", problem)


def _scope(tf: dict[str, Any], schema: ProviderSchema) -> Scope:
    """Everything a reference may point at in this stack."""
    resources: dict[str, set[str]] = defaultdict(set)
    for type_name, name, _ in _labelled(tf.get("resource")):
        resources[type_name].add(name)
    data: dict[str, set[str]] = defaultdict(set)
    for type_name, name, _ in _labelled(tf.get("data")):
        data[type_name].add(name)
    return Scope(
        variables=_names(tf.get("variable")),
        locals=_names(tf.get("locals")),
        resources={key: frozenset(value) for key, value in resources.items()},
        data={key: frozenset(value) for key, value in data.items()},
        modules=_names(tf.get("module")),
        schema=schema,
    )


def _objects(value: Any, keep_invalid: bool = False) -> list[Any]:
    """Terraform JSON allows an object or a list of objects wherever a body or a label level is expected."""
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if keep_invalid or isinstance(item, dict)]
    return [value] if keep_invalid or isinstance(value, dict) else []


def _get(value: Any, key: str) -> Any:
    """``value[key]`` where ``value`` may be an object or a list of objects (the first one that has it)."""
    return next((item[key] for item in _objects(value) if key in item), None)


def _provider_configs(tf: dict[str, Any]) -> list[Any]:
    """``provider.grafana`` is a list of configs in CDKTF output (one per alias); a single object is accepted too."""
    return [config for level in _objects(tf.get("provider"))
            for config in _objects(level.get("grafana"), keep_invalid=True)]


def _looks_like_block(value: Any) -> bool:
    """An object, or a non-empty list of objects: how a nested block is written in Terraform JSON."""
    return isinstance(value, dict) or (isinstance(value, list) and bool(value)
                                       and all(isinstance(item, dict) for item in value))


def _names(section: Any) -> frozenset[str]:
    return frozenset(name for level in _objects(section) for name in level)


def _labelled(section: Any) -> Iterator[tuple[str, str, Any]]:
    """(type, name, body) for a two-label section such as ``resource`` or ``data``."""
    for types in _objects(section):
        for type_name, instances in types.items():
            for names in _objects(instances):
                for name, body in names.items():
                    yield type_name, name, body


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"bool {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:39] + "…"
        return f"string {json.dumps(text)}"
    return "a list" if isinstance(value, list) else "an object"


def _fits_primitive(cty: str, value: Any) -> bool:
    """Whether Terraform converts the JSON ``value`` to the primitive type ``cty`` without an error."""
    if cty == "string":
        return isinstance(value, (str, int, float))  # numbers and bools are converted to strings
    if isinstance(value, str):
        if has_template(value):
            return True  # the result is only known at plan time
        return bool(_NUMBER.fullmatch(value)) if cty == "number" else value in _BOOL_STRINGS
    if cty == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, bool)


def _reject_constant(name: str) -> Any:
    """Python's json accepts NaN and Infinity; Go's encoding/json (the provider, Grafana) does not."""
    raise ValueError(f"{name} is not a JSON value")


class _StackChecker:
    """Collects problems for one stack; each method checks one construct and recurses into its parts."""

    def __init__(self, stack: str, scope: Scope) -> None:
        self.stack = stack
        self.scope = scope
        self.problems: list[Problem] = []

    def add(self, site: _Site | str, field: str, message: str) -> None:
        self.problems.append(Problem(site.where if isinstance(site, _Site) else site, field, message))

    def check_required_provider(self, tf: dict[str, Any]) -> None:
        """Without ``required_providers.grafana.source`` Terraform would look for ``hashicorp/grafana``."""
        uses_grafana = bool(_provider_configs(tf)) or any(
            type_name.startswith("grafana_")
            for section in ("resource", "data") for type_name, _, _ in _labelled(tf.get(section)))
        if not uses_grafana:
            return
        where, field = f"{self.stack} terraform", "required_providers.grafana.source"
        entry = _get(_get(tf.get("terraform"), "required_providers"), "grafana")
        source = entry.get("source") if isinstance(entry, dict) else None
        if not isinstance(source, str):
            self.add(where, field, "missing; without it Terraform looks for hashicorp/grafana, which does not exist")
        elif source.lower().removeprefix("registry.terraform.io/") != GRAFANA_SOURCE:
            self.add(where, field, f"is {source!r}; the Grafana provider is {GRAFANA_SOURCE!r}")

    def check_instance(self, blocks: Mapping[str, Block], type_name: str, address: str, body: Any) -> None:
        where = f"{self.stack} {address}"
        block = blocks.get(type_name)
        if block is None:
            kind = "data source" if address.startswith("data.") else "resource type"
            self.add(where, "", f"unknown {kind} '{type_name}' (not in the grafana provider schema)"
                                f"{suggest(type_name, list(blocks))}")
            return
        owner = f"data source {type_name}" if address.startswith("data.") else type_name
        site = _Site(where, owner, self.scope, EMBEDDED_JSON.get(type_name, frozenset()))
        for instance in _objects(body, keep_invalid=True):
            self.check_top_body(block, instance, site, RESOURCE_META_ARGUMENTS)

    def check_top_body(self, block: Block, body: Any, site: _Site, meta: frozenset[str]) -> None:
        if not isinstance(body, dict):
            self.add(site, "", f"must be a JSON object, got {_describe(body)}")
            return
        self.check_body(block, body, site, "", "", meta)

    def check_body(self, block: Block, body: dict[str, Any], site: _Site, path: str, schema_path: str,
                   meta: frozenset[str] = frozenset({"//"})) -> None:
        """One block body: every key must be an attribute, a nested block, a meta-argument or ``dynamic``."""
        counts: dict[str, int] = {}
        dynamic: set[str] = set()
        for key, value in body.items():
            field, key_schema_path = _join(path, key), _join(schema_path, key)
            if key in block.attributes:
                self.check_attribute(block.attributes[key], value, site, field, key_schema_path)
            elif key in block.block_types:
                counts[key] = self.check_blocks(block.block_types[key], value, site, field, key_schema_path)
            elif key == "dynamic":
                dynamic |= self.check_dynamic(block, value, site, field, schema_path)
            elif key not in meta:
                kind = "block" if _looks_like_block(value) else "attribute"
                where_in = f"{site.owner} {schema_path}" if schema_path else site.owner
                self.add(site, field, f"unknown {kind} for {where_in}{suggest(key, block.names)}")
        for name in block.required_attributes:
            if body.get(name) is None:
                self.add(site, _join(path, name), "required attribute is missing")
        for name, nested in block.block_types.items():
            if name not in dynamic:
                self.check_count(nested, counts.get(name, 0), site, _join(path, name))

    def check_count(self, nested: NestedBlock, count: int, site: _Site, field: str) -> None:
        limit = 1 if nested.nesting_mode in _SINGLE_MODES else nested.max_items
        if count < nested.min_items:
            needed = "required block is missing" if count == 0 else f"needs at least {nested.min_items} blocks"
            self.add(site, field, f"{needed} (found {count}, minimum {nested.min_items})")
        elif limit is not None and count > limit:
            self.add(site, field, f"at most {limit} block{'s' if limit > 1 else ''} allowed, found {count}")

    def check_attribute(self, attribute: Attribute, value: Any, site: _Site, field: str, schema_path: str) -> None:
        if value is None:
            return
        if attribute.computed_only:
            self.add(site, field, "is read-only (computed by the provider) and cannot be set")
            return
        self.check_type(attribute.type, value, site, field)
        if schema_path in site.json_fields:
            self.check_embedded_json(value, site, field)
        self.check_strings(value, site, field)

    def check_type(self, cty: CtyType, value: Any, site: _Site, field: str) -> None:
        """Report values Terraform cannot convert to ``cty``; recurses into collections and objects."""
        if value is None or cty == "dynamic":
            return
        if isinstance(value, str) and value.startswith("${") and is_whole_interpolation(value):
            return
        if isinstance(cty, str):
            if not _fits_primitive(cty, value):
                self.add(site, field, f"expected {cty}, got {_describe(value)}")
            return
        kind = cty[0]
        if kind in ("list", "set", "tuple") and isinstance(value, list):
            if kind == "tuple" and len(value) != len(cty[1]):
                self.add(site, field, f"expected {describe_type(cty)} with {len(cty[1])} elements, got {len(value)}")
            members = cty[1] if kind == "tuple" else [cty[1]] * len(value)
            for index, (member, item) in enumerate(zip(members, value, strict=False)):
                self.check_type(member, item, site, f"{field}[{index}]")
        elif kind == "map" and isinstance(value, dict):
            for key, item in value.items():
                self.check_type(cty[1], item, site, f'{field}["{key}"]')
        elif kind == "object" and isinstance(value, dict):
            self.check_object(cty, value, site, field)
        else:
            self.add(site, field, f"expected {describe_type(cty)}, got {_describe(value)}")

    def check_object(self, cty: tuple[Any, ...], value: dict[str, Any], site: _Site, field: str) -> None:
        members, optional = cty[1], cty[2]
        for key, item in value.items():
            if key in members:
                self.check_type(members[key], item, site, f"{field}.{key}")
            else:
                self.add(site, f"{field}.{key}", f"unexpected attribute; the object has "
                                                 f"{', '.join(sorted(members))}{suggest(key, list(members))}")
        for name in members:
            if name not in value and name not in optional:
                self.add(site, f"{field}.{name}", "required attribute of the object is missing")

    def check_embedded_json(self, value: Any, site: _Site, field: str) -> None:
        """Attributes such as ``config_json`` hold JSON text; the provider rejects it at apply time if it is broken."""
        if not isinstance(value, str) or is_whole_interpolation(value):
            return
        try:
            parsed = json.loads(literal_text(value), parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            self.add(site, field, f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
            return
        except ValueError as exc:
            self.add(site, field, f"is not valid JSON: {exc}")
            return
        if not isinstance(parsed, dict):
            self.add(site, field, f"must be a JSON object, got {_describe(parsed)}")

    def check_strings(self, value: Any, site: _Site, field: str) -> None:
        """Every string (and map key) Terraform will evaluate as a template, however deep."""
        if isinstance(value, str):
            for message in template_problems(value, site.scope):
                self.add(site, field, message)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.check_strings(item, site, f"{field}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                item_field = f'{field}["{key}"]'
                self.check_strings(key, site, item_field)
                self.check_strings(item, site, item_field)

    def check_blocks(self, nested: NestedBlock, value: Any, site: _Site, field: str, schema_path: str) -> int:
        """Check each instance of a nested block type and return how many there are."""
        if value is None:
            return 0
        if nested.nesting_mode == "map":
            if not isinstance(value, dict):
                self.add(site, field, f"expected an object of labelled blocks, got {_describe(value)}")
                return 0
            for label, bodies in value.items():
                for body in _objects(bodies, keep_invalid=True):
                    self.check_block_body(nested, body, site, f'{field}["{label}"]', schema_path)
            return len(value)
        if not isinstance(value, (dict, list)):
            self.add(site, field, f"expected a block (a JSON object) or a list of blocks, got {_describe(value)}")
            return 0
        items = value if isinstance(value, list) else [value]
        single = nested.nesting_mode in _SINGLE_MODES and len(items) == 1
        for index, body in enumerate(items):
            self.check_block_body(nested, body, site, field if single else f"{field}[{index}]", schema_path)
        return len(items)

    def check_block_body(self, nested: NestedBlock, body: Any, site: _Site, field: str, schema_path: str) -> None:
        if isinstance(body, dict):
            self.check_body(nested.block, body, site, field, schema_path)
        else:
            self.add(site, field, f"expected a block (a JSON object), got {_describe(body)}")

    def check_dynamic(self, block: Block, value: Any, site: _Site, field: str, schema_path: str) -> set[str]:
        """``dynamic "x" {for_each, iterator, content}``: the count is unknown, the content is checked as block x."""
        generated: set[str] = set()
        for specs in _objects(value, keep_invalid=True):
            if not isinstance(specs, dict):
                self.add(site, field, f"expected an object of block types, got {_describe(specs)}")
                continue
            for type_name, spec_list in specs.items():
                type_field = f"{field}.{type_name}"
                nested = block.block_types.get(type_name)
                if nested is None:
                    self.add(site, type_field,
                             f"unknown block for dynamic{suggest(type_name, list(block.block_types))}")
                    continue
                generated.add(type_name)
                for spec in _objects(spec_list, keep_invalid=True):
                    self.check_dynamic_spec(nested, type_name, spec, site, type_field, _join(schema_path, type_name))
        return generated

    def check_dynamic_spec(self, nested: NestedBlock, type_name: str, spec: Any, site: _Site, field: str,
                           schema_path: str) -> None:
        if not isinstance(spec, dict):
            self.add(site, field, f"expected an object with for_each and content, got {_describe(spec)}")
            return
        for key in spec:
            if key not in DYNAMIC_ARGUMENTS:
                self.add(site, f"{field}.{key}",
                         f"unknown argument of a dynamic block{suggest(key, sorted(DYNAMIC_ARGUMENTS))}")
        self.check_strings(spec.get("for_each"), site, f"{field}.for_each")
        content = spec.get("content")
        if not isinstance(content, dict):
            self.add(site, f"{field}.content", "required: the body of each generated block")
            return
        iterator = spec["iterator"] if isinstance(spec.get("iterator"), str) else type_name
        inner = replace(site, scope=replace(site.scope, iterators=site.scope.iterators | {iterator}))
        self.check_body(nested.block, content, inner, f"{field}.content", schema_path)
