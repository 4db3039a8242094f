"""Sensitive Terraform variables, one per secret a stack needs (values arrive as TF_VAR_<name>).

A secret used only where Terraform allows ephemeral values (the provider configuration) is declared
``ephemeral``: Terraform >= 1.10 then keeps it out of plan files and state, and asks for it again at apply
(https://developer.hashicorp.com/terraform/language/values/variables#exclude-values-from-state).

The ``variable`` blocks are written with the stack's Grafana resources (bindings/runtime.py ``StackResources``),
in the layout the engine's TerraformVariable gives them (plus ``ephemeral``, which cdktn 0.24 has no option for).
"""
from __future__ import annotations

from collections.abc import Iterable

from ..bindings.runtime import Reference, StackResources
from ..cdk import TerraformStack
from ..secrets import Secret


class SecretVariables:
    def __init__(self, stack: TerraformStack, id: str, secrets: list[Secret], ephemeral: Iterable[str] = ()) -> None:
        ephemeral = set(ephemeral)
        self._blocks = StackResources.of(stack).variables
        self._names: set[str] = set()
        for secret in secrets:
            block = {
                "type": "string", "sensitive": True, "nullable": False,
                "description": f"{secret.description} (set {secret.env_var}; asked for by {secret.file}: {secret.field})",
                "validation": [{"condition": f"${{length(var.{secret.name}) > 0}}",
                                "error_message": f"{secret.name} must not be empty: set {secret.env_var}."}],
            }
            if secret.name in ephemeral:
                block["ephemeral"] = True
            if secret.name in self._blocks:
                raise ValueError(f"variable {secret.name} is declared twice")
            self._blocks[secret.name] = block  # var.<name>, as users and TF_VAR_<name> expect
            self._names.add(secret.name)

    def value(self, name: str) -> str:
        """A reference to the secret's value: ``${var.<name>}``, what the engine's token for it resolves to."""
        if name not in self._names:
            raise KeyError(name)
        return Reference(f"${{var.{name}}}")
