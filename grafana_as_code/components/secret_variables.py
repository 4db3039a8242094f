"""Sensitive Terraform variables, one per secret a stack needs (values arrive as TF_VAR_<name>)."""
from __future__ import annotations

from ..cdk import Construct, TerraformVariable
from ..secrets import Secret


class SecretVariables(Construct):
    def __init__(self, scope: Construct, id: str, secrets: list[Secret]) -> None:
        super().__init__(scope, id)
        self._variables: dict[str, TerraformVariable] = {}
        for secret in secrets:
            variable = TerraformVariable(
                self, secret.name, type="string", sensitive=True, nullable=False,
                description=f"{secret.description} (set {secret.env_var}; asked for by {secret.file}: {secret.field})",
                validation=[{"condition": f"${{length(var.{secret.name}) > 0}}",
                             "errorMessage": f"{secret.name} must not be empty: set {secret.env_var}."}],
            )
            variable.override_logical_id(secret.name)  # var.<name>, as users and TF_VAR_<name> expect
            self._variables[secret.name] = variable

    def value(self, name: str) -> str:
        """A reference token to the secret's value."""
        return self._variables[name].string_value
