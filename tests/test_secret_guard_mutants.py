"""secret_guard in process, behaviour by behaviour (mutation testing: scripts/mutants.py, module secret_guard).

The CLI tests of test_secrets_exit.py run `synth` in a subprocess, which mutmut cannot see; these call the exit
(`scan_outdir`, `scan_report`), its JSON reading, its sieve and its memory of clean lines directly, on small
outputs written here. Every shaped value is generated at run time (none is written into the repository), each
shaped like the detector's own pattern and never a real credential.
"""
from __future__ import annotations

import importlib.metadata
import json
import math
import random
import sqlite3
import shutil
import string
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from secrets_fixture import (BEARER_JWT, FIXTURE, HIGH_ENTROPY_TOKEN, PAGERDUTY_KEY, PASSWORD, PLANTED, SLACK_TOKEN,
                             SLACK_WEBHOOK)
from test_secrets_door import PLANTS

from grafana_as_code.environment import load_environments
from grafana_as_code.errors import UserError
from grafana_as_code.secret_guard.door import (URL_FIX, Door, _endpoint, check_contact_point, check_datasource,
                                               check_definitions, check_environment)
from grafana_as_code.secret_guard.keys import is_url_key, url_credentials

from grafana_as_code.cache import CACHE_FILE, caching
from grafana_as_code.secret_guard import remembered, scanner, sieve
from grafana_as_code.secret_guard.json_strings import DistinctStrings, json_values
from grafana_as_code.secret_guard.outputs import FIX, report_line_key, scan_outdir, scan_report
from grafana_as_code.secret_guard.scanner import Finding, Value, detect, findings, scan

_random = random.Random(14)


def _chars(alphabet: str, count: int) -> str:
    return "".join(_random.choice(alphabet) for _ in range(count))


ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX_LOWER = "0123456789abcdef"

# (detector, the type it reports, key, text): one per condition of the detector's needs in sieve.NEEDS
EXAMPLES = [
    ("AWSKeyDetector", "AWS Access Key", "note", "AKIA" + _chars(string.ascii_uppercase + string.digits, 16)),
    ("AWSKeyDetector", "AWS Access Key", "note", "aws_token='" + "gh/jk+mn/pq+rs/tu+vw/xy+gh/jk+mn/pq+rs/t" + "'"),
    ("ArtifactoryDetector", "Artifactory Credentials", "note", "AKC" + _chars(ALNUM, 11)),
    ("ArtifactoryDetector", "Artifactory Credentials", "note", "AP6" + _chars(ALNUM, 8)),
    ("AzureStorageKeyDetector", "Azure Storage Account access key", "connection",
     "AccountName=x;AccountKey=" + _chars(ALNUM + "+/", 86) + "=="),
    ("BasicAuthDetector", "Basic Auth Credentials", "url", "https://admin:s3cretPW@prometheus.example.com"),
    ("CloudantDetector", "Cloudant Credentials", "note", "cloudant_token=" + _chars(HEX_LOWER, 64)),
    ("CloudantDetector", "Cloudant Credentials", "note", "cloudant_token=" + _chars(string.ascii_lowercase, 24)),
    ("DiscordBotTokenDetector", "Discord Bot Token", "note",
     "N" + _chars(ALNUM, 23) + "." + _chars(ALNUM, 6) + "." + _chars(ALNUM, 27)),
    ("GitHubTokenDetector", "GitHub Token", "note", "ghp_" + _chars(ALNUM, 36)),
    ("GitLabTokenDetector", "GitLab Token", "note", "glpat-" + _chars(ALNUM, 20)),
    ("HexHighEntropyString", "Hex High Entropy String", "note", "9f3a1c7e5"),  # 9 distinct hex digits
    ("IbmCloudIamDetector", "IBM Cloud IAM Key", "note", "iam_api_key: " + _chars(ALNUM + "_-", 44)),
    ("IbmCosHmacDetector", "IBM COS HMAC Credentials", "note", "cos_hmac_secret_access_key = " + _chars(HEX_LOWER, 48)),
    ("JwtTokenDetector", "JSON Web Token", "authorization", BEARER_JWT),
    ("KeywordDetector", "Secret Keyword", "api_key", PASSWORD),
    ("KeywordDetector", "Secret Keyword", "db_pass", PASSWORD),
    ("KeywordDetector", "Secret Keyword", "pwd", PASSWORD),
    ("KeywordDetector", "Secret Keyword", "secret", PASSWORD),
    ("KeywordDetector", "Secret Keyword", "contrasena", PASSWORD),
    ("MailchimpDetector", "Mailchimp Access Key", "note", _chars(LOWER_ALNUM, 32) + "-us6"),
    ("NpmDetector", "NPM tokens", "npmrc", "//registry.npmjs.org/:_authToken=npm_" + _chars(ALNUM, 36)),
    ("OpenAIDetector", "OpenAI Token", "note", "sk-" + _chars(ALNUM, 20) + "T3BlbkFJ" + _chars(ALNUM, 20)),
    ("PrivateKeyDetector", "Private Key", "note", "-----BEGIN RSA PRIVATE KEY-----"),
    ("PrivateKeyDetector", "Private Key", "note", "PuTTY-User-Key-File-2: ssh-rsa"),
    ("PypiTokenDetector", "PyPI Token", "note", "pypi-AgEIcHlwaS5vcmc" + _chars(ALNUM, 70)),
    ("SendGridDetector", "SendGrid API Key", "note", "SG." + _chars(ALNUM, 22) + "." + _chars(ALNUM, 43)),
    *[("SlackDetector", "Slack Token", "note", f"xox{kind}-123456789012-abcdef") for kind in "abposr"],
    ("SlackDetector", "Slack Token", "note", SLACK_WEBHOOK),
    ("SoftlayerDetector", "SoftLayer Credentials", "note", "softlayer_api_key = " + _chars(LOWER_ALNUM, 64)),
    ("SquareOAuthDetector", "Square OAuth Secret", "note", "sq0csp-" + _chars(ALNUM, 43)),
    ("StripeDetector", "Stripe Access Key", "note", "sk_live_" + _chars(ALNUM, 24)),
    ("TelegramBotTokenDetector", "Telegram Bot Token", "note", "123456789:" + _chars(ALNUM, 35)),
    ("TwilioKeyDetector", "Twilio API Key", "note", "SK" + _chars(LOWER_ALNUM, 32)),
    ("TwilioKeyDetector", "Twilio API Key", "note", "AC" + _chars(LOWER_ALNUM, 32)),
    ("Base64HighEntropyString", "Base64 High Entropy String", "note", "".join(_random.sample(ALNUM, 23))),
]

# Lines our stacks hold by the thousand: none may cost a detect-secrets call.
ORDINARY = [
    ("title", "Requests per second"), ("uid", "svc-07-03"), ("path", "staging-team-00/svc-00-46"),
    ("expr", 'sum(rate(http_requests_total{job="svc-07-03"}[5m]))'), ("type", "timeseries"), ("refId", "A"),
    ("runbook_url", "https://runbooks.example.com/team-24/8"), ("description", "Requests of the service."),
    ("expr", "sum by (operation) (rate(airtable_gateway_api_calls_total[5m]))"), ("datasource", "${var.ds}"),
]


def _line(key: str, text: str) -> str:
    return f"{json.dumps(key)}: {json.dumps(text)}"


# --- the sieve -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("detector", "kind", "key", "text"), EXAMPLES,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(EXAMPLES)])
def test_each_detector_is_let_through_by_its_own_needs(detector: str, kind: str, key: str, text: str) -> None:
    """The detector reports the value, and the needs written for that detector alone let a line of it through."""
    found = scan([Value("f.json", "x", key, text)])
    assert [f.where for f in found] == ["f.json"] and kind in found[0].detector.split(", "), found
    alone = sieve.Sieve({detector: sieve.NEEDS[detector]})
    assert any(alone.may_hold_secret(line) for line in scanner._lines(key, text))


def test_no_line_a_detector_fires_on_is_left_out() -> None:
    """Seeded variations of the shapes above (cut, cased, joined, padded, random runs of token characters): every
    line on which any configured detector fires, before any filter, passes the sieve."""
    from detect_secrets.settings import get_plugins, transient_settings

    rng = random.Random(7)
    texts = [example[3] for example in EXAMPLES] + [text for _, text in ORDINARY]

    def vary(text: str) -> str:
        text = text or rng.choice(texts)
        start = rng.randrange(len(text))
        return rng.choice([
            text[start:rng.randrange(start, len(text) + 1)], text.upper(), text.lower(),
            rng.choice(texts)[:rng.randrange(40)] + text, text[:start] + rng.choice(" .:-_/@'\"=") + text[start:],
            "".join(rng.choice(sieve.BASE64 + ".:@ '") for _ in range(rng.randrange(5, 90))),
            f"{text} {rng.choice(texts)}"])

    lines = {line for _ in range(1500) for line in scanner._lines(rng.choice(["note", "uid", "url", "api_key"]),
                                                                    vary(vary(rng.choice(texts))))}
    with transient_settings(scanner.SETTINGS):
        plugins = get_plugins()
        fired = [line for line in lines if any(p.analyze_line(filename=scanner.SCAN_FILENAME, line=line)
                                               for p in plugins)]
    assert len(fired) > 300  # the variations do reach the detectors
    assert [line for line in fired if not sieve.SIEVE.may_hold_secret(line)] == []


def test_every_configured_detector_has_its_needs_and_nothing_else() -> None:
    assert set(sieve.NEEDS) == set(scanner.PLUGINS)
    assert {e[0] for e in EXAMPLES} == set(scanner.PLUGINS)  # and an example of each


def test_the_entropy_bounds_are_the_detectors_own() -> None:
    """More than 2**limit distinct characters: the alphabets and limits of the installed plugins."""
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString

    for plugin in (Base64HighEntropyString(), HexHighEntropyString()):
        assert sieve.NEEDS[type(plugin).__name__].varied == (plugin.charset, math.floor(2 ** plugin.entropy_limit) + 1)
    # one distinct character fewer than the bound: the detector cannot fire, and the sieve does not let it through
    for detector, text in (("Base64HighEntropyString", "".join(random.Random(3).sample(ALNUM, 22)) * 2),
                           ("HexHighEntropyString", "9f3a1c7e" * 3)):
        alone = sieve.Sieve({detector: sieve.NEEDS[detector]})
        assert not alone.may_hold_secret(_line("note", text))
        assert scan([Value("f", "x", "note", text)]) == []


def test_every_keyword_of_the_keyword_detector_holds_one_of_its_words() -> None:
    from detect_secrets.plugins.keyword import DENYLIST

    words = sieve.NEEDS["KeywordDetector"].words
    for entry in DENYLIST:
        for spelled in {entry.replace("_?", "_"), entry.replace("_?", "")}:
            assert any(word in spelled.lower() for word in words) or not spelled.isascii(), entry


def test_the_sieve_leaves_out_what_our_stacks_hold() -> None:
    for key, text in ORDINARY:
        assert not sieve.SIEVE.may_hold_secret(_line(key, text)), (key, text)
    assert not sieve.Sieve({}).may_hold_secret(_line("note", SLACK_TOKEN))  # no detector, nothing can fire


def test_a_line_that_is_not_ascii_is_scanned_in_full() -> None:
    """The words are compared lower-cased, which is Python's case-insensitive matching for ASCII only."""
    assert sieve.SIEVE.may_hold_secret('"title": "Requêtes par seconde"')
    assert sieve.Sieve({}).may_hold_secret('"title": "Requêtes"')


def test_a_shape_needs_a_long_run_and_a_run_needs_its_shape() -> None:
    aws = sieve.Sieve({"AWSKeyDetector": sieve.NEEDS["AWSKeyDetector"]})
    assert aws.may_hold_secret(_line("note", "AKIA" + "Q7XK2M9PLW4RZT8N"))  # exactly 20: the shortest shape
    assert not aws.may_hold_secret(_line("note", "AKIA" + "Q7XK2M9PLW4RZT8"))
    assert not aws.may_hold_secret(_line("note", "a" * 19 + "_" + "b" * 19))  # long runs of other shapes


def test_the_sieve_was_read_from_the_installed_detect_secrets() -> None:
    assert sieve.installed_version() == importlib.metadata.version("detect-secrets") == sieve.SIEVED_FOR
    assert sieve.applies()


def _remembered_count(root: Path) -> int:
    path = root / CACHE_FILE
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM entries WHERE key LIKE 'secret-scan/%'").fetchone()[0]


def test_with_another_detect_secrets_every_line_is_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ordinary line is skipped (nothing scanned, nothing remembered) unless the sieve is for another version."""
    pairs = set(ORDINARY)
    with caching(tmp_path / "same"):
        assert detect(pairs) == {}
    assert _remembered_count(tmp_path / "same") == 0
    monkeypatch.setattr(sieve, "installed_version", lambda: "9.9.9")
    assert not sieve.applies()
    with caching(tmp_path / "other"):
        assert detect(pairs) == {}
    lines = {line for key, text in pairs for line in scanner._lines(key, text)}
    assert _remembered_count(tmp_path / "other") == len(lines)  # each scanned, clean, and remembered


# --- lines remembered clean ------------------------------------------------------------------------------------

VALUES = [Value("a.json", "token", "token", SLACK_TOKEN), Value("a.json", "note", "note", "set TF_VAR_grafana_auth"),
          Value("b.json", "client", "client", PAGERDUTY_KEY), Value("b.json", "desc", "description", "password reset"),
          Value("b.json", "uid", "uid", "3f786850e387550fdab836ed7e6dc881de23001b")]


def test_clean_lines_are_remembered_by_digest_and_findings_never(tmp_path: Path) -> None:
    with caching(tmp_path):
        first = scan(VALUES)
    assert [(f.where, f.field) for f in first] == [("a.json", "token"), ("b.json", "client")]
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        rows = db.execute("SELECT key, value FROM entries").fetchall()
    version = sieve.installed_version()
    # the lines detect-secrets looked at and found clean (the note's line no detector can fire on: not scanned)
    assert sorted(rows) == sorted((remembered._key(line, version), remembered.CLEAN) for line in (
        _line("description", "password reset"), _line("uid", "3f786850e387550fdab836ed7e6dc881de23001b")))
    assert all(key.startswith("secret-scan/") and len(key) == len("secret-scan/") + 64 for key, _ in rows)
    dump = "\n".join(f"{key} {value}" for key, value in rows)
    assert not [v.text for v in VALUES if v.text in dump]  # digests only
    with caching(tmp_path):
        assert scan(VALUES) == first  # warm: the same findings
    assert scan(VALUES) == first  # and without a cache


def test_a_remembered_line_is_trusted_for_its_version_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the cache says was scanned clean is not scanned again; under another detect-secrets it is a miss."""
    line = _line("recipient", SLACK_TOKEN)
    with caching(tmp_path) as cache:
        cache.put(remembered._key(line, sieve.installed_version()), remembered.CLEAN)
    with caching(tmp_path):
        assert detect({("recipient", SLACK_TOKEN)}) == {}
    monkeypatch.setattr(remembered, "installed_version", lambda: "9.9.9")
    with caching(tmp_path):
        assert detect({("recipient", SLACK_TOKEN)}) == {
            ("recipient", SLACK_TOKEN): {"Base64 High Entropy String", "Slack Token"}}


def test_a_value_is_remembered_by_its_line_not_its_place(tmp_path: Path) -> None:
    with caching(tmp_path):
        scan([Value("a", "x", "note", "password reset"), Value("b", "y", "note", "password reset")])
    assert _remembered_count(tmp_path) == 1
    with caching(tmp_path):
        assert remembered.clean([_line("note", "password reset"), _line("note", "other")]) == {
            _line("note", "password reset")}
    assert remembered.clean([_line("note", "password reset")]) == set()  # no cache: nothing known


# --- scan, detect, findings ------------------------------------------------------------------------------------

def test_findings_of_one_place_are_merged_and_sorted() -> None:
    values = [Value("b", "f", "note", SLACK_TOKEN), Value("a", "f", "note", "x"),
              Value("b", "f", "client", PAGERDUTY_KEY),
              Value("a", "e", "recipient", SLACK_TOKEN)]
    assert scan(values) == [Finding("a", "e", "Base64 High Entropy String, Slack Token"),
                            Finding("b", "f", "Base64 High Entropy String, Hex High Entropy String, Slack Token")]
    assert findings(values, {("client", PAGERDUTY_KEY): {"B"}, ("note", "x"): set()}) == [Finding("b", "f", "B")]
    assert Finding("a", "e", "Slack Token").message() == "looks like a secret (Slack Token)"


def test_detect_reports_each_pair_once_with_every_detector_of_its_lines() -> None:
    pairs = {("text", f"line one\n{SLACK_TOKEN}\nand Bearer {HIGH_ENTROPY_TOKEN} here"), ("title", "Requests")}
    assert detect(pairs) == {("text", f"line one\n{SLACK_TOKEN}\nand Bearer {HIGH_ENTROPY_TOKEN} here"): {
        "Slack Token", "Base64 High Entropy String"}}
    assert detect(set()) == {}


def test_lines_of_a_value() -> None:
    assert list(scanner._lines("k", "  one \n\n two  ")) == ['"k": "one"', '"k": "two"']
    assert list(scanner._lines("k", "")) == []
    assert list(scanner._lines("k", "uid: 3f786850e387550fdab836ed7e6dc881de23001b, short words")) == [
        '"k": "uid: 3f786850e387550fdab836ed7e6dc881de23001b, short words"',
        '"uid": "3f786850e387550fdab836ed7e6dc881de23001b"']
    # a long first word has no word before it: the value's key; exactly MIN_WORD characters is a word
    word = "a" * scanner.MIN_WORD
    assert list(scanner._lines("k", f"{word} b")) == [f'"k": "{word} b"', f'"k": "{word}"']
    assert list(scanner._lines("k", f"{word[1:]} b")) == [f'"k": "{word[1:]} b"']
    assert list(scanner._lines("k", f"x {word}")) == [f'"k": "x {word}"', f'"x": "{word}"']
    assert scanner._bare_key("config\\_json.uid:") == "uid" and scanner._bare_key("3x") == ""
    assert scanner._bare_key("password=") == "password" and scanner._bare_key("a-b.c_d") == "c_d"
    assert scanner._bare_key("MAX:") == "MAX" and scanner._bare_key("uid") == "uid"


# --- the strings of JSON documents -----------------------------------------------------------------------------

DASHBOARD = {"uid": "svc", "panels": [{"title": "Requests", "targets": [{"expr": "sum(up)"}]}],
             "links": ["https://a.example.com", ["nested"]]}
DOCUMENTS = [
    {"resource": {"grafana_dashboard": {"svc": {"config_json": json.dumps(DASHBOARD), "folder": "f1"}}}},
    {"a": ["x", {"b": "y"}, [["z"]]], "n": 1, "t": True, "nothing": None, "f": 1.5},
    ["loose", {"k": "v"}, json.dumps(["inner loose", {"k2": "v2"}])],
    "a string alone",
    json.dumps({"wrapped": json.dumps({"twice": "deep", "list": ["in list"]})}),
    {"not_json": "{job=\"api\"} |= \"error\"", "scalar": "123", "quoted": "\"x\"", "empty": "", "spaces": "  ",
     "padded": "  {\"p\": \"q\"}  ", "empty_object": "{}", "empty_list": "[]", "bad": "[1,"},
    {"same": json.dumps(["shared"]), "other": json.dumps(["shared"]), "inner": json.dumps({"k": json.dumps(["deep"])})},
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_distinct_strings_are_the_strings_json_values_places(document: object) -> None:
    assert DistinctStrings().of(document) == {(v.key, v.text) for v in json_values(document, "f")}


def test_distinct_strings_open_embedded_json_under_the_key_that_holds_it() -> None:
    strings = DistinctStrings()
    assert strings.of(DOCUMENTS[0]) == {("uid", "svc"), ("title", "Requests"), ("expr", "sum(up)"), ("folder", "f1"),
                                        ("links", "https://a.example.com"), ("links", "nested")}
    assert strings.of(DOCUMENTS[2]) == {("", "loose"), ("k", "v"), ("", "inner loose"), ("k2", "v2")}
    assert strings.of(DOCUMENTS[3]) == {("", "a string alone")}
    assert strings.of(DOCUMENTS[4]) == {("twice", "deep"), ("list", "in list")}
    assert strings.of(DOCUMENTS[5]) == {("not_json", "{job=\"api\"} |= \"error\""), ("scalar", "123"),
                                        ("quoted", "\"x\""), ("empty", ""), ("spaces", "  "), ("p", "q"),
                                        ("bad", "[1,")}
    # one embedded text, two keys: each key gets the strings it holds loose
    assert strings.of(DOCUMENTS[6]) == {("same", "shared"), ("other", "shared"), ("k", "deep")}
    assert strings.of({"again": json.dumps(DASHBOARD)}) == strings.of(DOCUMENTS[0]) - {("folder", "f1")}


def test_json_values_place_each_string() -> None:
    places = {(v.field, v.key, v.text) for v in json_values(DOCUMENTS[0], "stack.json")}
    assert places == {
        ("resource.grafana_dashboard.svc.config_json#/uid", "uid", "svc"),
        ("resource.grafana_dashboard.svc.config_json#/panels/0/title", "title", "Requests"),
        ("resource.grafana_dashboard.svc.config_json#/panels/0/targets/0/expr", "expr", "sum(up)"),
        ("resource.grafana_dashboard.svc.config_json#/links/0", "links", "https://a.example.com"),
        ("resource.grafana_dashboard.svc.config_json#/links/1/0", "links", "nested"),
        ("resource.grafana_dashboard.svc.folder", "folder", "f1")}
    assert {v.where for v in json_values(DOCUMENTS[0], "stack.json")} == {"stack.json"}
    assert [(v.field, v.key) for v in json_values(DOCUMENTS[1], "f")] == [
        ("a[0]", "a"), ("a[1].b", "b"), ("a[2][0][0]", "a")]  # in document order
    assert [(v.field, v.key) for v in json_values(DOCUMENTS[4], "f")] == [("#/wrapped#/twice", "twice"),
                                                                        ("#/wrapped#/list/0", "list")]
    assert [(v.field, v.text) for v in json_values(["a", json.dumps(["b"])], "f")] == [("[0]", "a"), ("[1]#/0", "b")]
    assert json_values("plain", "f") == [Value("f", "", "", "plain")]


# --- the exit: staged outputs and reports ----------------------------------------------------------------------

def _stack(dashboard_description: str, token: str = "${var.slack_bot_token}") -> dict:
    dashboard = dict(DASHBOARD, description=dashboard_description)
    return {"resource": {
        "grafana_dashboard": {"svc": {"config_json": json.dumps(dashboard), "uid": "svc"}},
        "grafana_contact_point": {"oncall": {"slack": [{"token": token, "recipient": "#ops"}]}}}}


def _stage(root: Path, stacks: dict[str, dict]) -> Path:
    for name, stack in stacks.items():
        path = root / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stack, indent=2))
    (root / "manifest.json").write_text(json.dumps({"stacks": {name: {"name": name} for name in stacks}}))
    return root


def test_a_clean_staged_output_passes(tmp_path: Path) -> None:
    staging = _stage(tmp_path / "staging", {"dev": _stack("Requests of the service."),
                                            "prod": _stack("Requests of the service.")})
    assert scan_outdir(staging, Path("cdktf.out")) == []


def test_every_place_of_a_secret_in_every_stack_is_named(tmp_path: Path) -> None:
    """The same dashboard in two stacks: both named; a token in one stack only: only there; a clean stack: nothing."""
    staging = _stage(tmp_path / "staging", {
        "dev": _stack(f"Escalate with {SLACK_TOKEN}"), "prod": _stack(f"Escalate with {SLACK_TOKEN}", SLACK_TOKEN),
        "staging": _stack("Requests of the service.")})
    problems = scan_outdir(staging, Path("out"))
    assert [(p.where, p.field) for p in problems] == [
        ("out/stacks/dev/cdk.tf.json", "resource.grafana_dashboard.svc.config_json#/description"),
        ("out/stacks/prod/cdk.tf.json", "resource.grafana_contact_point.oncall.slack[0].token"),
        ("out/stacks/prod/cdk.tf.json", "resource.grafana_dashboard.svc.config_json#/description")]
    assert problems[1].message == f"looks like a secret (Base64 High Entropy String, Slack Token): {FIX}"
    assert not [p for p in problems if SLACK_TOKEN in str(p)]


def test_a_staged_file_that_cannot_be_read_is_not_published_unchecked(tmp_path: Path) -> None:
    staging = _stage(tmp_path / "staging", {"dev": _stack(f"Escalate with {SLACK_TOKEN}")})
    (staging / "stacks" / "dev" / "broken.json").write_text("{not json")
    problems = scan_outdir(staging, Path("cdktf.out"))
    assert [(p.where, p.field) for p in problems] == [("cdktf.out/stacks/dev/broken.json", "")]
    assert problems[0].message.startswith("cannot scan for secrets: ")
    (staging / "stacks" / "dev" / "broken.json").write_bytes(b'{"x": "\xff"}')
    assert scan_outdir(staging, Path("cdktf.out"))[0].message.startswith("cannot scan for secrets: ")


def test_only_json_files_are_read_and_an_empty_output_is_clean(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(SLACK_TOKEN)
    assert scan_outdir(tmp_path, Path("cdktf.out")) == []


def test_a_report_is_scanned_line_by_line_with_the_attribute_as_key() -> None:
    text = ("# Plan\n\n- uid: `\"3f786850e387550fdab836ed7e6dc881de23001b\"` → `\"svc\"`\n"
            f"- token: `\"{SLACK_TOKEN}\"`\n- note: `\"3f786850e387550fdab836ed7e6dc881de23001b\"`\n")
    problems = scan_report(text, "report.md")
    assert [(p.where, p.field) for p in problems] == [("report.md", "line 4"), ("report.md", "line 5")]
    assert scan_report("", "r.md") == []
    assert report_line_key('because `config\\_json.uid` (`"abc"` → "d")') == "uid"
    assert report_line_key('- uid: `"x"`') == "uid" and report_line_key('"x"') == "" and report_line_key("") == ""


# --- the door: each form's whole message -----------------------------------------------------------------------

SET_IT = "and set TF_VAR_<name> (README: Secrets)"
IN_ENV = "secrets do not belong in an environment file: name it in datasources/{0}.yaml (secure_json_data: " \
         "{{<key>: {{secret: <name>}}}}) " + SET_IT
assert URL_FIX == ("keep the user in username (or basic_auth.username) and name the password: secure_json_data: "
                   "{password: {secret: <name>}} (or basic_auth: {password: {secret: <name>}}) " + SET_IT)
SENSITIVE = "is sensitive: name a secret ({secret: <variable name>}), never write the value"
DOOR_MESSAGES = {
    "header value in json_data": [
        "datasources/prometheus.yaml: json_data.httpHeaderValue1: a custom header's value is a secret written in "
        "clear: name it instead: http_headers: {X-Api-Key: {secret: <name>}} " + SET_IT],
    "plain Authorization header": [
        "datasources/prometheus.yaml: http_headers.Authorization.value: the Authorization header carries credentials: "
        "name it instead: http_headers: {Authorization: {secret: <name>}} " + SET_IT],
    "password in json_data": [
        "datasources/postgres.yaml: json_data.password: a secret written in clear (Grafana reads password only from "
        "secureJsonData): name it instead: secure_json_data: {password: {secret: <name>}} " + SET_IT],
    "plain value in secure_json_data": [
        "datasources/postgres.yaml: secure_json_data.password: a value written in the file: name it instead: "
        "secure_json_data: {password: {secret: <name>}} " + SET_IT],
    "plain basic auth password": [
        "datasources/prometheus.yaml: basic_auth.password: a password written in the file: name it instead: "
        "basic_auth: {password: {secret: <name>}} " + SET_IT],
    "API key under another key": [
        "datasources/prometheus.yaml: json_data.myApiKey: a secret written in clear (its name says it holds a "
        "secret): name it instead: secure_json_data: {myApiKey: {secret: <name>}} " + SET_IT],
    "high-entropy token under an innocent key": [
        "datasources/prometheus.yaml: json_data.customParam: looks like a secret (Base64 High Entropy String): name "
        "it instead: secure_json_data: {customParam: {secret: <name>}} " + SET_IT],
    "secret query parameter in a URL": [
        "datasources/prometheus.yaml: json_data.alertmanagerUrl: holds a secret query parameter (api_key=…): "
        "credentials never go in a URL; name it instead: secure_json_data: {alertmanagerUrl: {secret: <name>}} "
        + SET_IT],
    "user:password@ in an endpoint URL": [
        "environments/dev.yaml: datasources.prometheus.url: holds a user:password@ part: credentials never go in a "
        "URL; " + IN_ENV.format("prometheus"),
        "datasources/prometheus.yaml: url: holds a user:password@ part: credentials never go in a URL; " + URL_FIX],
    "user:password@ in a host:port URL": [
        "environments/dev.yaml: datasources.postgres.url: holds a user:password@ part: credentials never go in a URL; "
        + IN_ENV.format("postgres"),
        "datasources/postgres.yaml: url: holds a user:password@ part: credentials never go in a URL; " + URL_FIX],
    "password in an environment endpoint": [
        "environments/dev.yaml: datasources.postgres.password: a secret written in clear: "
        + IN_ENV.format("postgres")],
    "credentials in the Grafana URL": [
        "environments/dev.yaml: grafana.url: holds a user:password@ part: credentials never go in a URL; name the "
        "token instead: it is the secret grafana_auth (TF_VAR_grafana_auth)"],
    "Slack token in a sensitive field": ["alerts/contact-points/oncall.yaml: integrations[1].token: " + SENSITIVE],
    "Slack-token-shaped value under an innocent key": [
        "alerts/contact-points/oncall.yaml: integrations[1].username: looks like a secret (Base64 High Entropy "
        "String, Slack Token): name it instead: username: {secret: <name>} " + SET_IT],
    "Slack webhook URL in a plain field": [
        "alerts/contact-points/oncall.yaml: integrations[2].url: looks like a secret (Slack Token): name it instead: "
        "url: {secret: <name>} " + SET_IT],
    "PagerDuty key in a sensitive field": [
        "alerts/contact-points/oncall.yaml: integrations[0].integration_key: " + SENSITIVE],
    "PagerDuty-key-shaped value under an innocent key": [
        "alerts/contact-points/oncall.yaml: integrations[0].client: looks like a secret (Hex High Entropy String): "
        "name it instead: client: {secret: <name>} " + SET_IT],
}


@pytest.fixture
def definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The secrets fixture's definition files alone (the door reads nothing else): cheap to copy and to check."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)  # files are named relative to the working directory, as users run it
    yield root
    shutil.rmtree(root, ignore_errors=True)  # mutation testing runs these hundreds of times


def _door(root: Path) -> None:
    check_definitions(root / "datasources", root / "alerts" / "contact-points",
                      load_environments(root / "environments"))


def test_the_fixture_passes_the_door_in_process(definitions: Path) -> None:
    _door(definitions)  # named secrets, a plain tenant header, switches, templated recipients: nothing refused


@pytest.mark.parametrize("plant", PLANTS, ids=[p.name for p in PLANTS])
def test_each_form_is_refused_with_exactly_these_words(plant, definitions: Path) -> None:
    plant.apply(definitions)
    with pytest.raises(UserError) as raised:
        _door(definitions)
    assert [str(p) for p in raised.value.problems] == DOOR_MESSAGES[plant.name]
    assert set(DOOR_MESSAGES) == {p.name for p in PLANTS}
    assert not [value for value in PLANTED if value in str(raised.value)]


# --- the door, branch by branch --------------------------------------------------------------------------------

UID = "3f786850e387550fdab836ed7e6dc881de23001b"  # 40 hex characters: a secret under most keys, not under an id's
FOUND = "looks like a secret (Base64 High Entropy String, Slack Token)"


def _refusals(fill) -> list[str]:
    """The problems the door reports once ``fill(door)`` has handed it what it checks."""
    door = Door()
    fill(door)
    try:
        door.raise_if_any()
    except UserError as error:
        return [str(problem) for problem in error.problems]
    return []


def _secure(key: str) -> str:
    return f"name it instead: secure_json_data: {{{key}: {{secret: <name>}}}} {SET_IT}"


def _header(name: str) -> str:
    return f"name it instead: http_headers: {{{name}: {{secret: <name>}}}} {SET_IT}"


def test_a_hex_value_is_a_secret_under_most_keys_but_not_under_an_identifiers() -> None:
    """What the key-carrying tests below rely on: the key a value is scanned under changes the verdict."""
    assert scan([Value("f", "x", "uid", UID)]) == []
    assert scan([Value("f", "x", "note", UID)]) != [] and scan([Value("f", "x", None, UID)]) != []


def test_datasource_top_level_fields() -> None:
    document = {"password": "x", "uid": UID, "name": SLACK_TOKEN, "serverUrl": "reader:pw@db.svc:5432",
                "database": "a:b@c", "other": {"Authorization": "Bearer x"}, "enabled": True}
    assert _refusals(lambda door: check_datasource(door, document, "ds.yaml")) == [
        f"ds.yaml: password: a secret written in the file: {_secure('password')}",
        f"ds.yaml: serverUrl: holds a user:password@ part: credentials never go in a URL; {URL_FIX}",
        f"ds.yaml: name: {FOUND}: {_secure('name')}"]
    assert _refusals(lambda door: check_datasource(door, ["not", "a", "mapping"], "ds.yaml")) == []


def test_datasource_basic_auth() -> None:
    assert _refusals(lambda door: check_datasource(door, {"basic_auth": {"username": SLACK_TOKEN, "password": {
        "secret": "pw"}}}, "ds.yaml")) == [f"ds.yaml: basic_auth.username: {FOUND}: {URL_FIX}"]
    assert _refusals(lambda door: check_datasource(door, {"basic_auth": {"username": "reader"}}, "ds.yaml")) == []
    assert _refusals(lambda door: check_datasource(door, {"basic_auth": {"password": True}}, "ds.yaml")) == [
        "ds.yaml: basic_auth.password: a password written in the file: name it instead: basic_auth: {password: "
        "{secret: <name>}} " + SET_IT]


def test_datasource_secure_json_data_takes_names_only() -> None:
    named = {"secure_json_data": {"password": {"secret": "pw"}, "token": {"template": "t"}, "key": "plain"}}
    assert _refusals(lambda door: check_datasource(door, named, "ds.yaml")) == [
        f"ds.yaml: secure_json_data.key: a value written in the file: {_secure('key')}"]


def test_datasource_http_headers() -> None:
    headers = {"X-Named": {"secret": "a", "value": SLACK_TOKEN}, "Authorization": "Bearer x", "X-Tenant": SLACK_TOKEN,
               "X-Request-Id": UID, "Cookie": "", "X-Scope-OrgID": {"value": SLACK_TOKEN}, "Proxy-Authorization": {
                   "value": "Basic x"}, "X-Templated": {"template": "t"}}
    assert _refusals(lambda door: check_datasource(door, {"http_headers": headers}, "ds.yaml")) == [
        "ds.yaml: http_headers.Authorization: the Authorization header carries credentials: "
        + _header("Authorization"),
        "ds.yaml: http_headers.Proxy-Authorization.value: the Proxy-Authorization header carries credentials: "
        + _header("Proxy-Authorization"),
        # an id's name silences the entropy detectors, not a token's shape
        f"ds.yaml: http_headers.X-Scope-OrgID.value: looks like a secret (Slack Token): {_header('X-Scope-OrgID')}",
        f"ds.yaml: http_headers.X-Tenant: {FOUND}: {_header('X-Tenant')}"]


def test_json_data_everywhere_in_it() -> None:
    json_data = {"list": ["fine", SLACK_TOKEN], "ids": [UID], "nested": {"uid": UID, "tokenUrl": "u:pw@h:1"},
                 "httpHeaderName1": "X-Key", "httpHeaderValue1": ["abc"], "httpHeaderValue2": "abc",
                 "password": "  ", "apiKey": False, "count": 3}
    assert _refusals(lambda door: check_datasource(door, {"json_data": json_data}, "ds.yaml")) == [
        f"ds.yaml: json_data.nested.tokenUrl: holds a user:password@ part: credentials never go in a URL; "
        f"{_secure('tokenUrl')}",
        "ds.yaml: json_data.httpHeaderValue1[0]: a custom header's value is a secret written in clear: "
        + _header("X-Key"),
        "ds.yaml: json_data.httpHeaderValue2: a custom header's value is a secret written in clear: "
        + _header("<header name>"),
        f"ds.yaml: json_data.list[1]: {FOUND}: {_secure('list')}"]
    assert _refusals(lambda door: check_datasource(door, {"json_data": "a:b@c"}, "ds.yaml")) == []


def test_environment_endpoints() -> None:
    endpoint = {"hosts": ["ok.example.com", SLACK_TOKEN], "ids": [UID], "uid": UID, "password": "x",
                "url": ["reader:pw@db:5432"], "user": "a:b@c", "port": 5432}
    assert _refusals(lambda door: _endpoint(door, endpoint, "env.yaml", "datasources.pg", "", "FIX")) == [
        "env.yaml: datasources.pg.password: a secret written in clear: FIX",
        "env.yaml: datasources.pg.url[0]: holds a user:password@ part: credentials never go in a URL; FIX",
        f"env.yaml: datasources.pg.hosts[1]: {FOUND}: FIX"]


def test_environment_contacts_labels_and_state(definitions: Path) -> None:
    env = load_environments(definitions / "environments")[0]
    env = replace(env, grafana=replace(env.grafana, url="admin:pw@grafana.example.com"),
                  contacts=replace(env.contacts, slack_channel=SLACK_TOKEN, ops_email=("ops@example.com", SLACK_TOKEN)),
                  labels={"owner": SLACK_TOKEN, "trace_id": UID, "team": "ops:x@example"},
                  state=replace(env.state, settings={"bucket": SLACK_TOKEN, "kms_key_id": UID, "region": "a:b@c"}))
    where = env.file
    assert _refusals(lambda door: check_environment(door, env)) == [
        f"{where}: grafana.url: holds a user:password@ part: credentials never go in a URL; name the token instead: "
        "it is the secret grafana_auth (TF_VAR_grafana_auth)",
        f"{where}: contacts.ops_email[1]: {FOUND}: secrets do not belong in an environment file: name it in "
        f"alerts/contact-points/ ({{secret: <name>}}) {SET_IT}",
        f"{where}: contacts.slack_channel: {FOUND}: secrets do not belong in an environment file: name it in "
        f"alerts/contact-points/ ({{secret: <name>}}) {SET_IT}",
        f"{where}: labels.owner: {FOUND}: secrets do not belong in an environment file: labels are written into "
        "every alert rule",
        f"{where}: state.bucket: {FOUND}: secrets do not belong in an environment file: backend credentials come "
        "from the usual environment variables (AWS_*, GOOGLE_*, TF_TOKEN_*)"]


def test_contact_point_fields() -> None:
    document = {"integrations": [
        "not a mapping",
        {"type": "webhook", "headers": {"Authorization": "Bearer x", "X-Tenant": SLACK_TOKEN, "X-Request-Id": UID,
                                        "X-Empty": "", "X-Named": {"secret": "a"}}, "details": {"uid": UID}},
        {"type": "email", "addresses": ["ops@example.com", SLACK_TOKEN], "ids": [UID], "uid": UID},
        {"type": "not-a-type", "token": "x", "endpoint_url": "u:pw@h:5432", "note": "a:b@c", "ok": {"secret": "a"}}]}
    fix = "name it instead: {0}: {{secret: <name>}} " + SET_IT
    assert _refusals(lambda door: check_contact_point(door, document, "cp.yaml")) == [
        "cp.yaml: integrations[1].headers.Authorization: the Authorization header carries credentials: name it "
        "instead: authorization_credentials: {secret: <name>} (or the whole url as a secret) " + SET_IT,
        "cp.yaml: integrations[3].token: " + SENSITIVE,
        "cp.yaml: integrations[3].endpoint_url: holds a user:password@ part: credentials never go in a URL; "
        + fix.format("endpoint_url"),
        f"cp.yaml: integrations[1].headers.X-Tenant: {FOUND}: " + fix.format("headers"),
        f"cp.yaml: integrations[2].addresses[1]: {FOUND}: " + fix.format("addresses")]
    for not_one in (["a list"], {"integrations": "not a list"}, "text"):
        assert _refusals(lambda door: check_contact_point(door, not_one, "cp.yaml")) == []


def test_a_datasource_file_an_environment_does_not_use_is_not_rendered_for_it(definitions: Path) -> None:
    (definitions / "datasources" / "unused.yaml").write_text("type: loki\nurl: '{{ env.datasources.unused.url }}'\n")
    _door(definitions)
    (definitions / "datasources" / "unused.yaml").write_text("type: [\n")  # not rendered: not read either
    _door(definitions)


def test_files_that_do_not_render_are_named_with_every_other_problem(definitions: Path) -> None:
    (definitions / "datasources" / "prometheus.yaml").write_text("type: [\n")
    (definitions / "alerts" / "contact-points" / "oncall.yaml").write_text("integrations: [\n")
    with pytest.raises(UserError) as raised:
        _door(definitions)
    assert sorted({p.where for p in raised.value.problems}) == ["alerts/contact-points/oncall.yaml",
                                                                "datasources/prometheus.yaml"]


def test_keys_that_hold_urls() -> None:
    for key in ("url", "URL", "serverUrl", "endpoint_url", "tokenUri", "jwks_uri"):
        assert is_url_key(key), key
    for key in ("urls", "name", "uriel", "host"):
        assert not is_url_key(key), key


def test_credentials_in_urls_edge_cases() -> None:
    assert url_credentials("reader:pw@db.svc:5432") is None  # not a URL field: host:port strings are everywhere
    assert url_credentials("mailto:ops:x@example.com", url_field=True) is None
    assert url_credentials("see http://[oops and https://u:pw@h.example.com/x") == "a user:password@ part"
    for fine in ("https://u:${var.pw}@h.example.com", "https://u:$__pw@h.example.com", "https://h/?token=${var.t}",
                 "https://h/?token=$__t", "https://h/?token={{ .Token }}", "https://h/?token=&x=1"):
        assert url_credentials(fine) is None, fine
    assert url_credentials("https://h/?x=1&sig=abc") == "a secret query parameter (sig=…)"


def test_report_keys_and_words() -> None:
    assert report_line_key('- secure\\_json\\_data: `"x"`') == "secure_json_data"
    assert scan_report(f'- uid: `"svc-old"` → `"{UID}"`\n', "r.md") == []  # the uid attribute, not "→"
    assert scanner._bare_key("secure\\_json:") == "secure_json" and scanner._bare_key("resource.x.uid:") == "uid"


def test_the_indirect_reference_filter_drops_its_line_and_only_it() -> None:
    """detect-secrets' line filter: ``secret=os.getenv(API)`` names where a secret comes from, it is none."""
    lines = [_line("api_key", "secret=os.getenv(API)"), _line("recipient", SLACK_TOKEN)]
    assert scanner._detect(lines) == {1: {"Base64 High Entropy String", "Slack Token"}}
    assert scanner._detect([_line("api_key", "hunter2-Pw")]) == {0: {"Secret Keyword"}}


def test_a_data_source_defined_twice_is_reported_with_the_rest(definitions: Path) -> None:
    (definitions / "datasources" / "prometheus.yml").write_text("type: prometheus\n")
    edit_file = definitions / "alerts" / "contact-points" / "oncall.yaml"
    edit_file.write_text(edit_file.read_text().replace("token: {secret: slack_bot_token}", f"token: {SLACK_TOKEN}"))
    with pytest.raises(UserError) as raised:
        _door(definitions)
    assert [p.where for p in raised.value.problems] == ["datasources/prometheus.yml",
                                                        "alerts/contact-points/oncall.yaml"]


def test_each_configured_filter_takes_a_line_or_a_secret_with_its_line_and_plugin() -> None:
    """What scanner._detect hands the filters; a filter wanting more (a file name, the lines around) would need
    the loop to change, and scan_file's own file filters (filename alone) are not about our lines."""
    from detect_secrets.settings import get_filters, transient_settings

    with transient_settings(scanner.SETTINGS):
        filters = get_filters()
    for function in filters:
        takes = set(function.injectable_variables)
        assert takes in ({"filename"}, {"line"}) or "secret" in takes and takes <= {"secret", "line", "plugin"}, \
            function.__name__
    assert {f.__name__ for f in filters if set(f.injectable_variables) == {"line"}} == {"is_indirect_reference"}
