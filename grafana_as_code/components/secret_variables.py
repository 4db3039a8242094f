"""Sensitive Terraform variables, one per secret a stack needs (values arrive as TF_VAR_<name>).

A secret used only where Terraform allows ephemeral values (the provider configuration) is declared
``ephemeral``: Terraform >= 1.10 then keeps it out of plan files and state, and asks for it again at apply
(https://developer.hashicorp.com/terraform/language/values/variables#exclude-values-from-state).
The engine's TerraformVariable has no ``ephemeral`` option (cdktn 0.24), so it is written as an override.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..cdk import Construct, TerraformVariable
from ..secrets import Secret


class SecretVariables(Construct):
    def __init__(self, scope: Construct, id: str, secrets: list[Secret], ephemeral: Iterable[str] = ()) -> None:
        super().__init__(scope, id)
        ephemeral = set(ephemeral)
        self._variables: dict[str, TerraformVariable] = {}
        for secret in secrets:
            variable = TerraformVariable(
                self, secret.name, type="string", sensitive=True, nullable=False,
                description=f"{secret.description} (set {secret.env_var}; asked for by {secret.file}: {secret.field})",
                validation=[{"condition": f"${{length(var.{secret.name}) > 0}}",
                             "errorMessage": f"{secret.name} must not be empty: set {secret.env_var}."}],
            )
            variable.override_logical_id(secret.name)  # var.<name>, as users and TF_VAR_<name> expect
            if secret.name in ephemeral:
                variable.add_override("ephemeral", True)
            self._variables[secret.name] = variable

    def value(self, name: str) -> str:
        """A reference token to the secret's value."""
        return self._variables[name].string_value
