"""GitHub Markdown for findings, and fitting a report under GitHub's comment limit.

A report is a list of ``Block``s: the ones a reviewer must always see (summary tables, warnings) are required;
resource details are optional and are dropped from the end first when the text would exceed ``GITHUB_LIMIT``,
with a line saying how many were cut. Every block is redacted before it is measured, so the masking of secrets
cannot push a comment over the limit.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .dashboard_diff import plural
from .findings import MISSING, Finding, raw, show
from .sensitive import Sensitive, redact

GITHUB_LIMIT = 65_536  # characters in an issue or pull-request comment body
MAX_CODE_LINES = 12  # per side of a before/after block: a 200-line query is not reviewed in a comment anyway
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


@dataclass(frozen=True)
class Block:
    text: str
    required: bool = False
    group: str = ""  # what a cut block belonged to (an environment), for the "what was cut" line


def escape(text: str) -> str:
    """Plain text in Markdown: no accidental emphasis, links, tables or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def code(text: str) -> str:
    """An inline code span that survives backticks and newlines in the value."""
    text = text.replace("\n", "⏎")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def summary_code(text: str) -> str:
    """Code inside HTML (``<summary>``), where Markdown is not rendered."""
    return f"<code>{html.escape(text)}</code>"


def details(summary: str, body: list[str]) -> str:
    """A collapsed section; the blank lines let GitHub render the Markdown inside."""
    return "<details><summary>" + summary + "</summary>\n\n" + "\n".join(body) + "\n\n</details>"


def diff_block(before: object, after: object) -> list[str]:
    lines: list[str] = []
    for sign, value in (("-", before), ("+", after)):
        if value is MISSING:
            continue
        text = raw(value).splitlines() or [""]
        shown = text[:MAX_CODE_LINES]
        lines += [f"{sign} {line}" for line in shown]
        if len(text) > len(shown):
            lines.append(f"{sign} … ({len(text) - len(shown)} more lines)")
    longest = max((len(run) for line in lines for run in re.findall(r"`{3,}", line)), default=2)
    fence = "`" * (longest + 1)
    return [fence + "diff", *lines, fence]


def finding_lines(finding: Finding) -> list[str]:
    """One finding as a Markdown list item; code (queries, expressions) as a before/after diff nested in it."""
    label = escape(finding.label)
    if finding.note:
        return [f"- {label}: {escape(finding.note)}"]
    if isinstance(finding.before, Sensitive) or isinstance(finding.after, Sensitive):
        return [f"- {label}: {'set' if finding.added else 'removed' if finding.removed else 'changed'} "
                "(sensitive value, not shown)"]
    if finding.code:
        verb = "added" if finding.added else "removed" if finding.removed else "changed"
        return [f"- {label} {verb}:", *("  " + line for line in diff_block(finding.before, finding.after))]
    if finding.kind == "created":
        return [f"- {label}: {code(show(finding.after))}"]
    if finding.added:
        return [f"- {label} added: {code(show(finding.after))}"]
    if finding.removed:
        return [f"- {label} removed (was {code(show(finding.before))})"]
    return [f"- {label}: {code(show(finding.before))} → {code(show(finding.after))}"]


def findings_summary(findings: Iterable[Finding]) -> str:
    """"2 queries changed, 1 panel added": what a collapsed section holds, by kind of finding."""
    counts = Counter(f.kind for f in findings)
    parts = []
    for kind, count in counts.most_common():
        noun, _, verb = kind.partition(" ")
        if not verb:  # generic kinds ("changed", "added"): count attributes
            noun, verb = "attribute", kind
        parts.append(f"{plural(count, noun) if not noun.endswith('s') else f'{count} {noun}'} {verb}")
    return ", ".join(parts)


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def assemble(blocks: list[Block], footer: Block, secrets: Iterable[str], limit: int = GITHUB_LIMIT,
             cut_note: str = "the full report is in the CI run") -> str:
    """The blocks and the footer joined, within ``limit`` characters.

    Optional blocks are kept in order while they fit and cut from the first that does not; a note before the
    footer says how many were cut and where the rest is.
    """
    secrets = list(secrets)
    separator = "\n\n"
    texts = [redact(block.text, secrets) if secrets else block.text for block in [*blocks, footer]]
    body, footer_text = texts[:-1], texts[-1]
    required = len(footer_text) + sum(len(text) + len(separator) for text, block in zip(body, blocks) if block.required)
    budget = limit - required - 400  # 400: room for the note about what was cut
    kept: list[str] = []
    cut: Counter[str] = Counter()
    used = 0
    for text, block in zip(body, blocks):
        if block.required:
            kept.append(text)
        elif not cut and used + len(text) + len(separator) <= budget:
            kept.append(text)
            used += len(text) + len(separator)
        else:
            cut[block.group] += 1
    if cut:
        where = ", ".join(f"{group}: {count}" for group, count in cut.items() if group)
        kept.append(f"> [!NOTE]\n> Details of {sum(cut.values())} resources were cut"
                    f"{f' ({where})' if where else ''} to stay under GitHub's {GITHUB_LIMIT:,}-character limit; "
                    f"{cut_note}.")
    text = separator.join([*kept, footer_text]) + "\n"
    if len(text) > limit:  # the required parts alone are too long: cut at a line, and say so
        note = "\n\n> [!WARNING]\n> This report was cut short at GitHub's comment limit.\n"
        text = text[: limit - len(note)].rsplit("\n", 1)[0] + note
    return text
