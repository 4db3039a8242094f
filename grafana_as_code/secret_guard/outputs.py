"""The exit: what we are about to publish is scanned for secrets, and a finding stops it before anything is written.

The door (``door.py``) refuses secrets in the definition files with their file and field; this is the second guard,
for whatever reaches the output another way (a dashboard, an alert annotation, a value the door does not know).
It runs on the staged ``cdktf.out/`` before ``synth`` publishes it, and on every plan and drift report before it is
printed or written.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import Problem
from .json_strings import DistinctStrings, json_values
from .scanner import Finding, Value, detect, findings, scan

FIX = "name it as a secret instead ({secret: <name>} in its definition file, the value set as TF_VAR_<name>)"


def _problem(finding: Finding) -> Problem:
    return Problem(finding.where, finding.field, f"{finding.message()}: {FIX}")


def scan_outdir(staging: Path, published_as: Path) -> list[Problem]:
    """Findings in every JSON file of a staged output, located as the file will be called once published.

    The scan costs per distinct string, not per stack: the distinct (key, text) pairs of every file are scanned once
    (the same dashboard recurs in every environment), and only the files holding a finding are read again for
    its places.
    """
    documents: list[tuple[str, object]] = []
    for path in sorted(staging.rglob("*.json")):
        where = str(published_as / path.relative_to(staging))
        try:
            documents.append((where, json.loads(path.read_bytes())))  # UTF-8, as we write them
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            # We wrote these files a moment ago; one we cannot read is not one we may publish unchecked.
            return [Problem(where, "", f"cannot scan for secrets: {exc}")]
    strings = DistinctStrings()
    pairs = [strings.of(document) for _, document in documents]
    found = detect(set().union(*pairs))
    if not found:
        return []
    values = [value for (where, document), held in zip(documents, pairs) if not held.isdisjoint(found)
              for value in json_values(document, where)]
    return [_problem(finding) for finding in findings(values, found)]


def scan_report(text: str, where: str) -> list[Problem]:
    """Findings in a report's text, by line (``line 12``)."""
    values = [Value(where, f"line {number}", report_line_key(line), line)
              for number, line in enumerate(text.splitlines(), start=1)]
    return [_problem(finding) for finding in scan(values)]


_ATTRIBUTE = re.compile(r"[A-Za-z_][A-Za-z0-9_\\]*")


def report_line_key(line: str) -> str:
    """The attribute a report line shows values of, as the scanner's key: ``- uid: `"…"` → …`` and
    ``because `config_json.uid` (`"…"` → …)`` are about a ``uid``, so a random-looking uid there is no secret."""
    before_value = line.partition('"')[0]
    names = _ATTRIBUTE.findall(before_value)
    return names[-1].replace("\\", "") if names else ""
