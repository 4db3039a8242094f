"""Offline validation of synthesized Terraform JSON against the Grafana provider schema.

``terraform validate`` needs the provider binary; this package needs only the schema file that
``terraform providers schema -json`` prints, so it can run in CI and in tests without network access.
"""
from grafana_as_code.validate.run import resolve_schema_path, validate_outdir, validate_stacks
from grafana_as_code.validate.schema import (
    Attribute,
    Block,
    NestedBlock,
    ProviderSchema,
    describe_type,
    load_schema,
    parse_schema,
)
from grafana_as_code.validate.stack_check import check_stack

__all__ = [
    "Attribute",
    "Block",
    "NestedBlock",
    "ProviderSchema",
    "check_stack",
    "describe_type",
    "load_schema",
    "parse_schema",
    "resolve_schema_path",
    "validate_outdir",
    "validate_stacks",
]
