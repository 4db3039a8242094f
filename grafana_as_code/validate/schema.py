"""Immutable model of a Terraform provider schema (the output of ``terraform providers schema -json``).

We validate synthesized stacks offline, without the provider binary, so the schema file is the only source of
truth about which attributes and blocks exist. The JSON is parsed once into frozen objects with the lookups the
checker needs precomputed (required names, all names for suggestions), so checking a thousand resources never
goes back to the raw JSON.

Types are kept in the shape Terraform prints them ("cty" types), as hashable tuples:
``"string" | "number" | "bool" | "dynamic" | ("list"|"set"|"map", T) | ("object", {name: T}, optional_names)
| ("tuple", (T, ...))``.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from grafana_as_code.errors import UserError
from grafana_as_code.yaml_io import load_json

CtyType = str | tuple[Any, ...]
"""A Terraform value type, see the module docstring for its shape."""

PRIMITIVE_TYPES = frozenset({"string", "number", "bool", "dynamic"})
NESTING_MODES = frozenset({"single", "group", "list", "set", "map"})
DEFAULT_PROVIDER_SUFFIX = "/grafana/grafana"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a block, with the flags Terraform uses to decide what a configuration may set."""

    type: CtyType
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    deprecated: bool = False

    @property
    def computed_only(self) -> bool:
        """True when only the provider sets the value; Terraform rejects it in configuration."""
        return self.computed and not self.optional and not self.required


@dataclass(frozen=True)
class NestedBlock:
    """A block type inside another block, with how many instances it allows."""

    nesting_mode: str  # single, group, list, set or map
    min_items: int
    max_items: int | None
    block: Block


@dataclass(frozen=True)
class Block:
    """The body of a provider, resource or nested block.

    ``required_attributes``, ``required_blocks`` and ``names`` are derived once at load time because the checker
    needs them for every resource instance.
    """

    attributes: Mapping[str, Attribute]
    block_types: Mapping[str, NestedBlock]
    required_attributes: tuple[str, ...] = field(init=False)
    required_blocks: tuple[str, ...] = field(init=False)
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required_attributes", tuple(n for n, a in self.attributes.items() if a.required))
        object.__setattr__(self, "required_blocks", tuple(n for n, b in self.block_types.items() if b.min_items > 0))
        object.__setattr__(self, "names", tuple(sorted([*self.attributes, *self.block_types])))


@dataclass(frozen=True)
class ProviderSchema:
    """The parts of one provider's schema that a configuration is checked against."""

    source: str  # e.g. "registry.terraform.io/grafana/grafana"
    provider: Block
    resources: Mapping[str, Block]
    data_sources: Mapping[str, Block]


class _FormatError(Exception):
    """Raised inside the parser; converted to a UserError naming the schema file and the JSON path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def load_schema(path: Path, provider_source: str | None = None) -> ProviderSchema:
    """Read a ``terraform providers schema -json`` file and return the model of the chosen provider.

    ``provider_source`` is the full key (``registry.terraform.io/grafana/grafana``); by default the provider whose
    key ends in ``/grafana/grafana`` is used. Every failure is a UserError naming the file.
    """
    where = str(path)
    return parse_schema(load_json(Path(path), where, "provider schema file"), where, provider_source)


def parse_schema(document: Any, where: str, provider_source: str | None = None) -> ProviderSchema:
    """Build the model from an already decoded schema document; ``where`` names it in errors."""
    if not isinstance(document, dict) or not isinstance(document.get("provider_schemas"), dict):
        raise UserError(where, "provider_schemas",
                        "missing; expected the output of `terraform providers schema -json`")
    providers: dict[str, Any] = document["provider_schemas"]
    source = _choose_provider(providers, provider_source, where)
    raw = providers[source]
    base = f'provider_schemas["{source}"]'
    try:
        if not isinstance(raw, dict):
            raise _FormatError(base, "must be an object")
        provider = _parse_block(_dig(raw, "provider", "block", field=f"{base}.provider.block"),
                                f"{base}.provider.block")
        resources = _parse_schemas(raw.get("resource_schemas", {}), f"{base}.resource_schemas")
        data_sources = _parse_schemas(raw.get("data_source_schemas", {}), f"{base}.data_source_schemas")
    except _FormatError as exc:
        raise UserError(where, exc.field, exc.message) from None
    return ProviderSchema(source, provider, resources, data_sources)


def _choose_provider(providers: dict[str, Any], wanted: str | None, where: str) -> str:
    if wanted is not None:
        if wanted in providers:
            return wanted
        raise UserError(where, "provider_schemas", f"no provider {wanted!r} (found: {_listing(providers)})")
    matches = sorted(key for key in providers if key.lower().endswith(DEFAULT_PROVIDER_SUFFIX))
    if not matches:
        raise UserError(where, "provider_schemas",
                        f"no provider whose source ends in {DEFAULT_PROVIDER_SUFFIX} (found: {_listing(providers)})")
    return matches[0]


def _listing(providers: dict[str, Any]) -> str:
    return ", ".join(sorted(providers)) or "none"


def _dig(raw: dict[str, Any], *keys: str, field: str) -> Any:
    value: Any = raw
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise _FormatError(field, "missing")
        value = value[key]
    return value


def _parse_schemas(raw: Any, field: str) -> Mapping[str, Block]:
    if not isinstance(raw, dict):
        raise _FormatError(field, "must be an object")
    return MappingProxyType({name: _parse_block(_dig(entry, "block", field=f"{field}.{name}.block"),
                                                f"{field}.{name}.block")
                             for name, entry in raw.items()})


def _parse_block(raw: Any, field: str) -> Block:
    if not isinstance(raw, dict):
        raise _FormatError(field, "must be an object")
    attributes = {name: _parse_attribute(spec, f"{field}.attributes.{name}")
                  for name, spec in _object(raw, "attributes", field).items()}
    block_types = {name: _parse_nested_block(spec, f"{field}.block_types.{name}")
                   for name, spec in _object(raw, "block_types", field).items()}
    return Block(MappingProxyType(attributes), MappingProxyType(block_types))


def _object(raw: dict[str, Any], key: str, field: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise _FormatError(f"{field}.{key}", "must be an object")
    return value


def _parse_attribute(raw: Any, field: str) -> Attribute:
    if not isinstance(raw, dict):
        raise _FormatError(field, "must be an object")
    if "type" in raw:
        cty = _parse_type(raw["type"], f"{field}.type")
    elif "nested_type" in raw:
        cty = _nested_attribute_type(raw["nested_type"], f"{field}.nested_type")
    else:
        raise _FormatError(field, "has neither `type` nor `nested_type`")
    return Attribute(cty, *(bool(raw.get(flag)) for flag in
                            ("required", "optional", "computed", "sensitive", "deprecated")))


def _nested_attribute_type(raw: Any, field: str) -> CtyType:
    """Protocol-6 nested attributes are written like blocks; as values they behave like objects."""
    if not isinstance(raw, dict) or raw.get("nesting_mode") not in ("single", "list", "set", "map"):
        raise _FormatError(field, "must be an object with nesting_mode single, list, set or map")
    attributes = {name: _parse_attribute(spec, f"{field}.attributes.{name}")
                  for name, spec in _object(raw, "attributes", field).items()}
    optional = frozenset(name for name, attr in attributes.items() if not attr.required)
    obj = ("object", MappingProxyType({name: attr.type for name, attr in attributes.items()}), optional)
    return obj if raw["nesting_mode"] == "single" else (raw["nesting_mode"], obj)


def _parse_nested_block(raw: Any, field: str) -> NestedBlock:
    if not isinstance(raw, dict):
        raise _FormatError(field, "must be an object")
    mode = raw.get("nesting_mode")
    if mode not in NESTING_MODES:
        raise _FormatError(f"{field}.nesting_mode", f"unknown nesting mode {mode!r}")
    min_items, max_items = raw.get("min_items", 0), raw.get("max_items")
    if not isinstance(min_items, int) or not (max_items is None or isinstance(max_items, int)):
        raise _FormatError(field, "min_items and max_items must be integers")
    block = _parse_block(_dig(raw, "block", field=f"{field}.block"), f"{field}.block")
    return NestedBlock(mode, min_items, max_items or None, block)


def _parse_type(raw: Any, field: str = "type") -> CtyType:
    """Turn a JSON-encoded cty type (``"string"``, ``["list", "string"]``, ...) into the tuple form."""
    if isinstance(raw, str) and raw in PRIMITIVE_TYPES:
        return raw
    if isinstance(raw, list) and len(raw) >= 2 and isinstance(raw[0], str):
        kind = raw[0]
        if kind in ("list", "set", "map") and len(raw) == 2:
            return (kind, _parse_type(raw[1], field))
        if kind == "object" and isinstance(raw[1], dict) and len(raw) <= 3:
            optional = raw[2] if len(raw) == 3 else []
            if isinstance(optional, list) and all(isinstance(n, str) for n in optional):
                members = {name: _parse_type(t, field) for name, t in raw[1].items()}
                return ("object", MappingProxyType(members), frozenset(optional))
        if kind == "tuple" and isinstance(raw[1], list) and len(raw) == 2:
            return ("tuple", tuple(_parse_type(t, field) for t in raw[1]))
    raise _FormatError(field, f"unknown type {json.dumps(raw)[:80]}")


def describe_type(cty: CtyType) -> str:
    """Render a type the way Terraform writes it in configuration (``list(string)``, ``map(number)``)."""
    if isinstance(cty, str):
        return "any" if cty == "dynamic" else cty
    if cty[0] == "object":
        return "object({" + ", ".join(f"{n}={describe_type(t)}" for n, t in sorted(cty[1].items())) + "})"
    if cty[0] == "tuple":
        return "tuple([" + ", ".join(describe_type(t) for t in cty[1]) + "])"
    return f"{cty[0]}({describe_type(cty[1])})"
