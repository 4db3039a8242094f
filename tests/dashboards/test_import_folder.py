"""`import-dashboard --folder`: the folder as dashboards/README.md shows it (`dashboards/payments`) or without the
leading `dashboards/` (`payments`) names the same directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.dashboards.importer import folder_directory

from project_copy import copy_fixture_project, run_cli


@pytest.mark.parametrize(("given", "directory"), [
    ("payments", "dashboards/payments"),
    ("dashboards/payments", "dashboards/payments"),
    ("./dashboards/payments/", "dashboards/payments"),
    ("intelliflow/application", "dashboards/intelliflow/application"),
    ("dashboards/intelliflow/application", "dashboards/intelliflow/application"),
    ("dashboards/dashboards", "dashboards/dashboards"),  # a folder that is itself called "dashboards"
])
def test_folder_with_or_without_the_leading_dashboards(given: str, directory: str) -> None:
    assert folder_directory(given) == Path(directory)


@pytest.fixture
def copy_with_folder(tmp_path: Path) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    folder = root / "dashboards" / "zz-imported"
    folder.mkdir()
    (folder / "_folder.yaml").write_text("title: Imported\n")
    return root


@pytest.mark.parametrize("given", ["dashboards/zz-imported", "zz-imported"])
def test_the_readme_command_imports_into_the_folder(copy_with_folder: Path, fixtures: Path, given: str) -> None:
    root = copy_with_folder
    result = run_cli(root, "import-dashboard", str(fixtures / "exported-payments.json"), "--folder", given)
    assert result.returncode == 0, result.stderr
    written = sorted((root / "dashboards" / "zz-imported").glob("*.json"))
    assert [p.name for p in written] == ["payments-overview.json"]
    assert result.stdout.strip() == "Wrote dashboards/zz-imported/payments-overview.json; review it, then `make synth`."
    assert not (root / "dashboards" / "dashboards").exists()


def test_a_missing_folder_is_still_an_error(copy_with_folder: Path, fixtures: Path) -> None:
    result = run_cli(copy_with_folder, "import-dashboard", str(fixtures / "exported-payments.json"),
                     "--folder", "dashboards/no-such-folder")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: dashboards/no-such-folder: folder directory "
                                                             "does not exist")
