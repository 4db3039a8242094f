"""What a saved plan holds, and the sealed plan artifact, with real Terraform (offline: `terraform_data` only).

The stacks' own variable declarations (synthesized from this repository) are planned with Terraform: the Grafana
token, an ephemeral variable, must not be in the plan file, the JSON plan or the state; the data source secrets,
ordinary sensitive variables, are in the plan file (which is why the artifact is encrypted). Then the script the
deploy workflow runs (.github/scripts/plan_artifact.py) seals the plan for one environment, the apply side opens it
and Terraform applies it; every tampered, truncated, foreign or wrongly keyed artifact is refused and writes nothing.

Not covered here (no registry): the grafana provider block itself reading `var.grafana_auth`; a local stands in for
it, the one other place Terraform lets an ephemeral value go.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from plan_helpers import REPO
from project_copy import content_root

SCRIPT = REPO / ".github" / "scripts" / "plan_artifact.py"
TERRAFORM = shutil.which(os.environ.get("TERRAFORM", "terraform"))
TOKEN = "glsa_EphemeralTokenValue_7f3a9c"
# An ordinary sensitive variable of the test's own, so the control below holds whatever secrets the catalog names.
CONTROL = {"control_secret": {"type": "string", "sensitive": True, "nullable": False}}


def terraform(stack: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    assert TERRAFORM, "terraform is not installed (it is on every CI runner of this project)"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")}
    environ.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_CLI_CONFIG_FILE=os.devnull, **(env or {}))
    return subprocess.run([TERRAFORM, f"-chdir={stack}", *args, "-no-color"], capture_output=True, text=True,
                          env=environ, timeout=120)


@pytest.fixture(scope="module")
def variables(content_synth: Path) -> dict:
    """The `variable` blocks of a stack synthesized from this repository (its first environment; the content's
    synthesis that the content checks share, conftest.py), as Terraform gets them, plus the control variable."""
    env = sorted((content_root() / "environments").glob("*.yaml"))[0].stem
    return {**json.loads((content_synth / "stacks" / env / "cdk.tf.json").read_text())["variable"], **CONTROL}


@pytest.fixture()
def secret_values(variables: dict) -> dict[str, str]:
    return {name: (TOKEN if name == "grafana_auth" else f"value-of-{name}-5d1e") for name in variables}


@pytest.fixture()
def planned(tmp_path: Path, variables: dict, secret_values: dict[str, str]) -> Path:
    """A stack with the real variables: the token goes where the provider would take it (a local), every other
    secret into a resource, as data sources and contact points do. Planned with every TF_VAR_ set."""
    others = sorted(name for name in variables if name != "grafana_auth")
    config = {
        "terraform": {"required_version": ">= 1.11.0"},
        "variable": variables,
        "locals": {"provider_auth": "${var.grafana_auth}"},
        "resource": {"terraform_data": {name: {"input": f"${{var.{name}}}"} for name in others}},
    }
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf.json").write_text(json.dumps(config))
    assert terraform(stack, "init", "-input=false").returncode == 0
    (stack / ".terraform.lock.hcl").write_text("# no providers: terraform_data is built in\n")
    result = terraform(stack, "plan", "-input=false", "-out=tfplan", env=tf_vars(secret_values))
    assert result.returncode == 0, result.stdout + result.stderr
    return stack


def tf_vars(values: dict[str, str]) -> dict[str, str]:
    return {f"TF_VAR_{name}": value for name, value in values.items()}


def plan_members(plan: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(plan) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_synthesized_grafana_token_is_an_ephemeral_sensitive_variable(variables: dict) -> None:
    token = variables["grafana_auth"]
    assert token["ephemeral"] is True and token["sensitive"] is True
    others = [name for name in variables if name != "grafana_auth"]
    assert not any(variables[name].get("ephemeral") for name in others)  # they go into resources


def test_the_saved_plan_holds_no_token_but_does_hold_the_other_secrets(planned: Path,
                                                                       secret_values: dict[str, str]) -> None:
    members = plan_members(planned / "tfplan")
    assert not [name for name, data in members.items() if TOKEN.encode() in data]
    # The check can fail: the ordinary sensitive variables are stored in clear, so the artifact is encrypted.
    others = [value for name, value in secret_values.items() if name != "grafana_auth"]
    assert all(any(value.encode() in data for data in members.values()) for value in others)
    shown = terraform(planned, "show", "-json", "tfplan")
    assert shown.returncode == 0 and TOKEN not in shown.stdout


def test_the_apply_asks_for_the_token_again_and_stores_it_nowhere(planned: Path,
                                                                  secret_values: dict[str, str]) -> None:
    without = terraform(planned, "apply", "-input=false", "tfplan")
    assert without.returncode != 0
    assert "ephemeral input variable" in without.stderr and "must also be set during the apply phase" in without.stderr
    applied = terraform(planned, "apply", "-input=false", "tfplan", env={"TF_VAR_grafana_auth": TOKEN})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert TOKEN not in (planned / "terraform.tfstate").read_text()


# --- the sealed artifact -------------------------------------------------------------------------------------------

def artifact_tool(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=environ,
                          timeout=60)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """A key pair for prod and one for staging, made by the script's keygen (as `make plan-keys` does)."""
    directory = tmp_path_factory.mktemp("keys")
    pairs = {}
    for env in ("prod", "staging"):
        assert artifact_tool("keygen", env, str(directory)).returncode == 0
        pairs[env] = {"cert": (directory / f"{env}-plan-cert.pem").read_text(),
                      "key": (directory / f"{env}-plan-key.pem").read_text()}
        assert (directory / f"{env}-plan-key.pem").stat().st_mode & 0o077 == 0
    return pairs


def seal(stack: Path, out: Path, cert: str) -> str:
    result = artifact_tool("seal", str(stack), str(out), env={"PLAN_ENCRYPTION_CERT": cert})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def open_into(artifact: Path, target: Path, key: str, sha256: str) -> subprocess.CompletedProcess:
    target.mkdir(exist_ok=True)
    return artifact_tool("open", str(artifact), str(target), env={"PLAN_DECRYPTION_KEY": key, "PLAN_SHA256": sha256})


def test_a_sealed_plan_opens_in_its_environment_and_applies(planned: Path, tmp_path: Path, keys: dict) -> None:
    artifact = tmp_path / "artifact" / "plan.cms"
    sha256 = seal(planned, artifact, keys["prod"]["cert"])
    assert b"value-of-" not in artifact.read_bytes()  # the secrets in the plan file are not readable in transit
    apply_dir = tmp_path / "apply"
    shutil.copytree(planned, apply_dir, ignore=shutil.ignore_patterns("tfplan", ".terraform.lock.hcl"))
    result = open_into(artifact, apply_dir, keys["prod"]["key"], sha256)
    assert result.returncode == 0, result.stderr
    assert (apply_dir / "tfplan").read_bytes() == (planned / "tfplan").read_bytes()
    assert (apply_dir / ".terraform.lock.hcl").read_bytes() == (planned / ".terraform.lock.hcl").read_bytes()
    applied = terraform(apply_dir, "apply", "-input=false", "tfplan", env={"TF_VAR_grafana_auth": TOKEN})
    assert applied.returncode == 0, applied.stderr


def flip(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


TAMPERING = {"flip-middle": lambda data: flip(data, len(data) // 2),
             "flip-last": lambda data: flip(data, len(data) - 1),  # the GCM tag's end
             "truncate": lambda data: data[:-200],
             "append": lambda data: data + b"\0" * 16}


@pytest.mark.parametrize("tamper", sorted(TAMPERING))
def test_a_tampered_artifact_is_refused_and_writes_nothing(planned: Path, tmp_path: Path, keys: dict,
                                                           tamper: str) -> None:
    artifact = tmp_path / "plan.cms"
    sha256 = seal(planned, artifact, keys["prod"]["cert"])
    artifact.write_bytes(TAMPERING[tamper](artifact.read_bytes()))
    target = tmp_path / "apply"
    result = open_into(artifact, target, keys["prod"]["key"], sha256)
    assert result.returncode == 1 and "refused" in result.stderr and "is not the" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("tamper", ["flip-middle", "flip-last", "truncate"])
def test_the_cipher_alone_detects_tampering(planned: Path, tmp_path: Path, keys: dict, tamper: str) -> None:
    """Second layer: even given the tampered file's own hash, AES-GCM's authentication refuses it."""
    artifact = tmp_path / "plan.cms"
    seal(planned, artifact, keys["prod"]["cert"])
    artifact.write_bytes(TAMPERING[tamper](artifact.read_bytes()))
    target = tmp_path / "apply"
    result = open_into(artifact, target, keys["prod"]["key"], hashlib.sha256(artifact.read_bytes()).hexdigest())
    assert result.returncode == 1 and "does not decrypt and authenticate" in result.stderr, result.stderr
    assert list(target.iterdir()) == []


def test_another_environments_key_cannot_open_a_prod_artifact(planned: Path, tmp_path: Path, keys: dict) -> None:
    artifact = tmp_path / "plan.cms"
    sha256 = seal(planned, artifact, keys["prod"]["cert"])
    result = open_into(artifact, tmp_path / "apply", keys["staging"]["key"], sha256)
    assert result.returncode == 1 and "does not decrypt and authenticate" in result.stderr
    assert list((tmp_path / "apply").iterdir()) == []


def test_an_artifact_this_run_did_not_make_is_refused(planned: Path, tmp_path: Path, keys: dict) -> None:
    """Anyone may encrypt to the public certificate: the plan job's sha256 (a job output) tells them apart."""
    reviewed = seal(planned, tmp_path / "reviewed.cms", keys["prod"]["cert"])
    (planned / "tfplan").write_bytes((planned / "tfplan").read_bytes() + b"other")
    foreign = tmp_path / "foreign.cms"
    seal(planned, foreign, keys["prod"]["cert"])
    result = open_into(foreign, tmp_path / "apply", keys["prod"]["key"], reviewed)
    assert result.returncode == 1 and "is not the" in result.stderr and "reviewed" in result.stderr
    assert list((tmp_path / "apply").iterdir()) == []


def test_missing_keys_are_clear_errors(planned: Path, tmp_path: Path) -> None:
    sealed = artifact_tool("seal", str(planned), str(tmp_path / "x.cms"))
    assert sealed.returncode == 1 and "PLAN_ENCRYPTION_CERT" in sealed.stderr and "-plan" in sealed.stderr
    opened = artifact_tool("open", str(tmp_path / "x.cms"), str(tmp_path), env={"PLAN_SHA256": "0" * 64})
    assert opened.returncode == 1 and "PLAN_DECRYPTION_KEY" in opened.stderr
