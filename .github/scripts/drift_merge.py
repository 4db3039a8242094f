#!/usr/bin/env python3
"""One environment's drift result from the drift checks of its stacks (an environment with `state.split: teams` has
a shared stack and one per team, each checked in its own job).

    drift_merge.py DRIFT_DIR ENV --stacks JSON

DRIFT_DIR holds per stack `status-<stack>` (clean, drift or failed), `drift-<stack>.md` (drift-report's Markdown)
and, for a failed check, `error-<stack>.txt`. JSON is `stacks --json`. Writes `status-<env>`, `drift-<env>.md` and
`error-<env>.txt` for the issue step: failed if any stack's check failed, drift if any drifted, clean only when every
stack of the environment is clean; no status at all when some stack left nothing (cancelled: the issue is left as
it is). An environment that is one stack is passed through unchanged. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def merge(drift: Path, env: str, stacks: list[str]) -> None:
    if stacks == [env]:
        return  # the environment's own files already
    statuses = {s: (drift / f"status-{s}").read_text().strip() if (drift / f"status-{s}").is_file() else ""
                for s in stacks}
    if any(v == "failed" for v in statuses.values()):
        status = "failed"
    elif any(v == "drift" for v in statuses.values()):
        status = "drift"
    elif stacks and all(v == "clean" for v in statuses.values()):
        status = "clean"
    else:
        status = ""
    # The shared stack's files carry the environment's name: they are replaced here, or removed.
    if status:
        (drift / f"status-{env}").write_text(status + "\n")
    else:
        (drift / f"status-{env}").unlink(missing_ok=True)
    parts = [f"<!-- grafana-as-code:drift-report:{env} -->", f"## Grafana drift in {env}", ""]
    errors = []
    for stack in stacks:
        report = drift / f"drift-{stack}.md"
        if report.is_file():
            lines = report.read_text().split("\n")[2:]  # its marker and title: the environment's come first
            body = "\n".join(lines).strip()
            if body.startswith(f"### {env}"):
                body = f"### {stack}" + body[len(f"### {env}"):]
            parts += [body, ""]
        elif statuses[stack] == "failed":
            parts += [f"### {stack}", "", "⛔ The check failed; see the run.", ""]
        else:
            parts += [f"### {stack}", "", "⏹️ No result (cancelled or not started).", ""]
        error = drift / f"error-{stack}.txt"
        if error.is_file():
            errors.append(f"[{stack}]\n" + error.read_text().strip())
    (drift / f"drift-{env}.md").write_text("\n".join(parts).rstrip() + "\n")
    if errors:
        (drift / f"error-{env}.txt").write_text("\n\n".join(errors)[-1500:] + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drift", type=Path)
    parser.add_argument("env")
    parser.add_argument("--stacks", required=True, help="the output of `stacks --json`")
    args = parser.parse_args(argv)
    args.drift.mkdir(parents=True, exist_ok=True)
    stacks = [row["stack"] for row in json.loads(args.stacks)["include"] if row["environment"] == args.env]
    merge(args.drift, args.env, stacks)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
