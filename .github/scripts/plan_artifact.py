#!/usr/bin/env python3
"""Seal a reviewed plan for one environment's apply job; open it there, and only there.

    plan_artifact.py keygen ENV DIR             a key pair: DIR/ENV-plan-cert.pem (public), DIR/ENV-plan-key.pem
    plan_artifact.py seal STACK_DIR OUT         env PLAN_ENCRYPTION_CERT; prints the artifact's sha256
    plan_artifact.py open ARTIFACT STACK_DIR    env PLAN_DECRYPTION_KEY, PLAN_SHA256

The bundle is the plan file and the dependency lock file it was made with (Terraform refuses a saved plan whose
providers differ from the lock file at apply; carrying both keeps the apply on the reviewed providers). It is
encrypted with OpenSSL's CMS AuthEnvelopedData (RFC 5083, AES-256-GCM; the content key wrapped with RSA-OAEP for the
environment's certificate): only the holder of the private key, the apply environment, can read it, and a changed
byte fails GCM's authentication. The plan job's sha256 of the artifact, passed to the apply job as a job output (which
no artifact upload can change), pins the artifact to the job that made it: one encrypted by anyone else with the
public certificate, or changed in any byte, is refused before it is decrypted. Only the standard library and the `openssl` command (on every GitHub runner).
Exit 1 with `error: ...` on any refusal; nothing is written to STACK_DIR unless every check passed.
"""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MEMBERS = ("tfplan", ".terraform.lock.hcl")  # what travels; only these names are ever extracted


class Refused(Exception):
    pass


def _openssl(*args: str) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"openssl {args[0]} failed")


def _pem_from_env(name: str, kind: str, hint: str) -> str:
    value = os.environ.get(name, "")
    if f"-----BEGIN {kind}" not in value:
        raise Refused(f"{name} is not set or holds no PEM {kind.lower()}: {hint}")
    return value


def keygen(env: str, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    key, cert = directory / f"{env}-plan-key.pem", directory / f"{env}-plan-cert.pem"
    _openssl("req", "-x509", "-newkey", "rsa:3072", "-nodes", "-days", "3650", "-subj",
             f"/CN=grafana-as-code plan artifacts {env}", "-keyout", str(key), "-out", str(cert))
    key.chmod(0o600)
    print(f"{cert}: the GitHub variable PLAN_ENCRYPTION_CERT of the environment {env}-plan (public)\n"
          f"{key}: the GitHub secret PLAN_DECRYPTION_KEY of the environment {env} only; then delete this file")


def bundle(stack_dir: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in MEMBERS:
            path = stack_dir / name
            if not path.is_file():
                raise Refused(f"{path}: missing (run `terraform init` and `terraform plan -out=tfplan` first)")
            data = path.read_bytes()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def seal(stack_dir: Path, out: Path) -> str:
    cert = _pem_from_env("PLAN_ENCRYPTION_CERT", "CERTIFICATE",
                         "set the GitHub variable PLAN_ENCRYPTION_CERT of the <env>-plan environment "
                         "(`make plan-keys ENV=<env>` makes the pair)")
    data = bundle(stack_dir)
    with tempfile.TemporaryDirectory() as tmp:
        cert_file, plain = Path(tmp, "cert.pem"), Path(tmp, "bundle.tar")
        cert_file.write_text(cert)
        plain.write_bytes(data)
        out.parent.mkdir(parents=True, exist_ok=True)
        _openssl("cms", "-encrypt", "-binary", "-aes-256-gcm", "-outform", "DER", "-in", str(plain),
                 "-out", str(out), "-recip", str(cert_file), "-keyopt", "rsa_padding_mode:oaep")
    return hashlib.sha256(out.read_bytes()).hexdigest()


def open_artifact(artifact: Path, stack_dir: Path) -> None:
    key = _pem_from_env("PLAN_DECRYPTION_KEY", "PRIVATE KEY",
                        "set the GitHub secret PLAN_DECRYPTION_KEY of this environment (the apply environment)")
    expected = os.environ.get("PLAN_SHA256", "")
    if len(expected) != 64:
        raise Refused("PLAN_SHA256 is not set: the apply job must pass the plan job's `sha256` output")
    if not artifact.is_file():
        raise Refused(f"{artifact}: no plan artifact")
    actual = hashlib.sha256(artifact.read_bytes()).hexdigest()
    if actual != expected:
        raise Refused(f"{artifact}: refused: sha256 {actual} is not the {expected} of the plan this run reviewed "
                      "(changed, or made by another job)")
    with tempfile.TemporaryDirectory() as tmp:
        key_file, plain = Path(tmp, "key.pem"), Path(tmp, "bundle.tar")
        key_file.touch(mode=0o600)
        key_file.write_text(key)
        try:
            _openssl("cms", "-decrypt", "-binary", "-inform", "DER", "-in", str(artifact), "-out", str(plain),
                     "-inkey", str(key_file))
        except Refused as refusal:  # openssl may have written part of the output before the tag check failed
            raise Refused(f"{artifact}: refused: it does not decrypt and authenticate with this environment's key "
                          f"(modified, truncated, or sealed for another environment): {refusal}") from None
        data = plain.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        found = {m.name: m for m in tar.getmembers()}
        if sorted(found) != sorted(MEMBERS) or not all(m.isfile() for m in found.values()):
            raise Refused(f"{artifact}: refused: expected exactly {', '.join(MEMBERS)}, found {', '.join(found)}")
        contents = {name: tar.extractfile(found[name]).read() for name in MEMBERS}  # type: ignore[union-attr]
    for name, content in contents.items():
        (stack_dir / name).write_bytes(content)


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 3 and argv[0] == "keygen":
            keygen(argv[1], Path(argv[2]))
        elif len(argv) == 3 and argv[0] == "seal":
            print(seal(Path(argv[1]), Path(argv[2])))
        elif len(argv) == 3 and argv[0] == "open":
            open_artifact(Path(argv[1]), Path(argv[2]))
        else:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 1
    except Refused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
