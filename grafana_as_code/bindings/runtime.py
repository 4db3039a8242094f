"""The base of the generated provider bindings (``imports/grafana``).

A generated resource keeps its attributes as plain Python values and hands them to the engine once, when the stack
is synthesized (one call back from the jsii process per resource). References to other resources are engine
tokens (``folder.uid``), which the engine resolves into ``${grafana_folder.x.uid}``.

Terraform reads every JSON string as a template, so a literal ``${`` (Grafana's ``${var}``, Loki's
``${__value.raw}``) would be interpolated; it is written ``$${`` here, centrally, while the engine's own tokens
are left alone.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ..cdk import (App, Construct, TerraformProvider, TerraformProviderGeneratorMetadata, TerraformResourceLifecycle,
                   TerraformStack, Testing)
from ..errors import UserError

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


class Block:
    """A nested block of the bindings (``rule``, ``policy``, ``matcher`` …): built by keyword, immutable, equal by
    value. Generated as a plain class (``_FIELDS``: Python name, Terraform name; ``__slots__``; an ``__init__``
    written out), not a dataclass: the contact point module alone has 29 block types, and building dataclasses
    when a module is imported cost more than the rest of a warm synth's imports of the bindings."""

    __slots__ = ()
    _FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable ({name})")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name, _ in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Block):
            return NotImplemented
        return type(self) is type(other) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for (name, _), value in zip(self._FIELDS, self._values())
                          if value is not None)
        return f"{type(self).__name__}({shown})"


def to_terraform(value: Any) -> Any:
    """Plain JSON for Terraform: blocks become objects, None is dropped, strings are escaped."""
    if isinstance(value, str):
        return value if type(value) is Reference else escape_template(value)
    if isinstance(value, Block):
        out = {}
        for name, tf_name in value._FIELDS:
            item = getattr(value, name)
            if item is not None:
                out[tf_name] = to_terraform(item)
        return out
    if isinstance(value, Mapping):
        return {key: to_terraform(item) for key, item in value.items() if item is not None}
    if isinstance(value, Sequence):
        return [to_terraform(item) for item in value]
    return value


def block(cls: type[Block], value: Any) -> Any:
    """Accept a block as its class or as a mapping with the same (Terraform) keys (checked: unknown keys fail)."""
    if value is None or isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        names = {tf_name: name for name, tf_name in cls._FIELDS}
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise TypeError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
        return cls(**{names[key]: item for key, item in value.items()})
    raise TypeError(f"{cls.__name__}: expected {cls.__name__} or a mapping, got {type(value).__name__}")


def blocks(cls: type[Block], values: Any) -> Any:
    if values is None:
        return None
    if isinstance(values, (Mapping, Block)):
        return block(cls, values)
    return [block(cls, v) for v in values]


_set = object.__setattr__  # how a generated block's __init__ sets its (slot) fields


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


class Reference(str):
    """A Terraform expression naming another object's attribute (``${grafana_folder.x.uid}``): written as it is,
    where a literal ``${`` is escaped."""

    __slots__ = ()


class Component:
    """A group of resources of one kind (folders, dashboards, ...) in a stack (or in another component).

    Plain Python, like the resources (see ``StackResources``): its id only names the construct path the engine
    would give what is in it (``dev/teams/x``, written in each resource's ``//`` metadata).
    """

    def __init__(self, scope: Any, id: str) -> None:
        if isinstance(scope, Component):
            self.stack: TerraformStack = scope.stack
            self.component_path = f"{scope.component_path}/{id}"
        else:
            self.stack = scope
            _claim(scope, id)
            self.component_path = f"{StackResources.of(scope).stack_name}/{id}"
        _children(scope).append(self)
        self._gac_order: list[Any] = []


def _children(scope: Any) -> list[Any]:
    """Components and resources in the order the engine would list them as constructs (depth first, in order of
    creation): the order the engine concatenates ``moved`` and ``import`` blocks in."""
    if isinstance(scope, Component):
        return scope._gac_order
    return StackResources.of(scope).order


class StackResources:
    """Every Grafana resource of one stack, written into the stack's Terraform JSON once the engine has written it.

    A resource of the bindings is plain Python: creating and synthesizing it costs no call to the engine's Node
    process (jsii: a round trip is ~0.35 ms, and the engine asks a resource for its attributes twice per synth, with
    all of them serialized both ways). The engine writes what is its own (the terraform block, backend, provider,
    variables, data sources, overrides); ``synthesize`` then adds the resources in the engine's own layout
    (terraform-resource.js ``toTerraform``/``toMetadata`` in cdktn 0.24: each resource under its type and name with
    its ``//`` metadata, ``depends_on``, ``lifecycle``, ``provider``, and the stack's ``moved``/``import`` blocks).
    Their references are Terraform expressions already (``Reference``), so nothing in them needs the engine's
    token resolution.
    """

    def __init__(self, stack: TerraformStack) -> None:
        # A stack created by stacks/ says its name and app (``named``): no engine calls to ask for them.
        self.stack_name: str = stack.__dict__.get("_gac_name") or stack.node.id
        self.order: list[Any] = []
        self.by_address: dict[str, GrafanaResource] = {}
        self.variables: dict[str, dict[str, Any]] = {}  # variable blocks by name (SecretVariables)
        app = stack.__dict__.get("_gac_app") or stack.node.root
        app.__dict__.setdefault("_gac_stacks", []).append(self)

    @staticmethod
    def named(stack: TerraformStack, name: str, app: Any) -> None:
        """Record a stack's name and app as it is created (saves the engine calls that would ask for them)."""
        stack.__dict__["_gac_name"], stack.__dict__["_gac_app"] = name, app

    @classmethod
    def of(cls, stack: TerraformStack) -> "StackResources":
        element = stack.__dict__.get("_gac_resources")
        if element is None:
            element = stack.__dict__["_gac_resources"] = cls(stack)
        return element

    def resources(self) -> list["GrafanaResource"]:
        out: list[GrafanaResource] = []

        def walk(entries: list[Any]) -> None:
            for entry in entries:
                if isinstance(entry, Component):
                    walk(entry._gac_order)
                else:
                    out.append(entry)

        walk(self.order)
        return out

    def render(self) -> dict[str, Any]:
        """The stack's ``resource``, ``moved`` and ``import`` blocks, and the ``//`` metadata the engine keeps of them."""
        resource: dict[str, dict[str, Any]] = {}
        data: dict[str, dict[str, Any]] = {}
        moved, imports = [], []
        metadata: dict[str, dict[str, list[str]]] = {}
        for item in self.resources():
            (data if item._GAC_DATA else resource).setdefault(item.TF_TYPE, {})[item._gac_name] = item._gac_block()
            if item._gac_moved_from is not None:
                moved.append({"to": item._gac_fqn, "from": item._gac_moved_from})
                metadata.setdefault("moved", {}).setdefault(item.TF_TYPE, []).append(item._gac_name)
            if item._gac_imported_id is not None:
                imports.append({"id": item._gac_imported_id, "to": item._gac_fqn})
                metadata.setdefault("imports", {}).setdefault(item.TF_TYPE, []).append(item._gac_name)
        blocks = {key: value for key, value in (("resource", resource), ("data", data), ("variable", self.variables),
                                                ("moved", moved), ("import", imports)) if value}
        return {**blocks, "//": {"metadata": metadata}} if metadata else blocks

    def merge_into(self, tf: dict[str, Any]) -> None:
        """Add the rendered blocks to the engine's JSON of the stack, as the engine merges its elements' (lists
        are concatenated, objects merged); a resource the engine already holds under the same address is a bug."""
        _merge(tf, self.render(), self.stack_name)


def _merge(target: dict[str, Any], source: dict[str, Any], where: str) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value, f"{where}.{key}")
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key] = target[key] + value
        elif key in target:
            raise ValueError(f"{where}.{key} is written twice")
        else:
            target[key] = value


def synthesize(app: App) -> None:
    """``app.synth()``, then every stack's Grafana resources written into its ``cdk.tf.json``."""
    app.synth()
    stacks = app.__dict__.get("_gac_stacks", [])
    if not stacks:
        return
    outdir = Path(app.outdir)
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    for element in stacks:
        path = outdir / manifest["stacks"][element.stack_name]["synthesizedStackPath"]
        tf = json.loads(path.read_text(encoding="utf-8"))
        element.merge_into(tf)
        written = stack_json(tf)
        if b"${TfToken[" in written:  # an engine token in what the engine no longer sees would reach Terraform as text
            raise RuntimeError(f"{path}: an unresolved engine token in the Grafana resources")
        path.write_bytes(written)


def synth_stack(stack: TerraformStack) -> dict[str, Any]:
    """One stack's Terraform JSON as ``synthesize`` writes it, without writing anything and, like the engine's
    ``Testing.synth``, without the ``//`` metadata (for tests)."""
    tf = json.loads(Testing.synth(stack))
    element = stack.__dict__.get("_gac_resources")
    if element is not None:
        rendered = element.render()
        rendered.pop("//", None)
        for kind in ("resource", "data"):
            for bodies in rendered.get(kind, {}).values():
                for body in bodies.values():
                    body.pop("//", None)
        _merge(tf, rendered, element.stack_name)
    return tf


def stack_json(tf: dict[str, Any]) -> bytes:
    """The engine's layout (keys sorted, two-space indents, UTF-8 as is); ASCII escapes for text that is no valid
    UTF-8 (a lone surrogate from an escaped export), so the file is always valid JSON."""
    try:
        return json.dumps(tf, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(tf, indent=2, sort_keys=True).encode("ascii")


_LIFECYCLE_KEYS = {"createBeforeDestroy": "create_before_destroy", "preventDestroy": "prevent_destroy",
                   "ignoreChanges": "ignore_changes", "replaceTriggeredBy": "replace_triggered_by"}


class GrafanaResource:
    """A resource of the Grafana provider, in a ``Component`` of a stack, under its logical id.

    Plain Python (see ``StackResources``): attributes are kept as given and converted once at synth; a reference
    to one of its attributes is the expression itself (``${grafana_folder.x.uid}``), as the engine would resolve it.
    """

    TF_TYPE: ClassVar[str]
    _GAC_DATA: ClassVar[bool] = False  # a data source (GrafanaDataSource)

    def __init__(self, scope: Component, id: str, attributes: dict[str, Any], *,
                 logical_id: str | None = None, depends_on: Sequence[Any] | None = None,
                 lifecycle: TerraformResourceLifecycle | Mapping[str, Any] | None = None,
                 provider: TerraformProvider | None = None) -> None:
        stack = getattr(scope, "stack", None)
        if stack is None or logical_id is None:
            raise TypeError(f"{self.TF_TYPE} {id!r}: resources are created in a Component, with a logical_id")
        # meta-arguments first: a refused one leaves nothing half-declared in the stack
        self._tf_attributes = attributes
        self._meta: dict[str, Any] = {}
        if depends_on:
            self._meta["depends_on"] = [_address(item) for item in depends_on]
        if lifecycle is not None:
            self._meta["lifecycle"] = _lifecycle(lifecycle)
        if provider is not None:
            self._meta["provider"] = _provider(provider)
        element = StackResources.of(stack)
        self._gac_name = logical_id
        self._gac_fqn = f"data.{self.TF_TYPE}.{logical_id}" if self._GAC_DATA else f"{self.TF_TYPE}.{logical_id}"
        if self._gac_fqn in element.by_address:
            # e.g. uids "1abc" and "_1abc": a Terraform name cannot start with a digit, so both are "_1abc"
            raise UserError(f"stack {element.stack_name}", self._gac_fqn,
                            f"two objects have this Terraform address (their uids or names differ only in "
                            f"characters a Terraform name cannot hold: {id!r} and "
                            f"{element.by_address[self._gac_fqn]._gac_id!r}); rename one")
        element.by_address[self._gac_fqn] = self
        self._gac_id = id
        # The construct path the engine would give it (it is written in the resource's "//" metadata): in the
        # stack when its id is free there, else in its component. Data sources have a namespace of their own in
        # Terraform, but construct ids are shared in the stack: theirs get a "data-" prefix.
        placed = _claim(stack, f"data.{logical_id}" if self._GAC_DATA else logical_id)
        construct_id = f"data-{logical_id}" if self._GAC_DATA else logical_id
        self._gac_path = f"{element.stack_name}/{construct_id}" if placed else f"{scope.component_path}/{id}"
        (element.order if placed else _children(scope)).append(self)
        self._gac_moved_from: str | None = None
        self._gac_imported_id: str | None = None

    def _reference(self, getter: str, name: str) -> Reference:
        """The expression for one of this resource's attributes (``${grafana_folder.x.uid}``)."""
        return Reference(f"${{{self._gac_fqn}.{name}}}")

    def move_from_id(self, address: str) -> None:
        """A ``moved`` block: Terraform carries the state at ``address`` over to this resource."""
        if self._gac_moved_from is not None:
            raise ValueError(f"{self._gac_fqn}: moved from both {self._gac_moved_from} and {address}")
        self._gac_moved_from = address

    def import_from(self, import_id: str) -> None:
        """An ``import`` block (Terraform >= 1.5): the existing object ``import_id`` becomes this resource."""
        self._gac_imported_id = import_id

    def _gac_block(self) -> dict[str, Any]:
        """The resource's body in the stack's JSON."""
        body = to_terraform(self._tf_attributes)
        body.update(self._meta)
        body["//"] = {"metadata": {"path": self._gac_path, "uniqueId": self._gac_name}}
        return body


def _address(item: Any) -> str:
    """A ``depends_on`` entry: a resource or data source of the bindings. (An engine element's address is a token
    only the engine resolves, and these blocks are written after it has run.)"""
    if not isinstance(item, GrafanaResource):
        raise TypeError(f"depends_on takes resources of the bindings, not {type(item).__name__}")
    return item._gac_fqn


def _provider(provider: Any) -> str:
    """The ``provider`` meta-argument: the binding's provider has no alias, so it is always the default ``grafana``
    configuration."""
    if not isinstance(provider, GrafanaProviderBase):
        raise TypeError(f"provider takes the grafana provider of the bindings, not {type(provider).__name__}")
    return PROVIDER_NAME


def _lifecycle(lifecycle: Any) -> dict[str, Any]:
    if isinstance(lifecycle, TerraformResourceLifecycle):
        lifecycle = {key: value for key in _LIFECYCLE_KEYS.values()
                     if (value := getattr(lifecycle, key, None)) is not None}
    return {_LIFECYCLE_KEYS.get(key, key): value for key, value in lifecycle.items() if value is not None}


def resource_at(stack: TerraformStack, address: str) -> GrafanaResource | None:
    """The resource a stack declares at a Terraform address (``grafana_dashboard.x``), or None."""
    element = stack.__dict__.get("_gac_resources")
    return element.by_address.get(address) if element is not None else None


class GrafanaDataSource(GrafanaResource):
    """A data source of the Grafana provider (``data "grafana_team" "x"``): reads an object Terraform does not
    manage, such as a team synced from an identity provider. Plain Python, like ``GrafanaResource``."""

    _GAC_DATA = True

    def __init__(self, scope: Component, id: str, attributes: dict[str, Any], *,
                 logical_id: str | None = None, depends_on: Sequence[Any] | None = None,
                 provider: TerraformProvider | None = None) -> None:
        super().__init__(scope, id, attributes, logical_id=logical_id, depends_on=depends_on, provider=provider)

    def move_from_id(self, address: str) -> None:
        raise TypeError("a data source is read, not moved")

    def import_from(self, import_id: str) -> None:
        raise TypeError("a data source is read, not imported")


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
