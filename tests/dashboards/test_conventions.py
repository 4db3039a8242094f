"""The catalogs' naming conventions as an optional lint, switched on per folder: warnings, never errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.errors import UserError, collecting_warnings
from grafana_as_code.folders import load_folders

SPEC = "title: {title}\ntags: {tags}\ndatasource: prometheus\npanels:\n  - {{type: stat, title: Up, queries: [{{expr: up}}]}}\n"
LINT = 'conventions:\n  title: "[Area] - [Focus]"\n  tags: [service, type, audience]\n'


def warnings_of(dashboard_tree, title: str, tags: str) -> list[str]:
    dashboard_tree.write("d.yaml", SPEC.format(title=title, tags=tags))
    with collecting_warnings() as warnings:
        dashboard_tree.load()
    return [str(w) for w in warnings]


def switch_on(text: str = LINT) -> None:
    Path("dashboards/team/_folder.yaml").write_text("title: Team\n" + text)


def test_off_unless_the_folder_asks(dashboard_tree):
    assert warnings_of(dashboard_tree, "Whatever", "[]") == []


def test_a_dashboard_following_the_convention_raises_nothing(dashboard_tree):
    switch_on()
    assert warnings_of(dashboard_tree, "API Performance - Lead Service Latency",
                       '["service:lead", "type:performance", "audience:backend"]') == []


def test_breaches_are_warnings_naming_file_field_and_convention(dashboard_tree):
    switch_on()
    found = warnings_of(dashboard_tree, "Lead latency", '["service:lead", "audience:"]')
    assert found == [
        "dashboards/team/d.yaml: title: 'Lead latency' does not follow the folder's title convention "
        "'[Area] - [Focus]' (switched on in dashboards/team/_folder.yaml), e.g. 'API Performance - Lead Service "
        "Latency'",
        "dashboards/team/d.yaml: tags: lacks type:<value>, audience:<value> (the tag convention of "
        "dashboards/team/_folder.yaml, e.g. service:…, type:…, audience:…)",
    ]


def test_sub_folders_inherit_and_can_switch_it_off(tmp_path):
    root = tmp_path / "dashboards"
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "a" / "_folder.yaml").write_text("title: A\n" + LINT)
    (root / "a" / "b" / "_folder.yaml").write_text("title: B\n")
    (root / "a" / "b" / "c" / "_folder.yaml").write_text("title: C\nconventions: {}\n")
    folders = {f.path: f for f in load_folders(root)}
    assert folders["a/b"].conventions == folders["a"].conventions and folders["a/b"].conventions.active
    assert folders["a/b"].conventions_file.endswith("a/_folder.yaml")
    assert not folders["a/b/c"].conventions.active


@pytest.mark.parametrize("text, message", [
    ("conventions:\n  title: Area/Focus\n", "conventions.title: unknown title convention 'Area/Focus'; "
                                            "supported: '[Area] - [Focus]'"),
    ("conventions:\n  tags: ['service:']\n", "conventions.tags[0]: expected a tag prefix such as service, "
                                             "got 'service:'"),
    ("conventions:\n  titles: x\n", "conventions.titles: unknown field"),
])
def test_a_wrong_setting_is_an_error(dashboard_tree, text, message):
    switch_on(text)
    dashboard_tree.write("d.yaml", SPEC.format(title="T", tags="[]"))
    with pytest.raises(UserError) as raised:
        dashboard_tree.load()
    assert str(raised.value).startswith(f"dashboards/team/_folder.yaml: {message}")
