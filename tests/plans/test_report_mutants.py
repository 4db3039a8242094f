"""The Markdown of plan and drift reports (plans/markdown.py): escaping, code spans, findings and the size limit.

Written from mutation testing (make mutants): each test pins what a reviewer reads in a PR comment or drift issue.
"""
from __future__ import annotations

import pytest

from grafana_as_code.plans.findings import MISSING, Finding, is_placeholder, raw, show
from grafana_as_code.plans.markdown import (GITHUB_LIMIT, MAX_CODE_LINES, Block, assemble, code, details, diff_block,
                                            escape, finding_lines, findings_summary, summary_code, table)
from grafana_as_code.plans.model import UNKNOWN
from grafana_as_code.plans.sensitive import MASK, Sensitive, mask, redact, sensitive_variable_values


def test_escape_makes_every_markdown_character_plain() -> None:
    assert escape(r"a*b_c`d[e](f)<g>#h|i!j~k{l}\m") == r"a\*b\_c\`d\[e\](f)\<g\>\#h\|i\!j\~k\{l\}\\m"
    assert escape("plain text, 1.5 - 2") == "plain text, 1.5 - 2"


@pytest.mark.parametrize("text, span", [
    ("up", "`up`"),
    ("a`b", "``a`b``"),
    ("a``b`c", "```a``b`c```"),
    ("`x", "`` `x ``"),
    ("x`", "`` x` ``"),
    ("line1\nline2", "`line1⏎line2`"),
    ("", "``"),
])
def test_code_spans_survive_backticks_and_newlines(text: str, span: str) -> None:
    assert code(text) == span


def test_html_parts() -> None:
    assert summary_code("a<b>&c") == "<code>a&lt;b&gt;&amp;c</code>"
    assert details("sum", ["- a", "- b"]) == "<details><summary>sum</summary>\n\n- a\n- b\n\n</details>"


def test_diff_block_shows_both_sides_and_cuts_long_code() -> None:
    assert diff_block("rate(x[5m])", "rate(x[1m])") == ["```diff", "- rate(x[5m])", "+ rate(x[1m])", "```"]
    assert diff_block(MISSING, "a\nb") == ["```diff", "+ a", "+ b", "```"]
    assert diff_block("a", MISSING) == ["```diff", "- a", "```"]
    assert diff_block("", "x") == ["```diff", "- ", "+ x", "```"]
    long = "\n".join(f"l{i}" for i in range(MAX_CODE_LINES + 3))
    lines = diff_block(long, MISSING)
    assert lines[1:-1] == [f"- l{i}" for i in range(MAX_CODE_LINES)] + ["- … (3 more lines)"]
    exactly = "\n".join(f"l{i}" for i in range(MAX_CODE_LINES))
    assert len(diff_block(exactly, MISSING)) == MAX_CODE_LINES + 2
    fenced = diff_block("a ``` b", "c ```` d")
    assert fenced[0] == "`````diff" and fenced[-1] == "`````"
    assert diff_block({"a": 1}, MISSING)[1] == '- {"a": 1}'


@pytest.mark.parametrize("finding, lines", [
    (Finding("panel *x*", note="moved from (0, 0)"), ["- panel \\*x\\*: moved from (0, 0)"]),
    (Finding("token", before=MISSING, after=Sensitive("v")), ["- token: set (sensitive value, not shown)"]),
    (Finding("token", before=Sensitive("v"), after=MISSING), ["- token: removed (sensitive value, not shown)"]),
    (Finding("token", before=Sensitive("v"), after=Sensitive("v")), ["- token: changed (sensitive value, not shown)"]),
    (Finding("token", before="a", after=Sensitive("v")), ["- token: changed (sensitive value, not shown)"]),
    (Finding("expr", before="a", after="b", code=True), ["- expr changed:", "  ```diff", "  - a", "  + b", "  ```"]),
    (Finding("expr", after="b", code=True), ["- expr added:", "  ```diff", "  + b", "  ```"]),
    (Finding("expr", before="a", code=True), ["- expr removed:", "  ```diff", "  - a", "  ```"]),
    (Finding("title", after="New", kind="created"), ['- title: `"New"`']),
    (Finding("title", after="New"), ['- title added: `"New"`']),
    (Finding("title", before="Old"), ['- title removed (was `"Old"`)']),
    (Finding("title", before="Old", after="New"), ['- title: `"Old"` → `"New"`']),
])
def test_finding_lines(finding: Finding, lines: list[str]) -> None:
    assert finding_lines(finding) == lines


def test_added_and_removed() -> None:
    assert Finding("x", after=1).added and not Finding("x", after=1).removed
    assert Finding("x", before=1).removed and not Finding("x", before=1).added
    assert not Finding("x", before=1, after=2).added and not Finding("x", before=1, after=2).removed
    assert not Finding("x").added and not Finding("x").removed


def test_findings_summary_counts_by_kind() -> None:
    findings = [Finding("a", kind="query changed"), Finding("b", kind="query changed"), Finding("c", kind="panel added"),
                Finding("d"), Finding("e", kind="thresholds changed"), Finding("f", kind="thresholds changed")]
    assert findings_summary(findings) == "2 queries changed, 2 thresholds changed, 1 panel added, 1 attribute changed"
    assert findings_summary([Finding("a"), Finding("b")]) == "2 attributes changed"
    assert findings_summary([]) == ""


def test_table_right_aligns_counts() -> None:
    assert table(["a", "b"], [["1", "2"], ["3", "4"]]) == ["| a | b |", "|---:|---:|", "| 1 | 2 |", "| 3 | 4 |"]


def test_show_and_raw() -> None:
    assert show({"b": 1, "a": [1, "é"]}) == '{"a": [1, "é"], "b": 1}'
    assert show("x" * 200, limit=10) == '"' + "x" * 8 + "…"
    assert show("x" * 8, limit=10) == '"xxxxxxxx"'
    assert len(show("x" * 8, limit=10)) == 10
    assert show(UNKNOWN) == "(known after apply)" and show(MISSING) == "(none)"
    assert show([Sensitive("x"), UNKNOWN]) == '["(sensitive value)", "(known after apply)"]'
    assert show("z" * 200) == '"' + "z" * 118 + "…"  # 120 characters unless told
    assert show(Sensitive("v")) == repr(Sensitive("v"))
    assert raw("sum(x)\n") == "sum(x)\n" and raw(3) == "3"
    assert raw(["y" * 500]) == '["' + "y" * 397 + "…"  # code shows up to 400 characters
    assert is_placeholder(UNKNOWN) and is_placeholder(Sensitive("v")) and not is_placeholder("x") \
        and not is_placeholder(None)


def test_assemble_keeps_everything_that_fits_and_redacts_secrets() -> None:
    blocks = [Block("head s3cret", required=True), Block("one", group="dev"), Block("two s3cret", group="dev")]
    text = assemble(blocks, Block("foot", required=True), ["s3cret"])
    assert "s3cret" not in text
    assert text.startswith("head ") and text.endswith("foot\n")
    assert text.count("\n\n") == 3 and "[!NOTE]" not in text
    assert assemble([Block("a", required=True)], Block("f", required=True), []) == "a\n\nf\n"


def test_assemble_cuts_optional_blocks_from_the_first_that_does_not_fit() -> None:
    limit = 1000
    blocks = [Block("H", required=True), Block("a" * 100, group="dev"), Block("b" * 500, group="dev"),
              Block("c" * 10, group="prod"), Block("W", required=True), Block("d" * 10)]
    text = assemble(blocks, Block("F", required=True), [], limit=limit, cut_note="see the run")
    assert "a" * 100 in text and "b" * 500 not in text
    assert "c" * 10 not in text  # once a block is cut, every later optional block is cut too (order is kept)
    assert "\nW\n" in text and text.endswith("F\n")
    assert ("> [!NOTE]\n> Details of 3 resources were cut (dev: 1, prod: 1) to stay under GitHub's 65,536-character "
            "limit; see the run.") in text
    assert len(text) <= limit


def test_a_cut_without_groups_names_none() -> None:
    text = assemble([Block("x" * 600)], Block("F", required=True), [], limit=1000)
    assert ("> Details of 1 resources were cut to stay under GitHub's 65,536-character limit; the full report is in "
            "the CI run.") in text


def test_a_report_of_exactly_the_limit_is_not_cut() -> None:
    text = assemble([Block("a" * 96, required=True)], Block("f", required=True), [], limit=100)
    assert len(text) == 100 and text == "a" * 96 + "\n\nf\n"


def test_the_budget_counts_required_blocks_and_room_for_the_note() -> None:
    # required 300 + its separator 2 + footer 100, and 400 kept for the note: a block of 150 (+2) fits in 954
    blocks = [Block("r" * 300, required=True), Block("o" * 150, group="dev")]
    text = assemble(blocks, Block("f" * 100, required=True), [], limit=954)
    assert "o" * 150 in text
    text = assemble(blocks, Block("f" * 100, required=True), [], limit=953)
    assert "o" * 150 not in text


def test_required_parts_over_the_limit_are_cut_at_a_line_and_say_so() -> None:
    blocks = [Block("\n".join(f"warning {i}" for i in range(300)), required=True)]
    text = assemble(blocks, Block("footer", required=True), [], limit=500)
    assert len(text) <= 500
    assert text.endswith("\n\n> [!WARNING]\n> This report was cut short at GitHub's comment limit.\n")
    note = "\n\n> [!WARNING]\n> This report was cut short at GitHub's comment limit.\n"
    full = "\n".join(f"warning {i}" for i in range(300)) + "\n\nfooter\n"
    body = text.removesuffix(note)
    # as many whole lines as fit: the body ends where a line ends, and the next line would not fit
    assert full.startswith(body) and full[len(body)] == "\n"
    next_line = full[len(body) + 1:].split("\n", 1)[0]
    assert len(body) + 1 + len(next_line) > 500 - len(note)
    assert GITHUB_LIMIT == 65_536


# ----- sensitive values (plans/sensitive.py) -------------------------------------------------------------------------

def test_sensitive_values_compare_by_value_and_never_print() -> None:
    assert Sensitive({"a": 1, "b": 2}) == Sensitive({"b": 2, "a": 1})
    assert Sensitive("a") != Sensitive("b") and Sensitive("a") != "a"
    assert hash(Sensitive("a")) == hash(Sensitive("a"))
    assert repr(Sensitive("topsecret")) == str(Sensitive("topsecret")) == MASK == "(sensitive value)"


def test_mask_replaces_marked_subtrees_and_collects_their_strings() -> None:
    secrets: set[str] = set()
    value = {"name": "x", "auth": {"user": "admin", "password": "hunter22"}, "keys": ["k-one", "k-two", "k-3"],
             "short": "abc"}
    marker = {"auth": {"password": True}, "keys": [False, True], "short": True, "name": False}
    masked = mask(value, marker, secrets)
    assert masked == {"name": "x", "auth": {"user": "admin", "password": Sensitive("hunter22")},
                      "keys": ["k-one", Sensitive("k-two"), "k-3"], "short": Sensitive("abc")}
    assert secrets == {"hunter22", "k-two"}  # "abc" is too short to blank out of a report
    whole: set[str] = set()
    assert mask({"a": ["long-secret", {"b": "other-secret"}], "n": 3}, True, whole) == \
        Sensitive({"a": ["long-secret", {"b": "other-secret"}], "n": 3})
    assert whole == {"long-secret", "other-secret"}
    assert mask("abcd", True, whole) == Sensitive("abcd") and "abcd" in whole
    assert mask({"a": 1}, {}, set()) == {"a": 1} and mask([1], None, set()) == [1]
    assert mask("text", {"a": True}, set()) == "text"  # a marker that does not fit the value leaves it alone
    assert mask([1, 2], {"a": True}, set()) == [1, 2]
    assert mask({"a": 1}, [True], set()) == {"a": 1}


def test_sensitive_variables_of_the_root_module_are_secrets() -> None:
    plan = {"variables": {"token": {"value": "glsa_token_value"}, "url": {"value": "https://grafana"},
                          "nested": {"value": {"k": "nested-secret"}}},
            "configuration": {"root_module": {"variables": {"token": {"sensitive": True}, "url": {},
                                                            "nested": {"sensitive": True},
                                                            "gone": {"sensitive": True}}}}}
    secrets: set[str] = set()
    sensitive_variable_values(plan, secrets)
    assert secrets == {"glsa_token_value", "nested-secret"}
    for broken in ({}, {"variables": ["t"], "configuration": {"root_module": {"variables": {"t": {"sensitive": True}}}}},
                   {"variables": {"t": {"value": "abcdef"}}, "configuration": {"root_module": {"variables": ["t"]}}}):
        found: set[str] = set()
        sensitive_variable_values(broken, found)
        assert found == set()


def test_redact_blanks_every_form_of_a_secret_longest_first() -> None:
    text = 'token "pa\\"ss-word" and pa"ss-word and pa&quot;ss-word… and pa"ss-word-long'
    out = redact(text, ['pa"ss-word', 'pa"ss-word-long'])
    assert out == f'token "{MASK}" and {MASK} and pa&quot;ss-word… and {MASK}'
    assert redact("a <b&c> d", ["<b&c>"]) == f"a {MASK} d"
    assert redact("x &lt;b&amp;c&gt; y", ["<b&c>"]) == f"x {MASK} y"
    assert redact("nothing here", ["secret-value"]) == "nothing here"
    # a secret inside a longer one: the longer is blanked first, so no fragment of it is left
    assert redact("x aa-zzzz y zzzz", ["zzzz", "aa-zzzz"]) == f"x {MASK} y {MASK}"


# ----- reading a plan (plans/model.py) ---------------------------------------------------------------------------------

from grafana_as_code.errors import UserError  # noqa: E402
from grafana_as_code.plans.model import ACTIONS, load_plan, parse_plan  # noqa: E402


def change(address: str, actions: list[str], before=None, after=None, **extra) -> dict:
    kind, name = address.split(".", 1)
    return {"address": address, "mode": extra.pop("mode", "managed"), "type": kind, "name": name,
            "provider_name": "registry.terraform.io/grafana/grafana",
            "change": {"actions": actions, "before": before, "after": after, **extra.pop("change", {})}, **extra}


def plan(*changes: dict, drift: tuple = (), **top) -> dict:
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": list(changes),
            "resource_drift": list(drift), **top}


def test_a_plan_keeps_what_the_reports_need() -> None:
    read = parse_plan(plan(change("grafana_folder.a", ["update"], {"title": "A"}, {"title": "B"},
                                  action_reason="replace_because_tainted", deposed="00ab"),
                           drift=(change("grafana_folder.b", ["delete"], {"title": "B"}, None),)),
                      "plan.json", "prod")
    assert (read.env, read.source, read.format_version, read.terraform_version, read.errored) == (
        "prod", "plan.json", "1.2", "1.9.8", False)
    (one,) = read.changes
    assert (one.address, one.mode, one.type, one.name, one.provider_name, one.action, one.before, one.after,
            one.action_reason, one.deposed) == (
        "grafana_folder.a", "managed", "grafana_folder", "a", "registry.terraform.io/grafana/grafana", "update",
        {"title": "A"}, {"title": "B"}, "replace_because_tainted", "00ab")
    assert [d.action for d in read.drift] == ["delete"]
    bare = parse_plan({"format_version": "1.0", "resource_changes": [
        {"address": "x.y", "type": "x", "change": {"actions": ["create"]}}], "errored": True}, "p", "dev")
    assert bare.terraform_version == "" and bare.errored is True and bare.drift == ()
    assert (bare.changes[0].mode, bare.changes[0].name, bare.changes[0].provider_name, bare.changes[0].action_reason,
            bare.changes[0].deposed) == ("managed", "", "", "", "")
    assert parse_plan({"format_version": "1.0", "planned_values": {}}, "p", "dev").changes == ()


@pytest.mark.parametrize("version", ["1.0", "1.2", "1.2.3", "1"])
def test_any_1_x_format_is_read(version: str) -> None:
    assert parse_plan({"format_version": version, "resource_changes": []}, "p", "e").format_version == version


@pytest.mark.parametrize("actions, word", [(list(key), word) for key, word in ACTIONS.items()])
def test_every_action_list_has_its_word(actions: list[str], word: str) -> None:
    assert parse_plan(plan(change("a.b", actions)), "p", "e").changes[0].action == word


def test_both_replacement_orders_are_replacements() -> None:
    assert ACTIONS[("delete", "create")] == ACTIONS[("create", "delete")] == ACTIONS[("create", "forget")] == "replace"
    assert ACTIONS[("forget",)] == "forget" and ACTIONS[("read",)] == "read"


def test_replace_paths_and_unknowns() -> None:
    read = parse_plan(plan(change("a.b", ["delete", "create"], {"uid": "x", "n": [1, 2]},
                                  {"n": [1], "m": {"k": 1}},
                                  change={"replace_paths": [["uid"], ["n", 0]],
                                          "after_unknown": {"uid": True, "n": [False, True], "m": {"j": True},
                                                            "z": False, "w": {}}})), "p", "e")
    (one,) = read.changes
    assert one.replace_paths == (("uid",), ("n", 0))
    assert one.after["uid"] is UNKNOWN and "z" not in one.after and "w" not in one.after
    assert one.after["n"] == [1] and one.after["m"] == {"k": 1, "j": UNKNOWN}
    whole = parse_plan(plan(change("a.c", ["create"], None, None, change={"after_unknown": True})), "p", "e")
    assert whole.changes[0].after is UNKNOWN
    listed = parse_plan(plan(change("a.d", ["create"], None, [1, 2, 3], change={"after_unknown": [False, True]})),
                        "p", "e")
    assert listed.changes[0].after == [1, UNKNOWN, 3]
    scalar = parse_plan(plan(change("a.e", ["create"], None, "v", change={"after_unknown": ["x"]})), "p", "e")
    assert scalar.changes[0].after == "v"
    fresh = parse_plan(plan(change("a.f", ["create"], None, None, change={"after_unknown": {"id": True}})), "p", "e")
    assert fresh.changes[0].after == {"id": UNKNOWN}


def test_sensitive_values_are_masked_and_remembered() -> None:
    read = parse_plan(plan(change("a.b", ["update"], {"key": "old-secret-1"}, {"key": "new-secret-2"},
                                  change={"before_sensitive": {"key": True}, "after_sensitive": {"key": True}}),
                           variables={"t": {"value": "variable-secret"}},
                           configuration={"root_module": {"variables": {"t": {"sensitive": True}}}}), "p", "e")
    (one,) = read.changes
    assert one.before == {"key": Sensitive("old-secret-1")} and one.after == {"key": Sensitive("new-secret-2")}
    assert read.secrets == {"old-secret-1", "new-secret-2", "variable-secret"}
    assert "secret" not in repr(read)


@pytest.mark.parametrize("data, field, message", [
    ([], "", "not a Terraform plan: expected a JSON object, got a list"),
    ({}, "format_version", "missing: not a Terraform plan; expected the output of `terraform show -json <planfile>`"),
    ({"format_version": "2.0"}, "format_version",
     "unsupported plan format '2.0': this tool reads format 1.x (Terraform >= 1.0)"),
    ({"format_version": "10.1"}, "format_version",
     "unsupported plan format '10.1': this tool reads format 1.x (Terraform >= 1.0)"),
    ({"format_version": "1.0", "values": {}}, "resource_changes",
     "missing: a state file; expected the output of `terraform show -json <planfile>`"),
    ({"format_version": "1.0"}, "resource_changes",
     "missing: not a plan; expected the output of `terraform show -json <planfile>`"),
    (plan(change("a.b", ["create", "update"])), "resource_changes[0].change.actions",
     "unknown action ['create', 'update'] (a newer Terraform?); known: " + ", ".join("+".join(a) for a in ACTIONS)),
    (plan(change("a.b", ["create"], change={"replace_paths": [["a"], "b"]})),
     "resource_changes[0].change.replace_paths[1]", "expected a list of attribute names and indexes, got a string"),
    (plan(change("a.b", ["create"], change={"replace_paths": [[1.5]]})),
     "resource_changes[0].change.replace_paths[0]", "expected a list of attribute names and indexes, got a list"),
    (plan(change("a.b", ["create"], mode="import")), "resource_changes[0].mode",
     "expected 'managed' or 'data', got 'import'"),
])
def test_bad_plans_name_the_field_and_say_what_is_wrong(data: object, field: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_plan(data, "plan.json", "dev")
    (problem,) = caught.value.problems
    assert (problem.where, problem.field, problem.message) == ("plan.json", field, message)


def test_a_saved_binary_plan_is_recognised(tmp_path) -> None:
    from grafana_as_code.errors import Problem
    from grafana_as_code.yaml_io import display_path
    saved = tmp_path / "plan.tfplan"
    saved.write_bytes(b"PK\x03\x04rest of a zip")
    with pytest.raises(UserError) as caught:
        load_plan(saved, "dev")
    assert caught.value.problems == [Problem(display_path(saved), "", "this is a binary plan file: run "
                                                                      "`terraform show -json <planfile>` first")]
    text = tmp_path / "plan.json"
    text.write_text('{"format_version": "1.1", "resource_changes": []}')
    read = load_plan(text, "dev")
    assert read.changes == () and read.source == display_path(text) and read.env == "dev"
    absent = tmp_path / "absent.json"
    with pytest.raises(UserError) as caught:
        load_plan(absent, "dev")
    assert caught.value.problems == [Problem(display_path(absent), "", "no such file")]
