"""Data sources of one environment; secrets are referenced as sensitive variables, never written."""
from __future__ import annotations

import json

from imports.grafana import DataSource as DataSourceResource

from ..bindings.runtime import Component, Reference
from ..readback import canonical_header
from ..cdk import Construct
from ..datasources import DataSource
from ..secrets import Secret
from ..uids import terraform_name
from .secret_variables import SecretVariables


class DataSources(Component):
    def __init__(self, scope: Construct, id: str, sources: tuple[DataSource, ...], variables: SecretVariables,
                 org_id: str | None = None) -> None:
        super().__init__(scope, id)
        self._by_uid: dict[str, DataSourceResource] = {}
        for source in sources:
            secure = ({key: variables.value(secret.name) for key, secret in source.secure_json_data.items()}
                      if source.secure_json_data else None)
            # header names in Go's canonical form, which Grafana cannot return in another case (readback.READ_BACK)
            headers = ({canonical_header(name): variables.value(v.name) if isinstance(v, Secret) else v
                        for name, v in source.http_headers.items()} if source.http_headers else None)
            self._by_uid[source.uid] = DataSourceResource(
                self, source.uid, logical_id=terraform_name(source.uid),
                uid=source.uid, name=source.name, type=source.type, url=source.url, org_id=org_id,
                access_mode=source.access_mode, is_default=source.is_default,
                basic_auth_enabled=True if source.basic_auth_username else None,
                basic_auth_username=source.basic_auth_username,
                database_name=source.database_name, username=source.username,
                json_data_encoded=source.json_data_encoded(),
                secure_json_data_encoded=jsonencode(secure) if secure else None,
                http_headers=headers,
            )

    def uid(self, uid: str) -> str:
        """A reference to the data source's uid, so Terraform creates it before the rules that query it."""
        return self._by_uid[uid].uid


def jsonencode(values: dict[str, str]) -> Reference:
    """``${jsonencode({"password" = var.x})}``: the object of secret references, encoded by Terraform at plan time
    (what the engine's ``Fn.jsonencode`` writes; keys are written as quoted HCL strings)."""
    items = ", ".join(f"{json.dumps(key)} = {_expression(value)}" for key, value in values.items())
    return Reference(f"${{jsonencode({{{items}}})}}")


def _expression(value: str) -> str:
    """A reference's expression without its ``${…}``; a literal as a quoted string."""
    if isinstance(value, Reference) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return json.dumps(value)
