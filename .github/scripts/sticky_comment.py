#!/usr/bin/env python3
"""The body of the pull request's one plan comment, from what each environment's plan job left.

    sticky_comment.py REPORTS_DIR --environments JSON --commit SHA --head SHA --run-url URL > body.md

REPORTS_DIR holds, per environment, `status-<env>` (the plan job's `job.status`: success or failure), the report
`plan-<env>.md` (plan-report's Markdown) when the plan succeeded, and `error-<env>.txt` (the end of Terraform's
output, secrets already blanked) when it failed. An environment with nothing there was cancelled or never started:
it is reported as such, never as failed. JSON is `environments --json` (names in deploy order). The comment
says which commit was planned and, when the pull request's head moved on since, that it is outdated.

With `--stacks JSON` (`affected --json`: only the stacks a change touches were planned, one job each), the files are
per stack (`status-<stack>`, `plan-<stack>.md`, `error-<stack>.txt`, `counts-<stack>.json` from plan-report
--counts) and each environment still gets one table: a row per planned stack and their total, then each stack's
report; an environment no change touches says so.
Standard library only: the comment job installs nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MARKER = "<!-- grafana-as-code:plan-report -->"  # grafana_as_code.plans.plan_report.MARKER (a test keeps them equal)
COMMIT_MARKER = "<!-- grafana-as-code:commit={sha} -->"
GITHUB_LIMIT = 65_536
ERROR_CHARS = 1_500  # of Terraform's output, per failed environment


def _short(sha: str) -> str:
    return sha[:7]


def error_excerpt(text: str, limit: int = ERROR_CHARS) -> str:
    """The end of the output (Terraform prints the error last), cut at a line start, without colour codes."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    return "…\n" + (cut.split("\n", 1)[1] if "\n" in cut else cut)


def environment_section(env: str, reports: Path, run_url: str, heading: str = "###") -> str:
    status_file = reports / f"status-{env}"
    status = status_file.read_text().strip() if status_file.is_file() else ""
    report = reports / f"plan-{env}.md"
    if status == "success" and report.is_file():
        # The report starts with the marker and the title; the comment keeps one of each.
        body = "\n".join(report.read_text().split("\n")[2:]).strip()
        return body if heading == "###" else f"{heading} {env}\n" + body.split("\n", 1)[-1]
    if status == "failure":
        error_file = reports / f"error-{env}.txt"
        excerpt = error_excerpt(error_file.read_text()) if error_file.is_file() else ""
        detail = (f"\n\n```text\n{excerpt.replace('```', '´´´')}\n```" if excerpt else
                  " It failed before `terraform plan` (synthesis, validation, secrets or set-up).")
        return f"{heading} {env}\n\n⛔ **Plan failed**; [the run]({run_url}) has the full log.{detail}"
    return (f"{heading} {env}\n\n⏹️ No result: the plan was cancelled (a newer push replaces this run) or did not start; "
            f"[the run]({run_url}). Not counted as a failure.")


COLUMNS = ("create", "update", "replace", "delete", "no-op")  # plan_report.COLUMNS (a test keeps them equal)
HEADERS = ("to add", "to change", "to replace", "to destroy", "unchanged")


def _counts(reports: Path, stack: str) -> list[int] | None:
    status = reports / f"status-{stack}"
    counts = reports / f"counts-{stack}.json"
    if not (status.is_file() and status.read_text().strip() == "success" and counts.is_file()):
        return None
    found = json.loads(counts.read_text())
    return [int(found.get(column, 0)) for column in COLUMNS]


def stacks_section(env: str, stacks: list[str], reports: Path, run_url: str) -> str:
    """One environment split into stacks: one table (a row per planned stack, and the total), then each stack."""
    if not stacks:
        return f"### {env}\n\nNo change touches this environment's stacks: not planned."
    if stacks == [env]:  # one stack, as an environment that is not split: the report as it is
        return environment_section(env, reports, run_url)
    rows, total = [], [0] * len(COLUMNS)
    for stack in stacks:
        counts = _counts(reports, stack)
        if counts is None:
            rows.append(f"| `{stack}` | " + " | ".join("–" for _ in COLUMNS) + " |")
        else:
            total = [a + b for a, b in zip(total, counts)]
            rows.append(f"| `{stack}` | " + " | ".join(map(str, counts)) + " |")
    table = ["| stack | " + " | ".join(HEADERS) + " |", "|---|" + "---:|" * len(HEADERS), *rows]
    if len(stacks) > 1:
        table.append("| **total** | " + " | ".join(f"**{n}**" for n in total) + " |")
    parts = [f"### {env}", "", *table]
    return "\n".join(parts) + "\n\n" + "\n\n".join(environment_section(stack, reports, run_url, heading="####")
                                                     for stack in stacks)


def build(reports: Path, environments: list[str], commit: str, head: str, run_url: str,
          stacks: dict[str, list[str]] | None = None) -> str:
    lines = [MARKER, COMMIT_MARKER.format(sha=commit), "## Terraform plan", ""]
    if head and head != commit:
        lines.append(f"> [!WARNING]\n> **Outdated**: planned at `{_short(commit)}`; the pull request is now at "
                     f"`{_short(head)}`. A newer run will replace this comment.\n")
    lines.append(f"Planned at commit `{_short(commit)}` · [run]({run_url})\n")
    if stacks is None:
        sections = [environment_section(env, reports, run_url) for env in environments]
    else:
        sections = [stacks_section(env, stacks.get(env, []), reports, run_url) for env in environments]
    body = "\n".join(lines) + "\n" + "\n\n".join(sections)
    if len(body) > GITHUB_LIMIT:  # each report keeps to its --max-chars share; error excerpts are bounded too
        note = f"\n\n… cut at GitHub's {GITHUB_LIMIT:,} characters; [the run]({run_url}) has every report."
        body = body[:GITHUB_LIMIT - len(note)] + note
    return body


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", type=Path)
    parser.add_argument("--environments", required=True, help="the output of `environments --json`")
    parser.add_argument("--commit", required=True, help="the commit this run planned")
    parser.add_argument("--head", default="", help="the pull request's head now")
    parser.add_argument("--run-url", required=True)
    parser.add_argument("--stacks", default="", help="the output of `affected --json`: the stacks planned")
    args = parser.parse_args(argv)
    names = json.loads(args.environments)["names"]
    stacks = None
    if args.stacks:
        stacks = {}
        for row in json.loads(args.stacks)["include"]:
            stacks.setdefault(row["environment"], []).append(row["stack"])
    sys.stdout.write(build(args.reports, names, args.commit, args.head, args.run_url, stacks) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
