"""``make mutants``: mutation testing of the modules that decide what is deployed, and their kill rate.

mutmut (settings in setup.cfg, ``[mutmut]``) plants one small bug at a time in a copy of the code under ``mutants/``
and runs the tests that call the mutated function; a mutant the tests do not notice "survives". This script runs it
one module at a time (the machine is shared: ``--max-children``, default 2), then prints, per module, how many
mutants were killed and which survived, each with its one-line change.

A surviving mutant that cannot change what is deployed (an equivalent mutant) is explained in
scripts/mutants-equivalent.yaml with the line it changes; it leaves the count, and an explanation whose line no
longer matches (the code moved), whose mutant is gone, or that a test now kills is reported as stale, so the list
cannot go silently wrong.

    python scripts/mutants.py                  run every module, then report
    python scripts/mutants.py translate plans  only these modules (names as in MODULES)
    python scripts/mutants.py --survivors      run only the last survivors, and files changed since (after adding tests)
    python scripts/mutants.py --report         report on the last run without running anything

Exit status 1 when a module is below THRESHOLD (or was not run).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = REPO / "scripts" / "mutants-equivalent.yaml"
THRESHOLD = 90.0  # percent of the mutants that are not explained as equivalent (README: Mutation testing)

@dataclass(frozen=True)
class Module:
    sources: tuple[str, ...]  # the files mutated (setup.cfg's only_mutate must cover them)
    tests: tuple[str, ...]  # pytest arguments: the fast in-process tests that call them
    one_at_a_time: bool = False  # its tests run the CDK engine in the test process (see run())


def _package(name: str) -> tuple[str, ...]:
    return tuple(sorted(p.relative_to(REPO).as_posix() for p in (REPO / "grafana_as_code" / name).glob("*.py")
                        if p.name != "__init__.py"))


# Tests that run the CLI in a subprocess (tests/project_copy.py run_cli) cannot see the mutants and cannot even run
# in mutants/, so each module names the in-process tests that exercise it, and deselects the CLI ones among them.
_NOTIFICATION_TESTS = ("tests/alerts/test_notifications.py",
                       *(f"--deselect=tests/alerts/test_notifications.py::{name}" for name in (
                           "test_bad_input_writes_nothing", "test_one_policy_per_stack_referencing_resources",
                           "test_contact_points_per_environment",
                           "test_notification_secrets_are_sensitive_variables_per_environment",
                           "test_innermost_level_gets_group_by")))
_INTEGRATION_TESTS = ("tests/alerts/test_integrations.py",
                      *(f"--deselect=tests/alerts/test_integrations.py::{name}" for name in (
                          "test_a_teams_own_contacts_synthesize_as_the_providers_blocks",
                          "test_check_secrets_names_the_secrets_of_nested_blocks",
                          "test_a_secret_written_in_a_nested_block_stops_synthesis_at_the_door",
                          "test_routing_tests_see_the_new_kinds")))
MODULES: dict[str, Module] = {
    "translate": Module(("grafana_as_code/alerting/translate.py",), (
        "tests/alerts/test_translation.py", "tests/alerts/test_translation_mutants.py")),
    # the fixture tests only: the repository-wide ones load every catalog, seconds a run, for each mutant
    "rule_groups": Module(("grafana_as_code/alerting/rule_groups.py",), ("tests/alerts/test_rule_groups_mutants.py",)),
    "policies": Module(("grafana_as_code/alerting/policies.py",), (
        "tests/alerts/test_policy_tree_mutants.py", "tests/alerts/test_policy_matchers.py",
        "--deselect=tests/alerts/test_policy_matchers.py::test_amtool_routes_negative_matchers_as_written",
        "tests/alerts/test_active_timings.py",
        "--deselect=tests/alerts/test_active_timings.py::test_a_route_notifies_only_inside_its_active_timings",
        *_NOTIFICATION_TESTS)),
    "contact_points": Module(("grafana_as_code/alerting/contact_points.py",), (
        "tests/alerts/test_contact_points_mutants.py", *_NOTIFICATION_TESTS, *_INTEGRATION_TESTS)),
    "notification_resources": Module(("grafana_as_code/components/notifications.py",), (
        "tests/alerts/test_notification_resources_mutants.py",), one_at_a_time=True),
    "plans": Module(_package("plans"), (
        "tests/plans/test_drift_report.py", "tests/plans/test_model.py", "tests/plans/test_plan_report.py",
        "tests/plans/test_report_mutants.py", "tests/plans/test_dashboard_diff_mutants.py",
        "tests/plans/test_noise_and_resources_mutants.py", "tests/plans/test_reports_mutants.py",
        "tests/plans/test_imports_and_permanent_diffs_mutants.py")),
    "secrets": Module(("grafana_as_code/secrets.py", "grafana_as_code/components/secret_variables.py"), (
        "tests/test_secrets_mutants.py", "tests/test_definitions.py"), one_at_a_time=True),
    # the door (definition files) and the exit (staged output and reports) that keep secret values out
    # filters.py is left out (setup.cfg do_not_mutate): detect-secrets calls a filter with the arguments its
    # signature names, and a mutated function's signature is mutmut's (*args, **kwargs)
    "secret_guard": Module(tuple(p for p in _package("secret_guard") if not p.endswith("/filters.py")), (
        "tests/test_secrets_door.py", "tests/test_secrets_exit.py", "tests/test_secret_guard_mutants.py",
        "--deselect=tests/test_secrets_door.py::test_every_form_at_once_through_synth_and_nothing_is_written",
        # loading a whole copied project per form: test_secret_guard_mutants.py checks each form at the door itself
        "--deselect=tests/test_secrets_door.py::test_each_form_is_refused_with_file_field_and_fix",
        "--deselect=tests/test_secrets_door.py::test_the_fixture_passes_the_door",
        *(f"--deselect=tests/test_secrets_exit.py::{name}" for name in (
            "test_scan_of_a_staged_output_with_the_door_bypassed",
            "test_synth_refuses_a_secret_where_the_door_does_not_look_and_publishes_nothing",
            "test_a_report_holding_a_secret_is_not_written",
            "test_the_cdktn_path_scans_what_it_wrote_and_removes_a_stack_holding_a_secret")))),
}

KILLED = {"killed", "timeout", "caught by type check"}
RESULTS = REPO / "mutants" / "results"  # one file per module: its verdicts, kept across the other modules' runs

# Runs mutmut with this module's test selection (mutmut reads one from setup.cfg; changing it resets every cached
# verdict, hence the per-module result files).
_RUN_MUTMUT = """
import sys
from mutmut.configuration import config
config().pytest_add_cli_args_test_selection = sys.argv[1].split("\\n")
sys.argv = ["mutmut", "run", *sys.argv[2:]]
from mutmut.__main__ import cli
cli()
"""


def mutant_glob(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".") + ".*"


def source_digest(path: str) -> str:
    return hashlib.sha256((REPO / path).read_bytes()).hexdigest()


def rerun_targets(name: str) -> list[str] | None:
    """What to run again after adding tests: the survivors of the module's last run, and every mutant of a file
    whose source changed since; None when the module never ran (run it all)."""
    saved = RESULTS / f"{name}.json"
    if not saved.exists():
        return None
    results = json.loads(saved.read_text())
    targets: list[str] = []
    for path in MODULES[name].sources:
        entry = results.get(path)
        if entry is None or entry["source"] != source_digest(path):
            targets.append(mutant_glob(path))
        else:
            targets += [mutant for mutant, verdict in entry["mutants"].items() if verdict["status"] not in KILLED]
    return targets


def run(name: str, max_children: int, only: list[str] | None = None) -> None:
    """Run the module's mutants (or ``only`` these names, keeping the other verdicts of its last run)."""
    module = MODULES[name]
    # The dashboard query checks run Node from node_modules (too big to copy into mutants/): link it.
    link = REPO / "mutants" / "node_modules"
    link.parent.mkdir(exist_ok=True)
    if not link.is_symlink() and (REPO / "node_modules").exists():
        link.symlink_to(REPO / "node_modules")
    # mutmut forks its workers from one process; the CDK engine's Node process (jsii) that process started serves
    # one caller at a time, so modules whose tests synthesize run their mutants one by one.
    children = 1 if module.one_at_a_time else max_children
    targets = only if only is not None else [mutant_glob(p) for p in module.sources]
    print(f"== {name}: mutmut run {' '.join(targets) if len(targets) < 4 else f'{len(targets)} mutants'}", flush=True)
    if not targets:
        return
    digests = {path: source_digest(path) for path in module.sources}  # the sources as mutmut copies them now
    with (REPO / "mutants" / f"run-{name}.log").open("w") as out:
        subprocess.run([sys.executable, "-c", _RUN_MUTMUT, "\n".join(module.tests), "--max-children", str(children),
                        *targets], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, check=False)
    save_results(name, digests, only)


def save_results(name: str, digests: dict[str, str], only: list[str] | None = None) -> None:
    """This module's verdicts from mutmut's files, with each survivor's changed line, and the sources they are for."""
    from mutmut.stats import status_by_exit_code
    saved = RESULTS / f"{name}.json"
    earlier = json.loads(saved.read_text()) if only is not None else {}
    results = {}
    for path in MODULES[name].sources:
        meta = REPO / "mutants" / (path + ".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        whole = only is None or mutant_glob(path) in only  # the whole file ran, or only some of its mutants
        verdicts = {} if whole else dict(earlier[path]["mutants"])
        for mutant, code in sorted(codes.items()):
            if not whole and mutant not in only:
                continue
            status = status_by_exit_code[code]
            verdicts[mutant] = {"status": status,
                                "line": "" if status in KILLED or code is None else changed_line(mutant, path)}
        results[path] = {"source": digests[path], "mutants": verdicts}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


@dataclass
class Tally:
    total: int = 0
    killed: int = 0
    equivalent: int = 0
    survivors: list[tuple[str, str, str]] = field(default_factory=list)  # name, status, changed line
    unchecked: int = 0

    @property
    def rate(self) -> float | None:
        counted = self.total - self.equivalent
        return None if counted <= 0 or self.unchecked else 100.0 * self.killed / counted


def changed_line(mutant: str, path: str) -> str:
    """The mutant's changed line (the first ``+`` line of its diff), to show it and to match explanations."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    diff = get_diff_for_mutant(mutant, path=path)
    plus = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    minus = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    return plus[0] if plus else f"(deleted) {minus[0] if minus else ''}"


def tally(name: str, equivalent: dict[str, dict[str, str]], stale: list[str]) -> Tally:
    result = Tally()
    saved = RESULTS / f"{name}.json"
    results = json.loads(saved.read_text()) if saved.exists() else {}
    for path in MODULES[name].sources:
        entry = results.get(path)
        if entry is None or entry["source"] != source_digest(path):
            result.unchecked += 1  # never run, or the source changed since: run the module again
            continue
        for mutant, verdict in entry["mutants"].items():
            result.total += 1
            status, line = verdict["status"], verdict["line"]
            if status in KILLED:
                result.killed += 1
                continue
            if status == "not checked":
                result.unchecked += 1
                continue
            explained = equivalent.get(mutant)
            if explained and explained.get("mutation", "").strip() == line:
                result.equivalent += 1
                continue
            if explained:
                stale.append(f"{mutant}: explained for {explained.get('mutation')!r}, now changes {line!r}")
            result.survivors.append((mutant, status, line))
        # An explanation of a mutant this file no longer has (the code changed), or that a test now kills (so it
        # was not equivalent, or is not needed any more), would otherwise sit in the list unnoticed.
        prefix = mutant_glob(path).removesuffix("*")
        for mutant in sorted(m for m in equivalent if m.startswith(prefix)):
            verdict = entry["mutants"].get(mutant)
            if verdict is None:
                stale.append(f"{mutant}: explained, but {path} has no such mutant any more; drop the explanation")
            elif verdict["status"] in KILLED:
                stale.append(f"{mutant}: explained, but a test kills it ({verdict['status']}); drop the explanation")
    return result


def report(modules: list[str]) -> bool:
    equivalent = yaml.safe_load(EQUIVALENT_FILE.read_text()) or {}
    stale: list[str] = []
    ok = True
    rows = []
    for name in modules:
        t = tally(name, equivalent, stale)
        ok = ok and t.rate is not None and t.rate >= THRESHOLD
        rows.append((name, t))
    print(f"\n{'module':<24}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'survived':>9}  kill rate (held: {THRESHOLD:.0f}%)")
    for name, t in rows:
        rate = "not run (or source changed since)" if t.rate is None else f"{t.rate:.1f}%"
        mark = "" if t.rate is not None and t.rate >= THRESHOLD else "  <- below"
        print(f"{name:<24}{t.total:>8}{t.killed:>8}{t.equivalent:>8}{len(t.survivors):>9}  {rate}{mark}")
    for name, t in rows:
        if t.survivors:
            print(f"\nSurvivors in {name} (kill with a test, or explain in {EQUIVALENT_FILE.relative_to(REPO)}):")
            for mutant, status, line in t.survivors:
                print(f"  {mutant} [{status}]: {line}")
    if stale:
        print("\nStale explanations (the mutant changes another line now, is gone, or is killed; re-check them):")
        for line in stale:
            print(f"  {line}")
    print("\nOne mutant's diff: .venv/bin/mutmut show <name> (after a run of its module)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to run (default: all): {', '.join(MODULES)}")
    parser.add_argument("--report", action="store_true", help="only report on the last runs")
    parser.add_argument("--survivors", action="store_true",
                        help="run only the survivors of each module's last run (after adding tests)")
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()
    modules = args.modules or list(MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    os.chdir(REPO)  # mutmut works in, and reads its files relative to, the repository root
    if not args.report:
        for name in modules:
            run(name, args.max_children, rerun_targets(name) if args.survivors else None)
    return 0 if report(args.modules or list(MODULES)) else 1


if __name__ == "__main__":
    sys.exit(main())
