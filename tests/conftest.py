"""Fixtures for the top-level tests (helpers live in project_copy.py so that other folders can import them)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from grafana_as_code.errors import UserError
from grafana_as_code.project import Catalog, load_project
from session_setup import temporary_files_in_memory
from project_copy import SECRET_VALUES, content_root, copy_fixture_project, copy_project, run_cli, schema_path


temporary_files_in_memory()

# One process per synthesis (parallel.py): pytest-xdist already keeps every core busy with a test, and a forked
# worker per environment would only add the cost of forking and of sending catalogs back (a content synth takes 1.7 s
# of CPU that way, 1.0 s in one process). tests/test_parallel.py sets GAC_JOBS itself to test the workers. Set here,
# before any test runs, it reaches the CLI processes the tests start too (run_cli passes the environment on).
os.environ.setdefault("GAC_JOBS", "1")

# Session fixtures that synthesize (seconds each).
SHARED_SYNTHESES = ("content_synth", "fixture_synth")
WORKS_IN_A_DIRECTORY = {"tmp_path", "tmpdir"}  # a directory of the test's own (also through another fixture)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which turns the marks into scheduling groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`: -n auto --dist loadgroup) a fixture is built in every worker that runs a test
    using it. So every test using a shared synthesis runs in one worker, and so do the tests of a module that share
    a module-scoped fixture (most of them synthesize or copy a project); the other tests are spread one by one."""
    grouped = set()
    for item in items:
        group = next((name for name in SHARED_SYNTHESES if name in item.fixturenames), None)  # also when indirect
        if group is None and _uses_a_module_fixture(item):
            group = item.nodeid.split("::")[0]
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            grouped.add(item)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker (every worker sorts alike: one collection order)
        # A worker is handed more tests as it runs out, so the last tests handed out decide when the run ends. The
        # groups go first (xdist orders them by size); of the other tests, those working in a directory of their own
        # (copying a project, most of them to synthesize it: seconds) are handed out before the in-process checks
        # (milliseconds), so that the run ends on short tests in both workers.
        items.sort(key=lambda item: item not in grouped and not WORKS_IN_A_DIRECTORY.intersection(item.fixturenames))


def _uses_a_module_fixture(item: pytest.Item) -> bool:
    definitions = getattr(item, "_fixtureinfo", None)
    return definitions is not None and any(
        defs[-1].scope in ("module", "class", "package") for defs in definitions.name2fixturedefs.values() if defs)


@pytest.fixture(scope="session")
def provider_schema() -> Path:
    path = schema_path()
    assert path.is_file(), f"provider schema not found at {path}; set GRAFANA_PROVIDER_SCHEMA"
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the machinery tests' own small project (tests/fixtures/project-minimal), to break."""
    return copy_fixture_project(tmp_path / "project")


@pytest.fixture(scope="session")
def content_loads() -> dict[str, Catalog | str]:
    """The content (the repository, or CONTENT_ROOT) loaded environment by environment: a Catalog, or the text of
    every problem that stopped it, so one broken environment fails its own checks with the message, not a crash."""
    root = content_root()
    loaded: dict[str, Catalog | str] = {}
    for path in sorted((root / "environments").glob("*.yaml")):
        try:
            loaded[path.stem] = load_project(root, [path.stem]).catalogs[0]
        except UserError as error:
            loaded[path.stem] = str(error)
    return loaded


@pytest.fixture(scope="session")
def content_catalogs(content_loads: dict[str, Catalog | str]) -> dict[str, Catalog]:
    """Every environment's Catalog; fails (with every problem's message) when one does not load."""
    broken = {env: text for env, text in content_loads.items() if isinstance(text, str)}
    if broken:
        pytest.fail("\n".join(f"environment {env}:\n{text}" for env, text in broken.items()), pytrace=False)
    return dict(content_loads)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def content_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``synth`` of a copy of the content, with every secret set in its environment; returns its cdktf.out."""
    root = copy_project(tmp_path_factory.mktemp("content") / "project", definitions=content_root())
    result = run_cli(root, "synth", env={**SECRET_VALUES, "PYTHONHASHSEED": "0"})
    if result.returncode != 0:
        pytest.fail(f"synth of the content failed:\n{result.stderr}", pytrace=False)
    return root / "cdktf.out"


@pytest.fixture(scope="session")
def fixture_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``synth`` of a copy of the fixture project (PYTHONHASHSEED 0, every secret set); returns its cdktf.out."""
    root = copy_fixture_project(tmp_path_factory.mktemp("fixture-synth") / "project")
    result = run_cli(root, "synth", env={**SECRET_VALUES, "PYTHONHASHSEED": "0"})
    assert result.returncode == 0, result.stderr
    return root / "cdktf.out"
