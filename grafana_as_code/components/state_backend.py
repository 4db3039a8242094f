"""Where an environment's Terraform state lives, with locking where the backend offers it."""
from __future__ import annotations

import os
from pathlib import Path

from ..cdk import (CloudBackend, Construct, GcsBackend, LocalBackend, NamedCloudWorkspace, NamedRemoteWorkspace,
                   RemoteBackend, S3Backend)
from ..environment import StateBackend


def configure_state_backend(stack: Construct, state: StateBackend) -> None:
    """Declare the stack's backend. Credentials come from the usual environment variables, never from files."""
    settings = dict(state.settings)
    if state.kind == "local":
        published = stack.node.try_get_context(PUBLISHED_OUTDIR_CONTEXT)
        LocalBackend(stack, path=local_state_path(stack.node.id, settings.get("path"), published))
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


# Where the stack is written in the end: `make synth` builds it in a staging directory and publishes it to its
# --outdir, which it passes in the app's context; `cdktn synth` writes straight to CDKTF_OUTDIR.
PUBLISHED_OUTDIR_CONTEXT = "gacPublishedOutdir"


def local_state_path(stack_name: str, configured: str | None, published: str | None = None) -> str:
    """The local state file as a path relative to the stack directory, so the output is the same wherever the
    repository is cloned (the engine's default is the absolute path of the checkout).

    The file is ``terraform.<env>.tfstate`` at the project root unless ``state.path`` says otherwise; a relative
    ``state.path`` is relative to the project root too. Terraform resolves the path from the directory it runs in,
    ``<outdir>/stacks/<env>`` (`terraform -chdir=…` and `cdktn deploy` alike), so it still lands in the root.
    """
    if configured and os.path.isabs(configured):
        return configured
    root = Path.cwd()  # main.py runs in the project root, under `make synth` and `cdktn synth` alike
    outdir = published or os.environ.get("CDKTF_OUTDIR") or "cdktf.out"
    stack_dir = root / outdir / "stacks" / stack_name
    target = root / (configured or f"terraform.{stack_name}.tfstate")
    return Path(os.path.relpath(target, stack_dir)).as_posix()
