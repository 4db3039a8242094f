#!/usr/bin/env python3
"""Copy stdin to stdout with every secret value of this step's environment blanked out.

The plan and drift steps pipe Terraform's output through it into the log excerpt that a PR comment or a drift
issue shows when a plan fails: GitHub masks secrets in the job log, but not in a file we upload. The values are the
step's `TF_VAR_*` variables and whatever names are given as arguments (e.g. TF_TOKEN_app_terraform_io).
"""
from __future__ import annotations

import os
import sys

MASK = "***"
MIN_LENGTH = 4  # shorter values would blank ordinary words; no real secret is that short


def secret_values(environ: dict[str, str], extra_names: list[str]) -> list[str]:
    names = [name for name in environ if name.startswith(("TF_VAR_", "TF_TOKEN_"))] + extra_names
    values = {environ.get(name, "") for name in names}
    return sorted((v for v in values if len(v) >= MIN_LENGTH), key=len, reverse=True)  # longest first


def redact(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, MASK)
    return text


def main() -> int:
    values = secret_values(dict(os.environ), sys.argv[1:])
    for line in sys.stdin:
        sys.stdout.write(redact(line, values))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
