"""The base of the generated provider bindings (``imports/grafana``).

A generated resource keeps its attributes as plain Python values and hands them to the engine once, when the stack
is synthesized (one call back from the jsii process per resource). References to other resources are engine
tokens (``folder.uid``), which the engine resolves into ``${grafana_folder.x.uid}``.

Terraform reads every JSON string as a template, so a literal ``${`` (Grafana's ``${var}``, Loki's
``${__value.raw}``) would be interpolated; it is written ``$${`` here, centrally, while the engine's own tokens
are left alone.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..cdk import (Construct, TerraformDataSource, TerraformProvider, TerraformProviderGeneratorMetadata,
                   TerraformResource, TerraformResourceLifecycle, TerraformStack, jsii_create, jsii_invoke)

PROVIDER_NAME = "grafana"
PROVIDER_SOURCE = "grafana/grafana"
PROVIDER_VERSION_CONSTRAINT = "~> 4.45"

# Engine tokens look like ${TfToken[TOKEN.12]}; every other "${" or "%{" is literal text for Terraform.
_LITERAL_INTERPOLATION = re.compile(r"\$\{(?!TfToken\[)")
_LITERAL_DIRECTIVE = re.compile(r"%\{")


def escape_template(text: str) -> str:
    """Make a literal string safe from Terraform's template syntax."""
    if "{" not in text:
        return text
    return _LITERAL_DIRECTIVE.sub("%%{", _LITERAL_INTERPOLATION.sub("$${", text))


def to_terraform(value: Any) -> Any:
    """Plain JSON for Terraform: blocks (dataclasses) become objects, None is dropped, strings are escaped."""
    if isinstance(value, str):
        return escape_template(value)
    if dataclasses.is_dataclass(value):
        out = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if item is not None:
                out[field.metadata.get("tf_name", field.name)] = to_terraform(item)
        return out
    if isinstance(value, Mapping):
        return {key: to_terraform(item) for key, item in value.items() if item is not None}
    if isinstance(value, Sequence):
        return [to_terraform(item) for item in value]
    return value


def block(cls: type, value: Any) -> Any:
    """Accept a block as its dataclass or as a mapping with the same keys (checked: unknown keys fail)."""
    if value is None or isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        names = {f.metadata.get("tf_name", f.name): f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise TypeError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
        return cls(**{names[key]: item for key, item in value.items()})
    raise TypeError(f"{cls.__name__}: expected {cls.__name__} or a mapping, got {type(value).__name__}")


def blocks(cls: type, values: Any) -> Any:
    if values is None:
        return None
    if isinstance(values, (Mapping,)) or dataclasses.is_dataclass(values):
        return block(cls, values)
    return [block(cls, v) for v in values]


def _metadata() -> TerraformProviderGeneratorMetadata:
    return TerraformProviderGeneratorMetadata(provider_name=PROVIDER_NAME,
                                              provider_version_constraint=PROVIDER_VERSION_CONSTRAINT)


_METADATA = {"providerName": PROVIDER_NAME, "providerVersionConstraint": PROVIDER_VERSION_CONSTRAINT}


_ENGINE_CHILDREN = ("backend",)  # ids the engine itself gives children of a stack


def _claim(stack: TerraformStack, id: str) -> bool:
    """Reserve ``id`` among the stack's direct children; False when something already has it.

    Kept on the Python side, so asking costs no engine call.
    """
    claimed = stack.__dict__.setdefault("_gac_children", set(_ENGINE_CHILDREN))
    if id in claimed:
        return False
    claimed.add(id)
    return True


class Component(Construct):
    """A group of resources of one kind (folders, dashboards, ...) in a stack.

    Its resources are placed directly in the stack, where the engine takes a construct's id as its Terraform name
    as it is: ``grafana_folder.intelliflow`` without a second engine call to override a hashed name.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        if isinstance(scope, TerraformStack):
            _claim(scope, id)
        self.stack: TerraformStack = scope if isinstance(scope, TerraformStack) else scope.stack


class GrafanaResource(TerraformResource):
    """A resource of the Grafana provider whose attributes are synthesized from Python values.

    Each engine call is a round trip to the jsii Node process (~0.35 ms), so a resource costs one call to create it
    and the engine's callbacks at synth; references are fetched once. In a ``Component`` with a logical id, the
    resource is created in the stack under that id, which the engine uses as its Terraform name; elsewhere (or when
    the id is taken) it is created where asked and its name overridden, one more call.
    """

    TF_TYPE: ClassVar[str]

    def __init__(self, scope: Construct, id: str, attributes: dict[str, Any], *,
                 logical_id: str | None = None, depends_on: Sequence[Any] | None = None,
                 lifecycle: TerraformResourceLifecycle | Mapping[str, Any] | None = None,
                 provider: TerraformProvider | None = None) -> None:
        config: dict[str, Any] = {"terraformResourceType": self.TF_TYPE, "terraformGeneratorMetadata": _METADATA}
        if depends_on:
            config["dependsOn"] = list(depends_on)
        if lifecycle is not None:
            config["lifecycle"] = (lifecycle if isinstance(lifecycle, TerraformResourceLifecycle)
                                   else TerraformResourceLifecycle(**lifecycle))
        if provider is not None:
            config["provider"] = provider
        # Readable addresses (grafana_folder.platform) for plans, imports and `terraform state` commands.
        stack = getattr(scope, "stack", None) if logical_id is not None else None
        placed = stack is not None and _claim(stack, logical_id)
        # The engine's TerraformResource.__init__ minus its argument checks (see grafana_as_code/cdk.py).
        jsii_create(self.__class__, self, [stack, logical_id, config] if placed else [scope, id, config])
        self._tf_attributes = attributes
        self._synthesized: dict[str, Any] | None = None
        self._references: dict[str, Any] = {}
        if logical_id is not None and not placed:
            jsii_invoke(self, "overrideLogicalId", [logical_id])
        if stack is not None:  # by Terraform address, for import blocks (resource_at)
            stack.__dict__.setdefault("_gac_resources", {})[f"{self.TF_TYPE}.{logical_id}"] = self

    def _reference(self, getter: str, name: str) -> Any:
        """A token for one of this resource's attributes (``${grafana_folder.x.uid}`` once synthesized)."""
        if name not in self._references:
            self._references[name] = jsii_invoke(self, getter, [name])
        return self._references[name]

    def _synthesize_attributes(self) -> dict[str, Any]:
        # The engine asks twice per synth (a preparing resolve, then the real one); the attributes never change
        # after construction, so they are converted once.
        if self._synthesized is None:
            self._synthesized = to_terraform(self._tf_attributes)
        return self._synthesized


def resource_at(stack: TerraformStack, address: str) -> GrafanaResource | None:
    """The resource a stack declares at a Terraform address (``grafana_dashboard.x``), or None."""
    return stack.__dict__.get("_gac_resources", {}).get(address)


class GrafanaDataSource(TerraformDataSource):
    """A data source of the Grafana provider (``data "grafana_team" "x"``): reads an object Terraform does not
    manage, such as a team synced from an identity provider. Placed in the stack under its logical id, like
    ``GrafanaResource``; attributes are converted once, at synth."""

    TF_TYPE: ClassVar[str]

    def __init__(self, scope: Construct, id: str, attributes: dict[str, Any], *,
                 logical_id: str | None = None, depends_on: Sequence[Any] | None = None,
                 provider: TerraformProvider | None = None) -> None:
        config: dict[str, Any] = {"terraformResourceType": self.TF_TYPE, "terraformGeneratorMetadata": _METADATA}
        if depends_on:
            config["dependsOn"] = list(depends_on)
        if provider is not None:
            config["provider"] = provider
        stack = getattr(scope, "stack", None) if logical_id is not None else None
        placed = stack is not None and _claim(stack, f"data.{logical_id}")
        # Data sources have a namespace of their own in Terraform (data.grafana_team.x), but construct ids are
        # shared within the stack: the construct id gets a "data-" prefix and the logical id is overridden.
        jsii_create(self.__class__, self, [stack, f"data-{logical_id}", config] if placed else [scope, id, config])
        self._tf_attributes = attributes
        self._synthesized: dict[str, Any] | None = None
        self._references: dict[str, Any] = {}
        if logical_id is not None:
            jsii_invoke(self, "overrideLogicalId", [logical_id])

    _reference = GrafanaResource._reference
    _synthesize_attributes = GrafanaResource._synthesize_attributes


class GrafanaProviderBase(TerraformProvider):
    """The ``provider "grafana"`` block."""

    def __init__(self, scope: Construct, id: str, attributes: dict[str, Any]) -> None:
        super().__init__(scope, id, terraform_resource_type=PROVIDER_NAME, terraform_provider_source=PROVIDER_SOURCE,
                         terraform_generator_metadata=_metadata())
        if isinstance(scope, TerraformStack):
            _claim(scope, id)
        self._tf_attributes = attributes

    def _synthesize_attributes(self) -> dict[str, Any]:
        return to_terraform(self._tf_attributes)
