"""Where an environment's Terraform state lives, with locking where the backend offers it."""
from __future__ import annotations

from ..cdk import (CloudBackend, Construct, GcsBackend, LocalBackend, NamedCloudWorkspace, NamedRemoteWorkspace,
                   RemoteBackend, S3Backend)
from ..environment import StateBackend


def configure_state_backend(stack: Construct, state: StateBackend) -> None:
    """Declare the stack's backend. Credentials come from the usual environment variables, never from files."""
    settings = dict(state.settings)
    if state.kind == "local":
        LocalBackend(stack, path=settings.get("path"))
    elif state.kind == "s3":
        # DynamoDB locking (dynamodb_table) or S3-native locking (use_lockfile, Terraform >= 1.10).
        S3Backend(stack, **settings)
    elif state.kind == "gcs":
        GcsBackend(stack, **settings)  # GCS locks state natively
    elif state.kind == "remote":
        RemoteBackend(stack, organization=settings["organization"], hostname=settings.get("hostname"),
                      workspaces=NamedRemoteWorkspace(settings["workspace"]))
    elif state.kind == "cloud":
        CloudBackend(stack, organization=settings["organization"], hostname=settings.get("hostname"),
                     workspaces=NamedCloudWorkspace(settings["workspace"], settings.get("project")))
    else:  # the environment loader only lets known kinds through
        raise ValueError(f"unknown state backend {state.kind!r}")
