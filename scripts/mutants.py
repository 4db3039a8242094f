"""``make mutants``: mutation testing of the modules that decide what is deployed, and their kill rate.

mutmut (settings in setup.cfg, ``[mutmut]``) plants one small bug at a time in a copy of the code under ``mutants/``
and runs the tests that call the mutated function; a mutant the tests do not notice "survives". This script runs it
one module at a time (the machine is shared: ``--max-children``, default 2), then prints, per module, how many
mutants were killed and which survived, each with its one-line change.

A surviving mutant that cannot change what is deployed (an equivalent mutant) is explained in
scripts/mutants-equivalent.yaml with the line it changes; it leaves the count, and an explanation whose line no
longer matches (the code moved) is reported as stale, so the list cannot go silently wrong.

    python scripts/mutants.py                  run every module, then report
    python scripts/mutants.py translate plans  only these modules (names as in MODULES)
    python scripts/mutants.py --report         report on the last run without running anything

Exit status 1 when a module is below THRESHOLD (or was not run).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = REPO / "scripts" / "mutants-equivalent.yaml"
THRESHOLD = 90.0  # percent of the mutants that are not explained as equivalent (README: Mutation testing)

# name -> the source files of that module (setup.cfg's only_mutate must cover them all)
MODULES: dict[str, tuple[str, ...]] = {
    "translate": ("grafana_as_code/alerting/translate.py",),
    "rule_groups": ("grafana_as_code/alerting/rule_groups.py",),
    "policies": ("grafana_as_code/alerting/policies.py",),
    "contact_points": ("grafana_as_code/alerting/contact_points.py",),
    "notification_resources": ("grafana_as_code/components/notifications.py",),
    "plans": tuple(sorted(p.relative_to(REPO).as_posix() for p in (REPO / "grafana_as_code" / "plans").glob("*.py")
                          if p.name != "__init__.py")),
    "secrets": ("grafana_as_code/secrets.py", "grafana_as_code/components/secret_variables.py"),
}

KILLED = {"killed", "timeout", "caught by type check"}
# Their tests synthesize with the CDK engine in the test process: mutmut forks its workers from one process, and the
# engine's Node process (jsii) it started serves one caller at a time, so their mutants run one by one.
ONE_AT_A_TIME = {"notification_resources", "secrets"}


def mutant_glob(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".") + ".*"


def run(modules: list[str], max_children: int) -> None:
    # The dashboard query checks run Node from node_modules (too big to copy into mutants/): link it.
    link = REPO / "mutants" / "node_modules"
    link.parent.mkdir(exist_ok=True)
    if not link.is_symlink() and (REPO / "node_modules").exists():
        link.symlink_to(REPO / "node_modules")
    for name in modules:
        for path in MODULES[name]:
            print(f"== mutmut run {mutant_glob(path)}", flush=True)
            log = REPO / "mutants" / f"run-{name}.log"
            with log.open("a") as out:
                children = 1 if name in ONE_AT_A_TIME else max_children
                subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(children),
                                mutant_glob(path)], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, check=False)


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


def tally(paths: tuple[str, ...], equivalent: dict[str, dict[str, str]], stale: list[str]) -> Tally:
    from mutmut.stats import status_by_exit_code
    result = Tally()
    for path in paths:
        meta = REPO / "mutants" / (path + ".meta")
        if not meta.exists():
            result.unchecked += 1
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        for mutant, code in sorted(codes.items()):
            status = status_by_exit_code[code]
            result.total += 1
            if status in KILLED:
                result.killed += 1
                continue
            if status == "not checked":
                result.unchecked += 1
                continue
            line = changed_line(mutant, path)
            explained = equivalent.get(mutant)
            if explained and explained.get("mutation", "").strip() == line:
                result.equivalent += 1
                continue
            if explained:
                stale.append(f"{mutant}: explained for {explained.get('mutation')!r}, now changes {line!r}")
            result.survivors.append((mutant, status, line))
    return result


def report(modules: list[str]) -> bool:
    import os
    os.chdir(REPO)  # mutmut reads its files relative to the working directory
    equivalent = yaml.safe_load(EQUIVALENT_FILE.read_text()) or {}
    stale: list[str] = []
    ok = True
    rows = []
    for name in modules:
        t = tally(MODULES[name], equivalent, stale)
        rate = t.rate
        ok = ok and rate is not None and rate >= THRESHOLD
        rows.append((name, t))
    print(f"\n{'module':<24}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'survived':>9}  kill rate (held: {THRESHOLD:.0f}%)")
    for name, t in rows:
        rate = "not run" if t.rate is None else f"{t.rate:.1f}%"
        mark = "" if t.rate is not None and t.rate >= THRESHOLD else "  <- below"
        print(f"{name:<24}{t.total:>8}{t.killed:>8}{t.equivalent:>8}{len(t.survivors):>9}  {rate}{mark}")
    for name, t in rows:
        if t.survivors:
            print(f"\nSurvivors in {name} (kill with a test, or explain in {EQUIVALENT_FILE.relative_to(REPO)}):")
            for mutant, status, line in t.survivors:
                print(f"  {mutant} [{status}]: {line}")
    if stale:
        print("\nStale explanations (the mutant changes another line now; re-check them):")
        for line in stale:
            print(f"  {line}")
    print("\nSee one mutant's diff: .venv/bin/mutmut show <name>")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to run (default: all): {', '.join(MODULES)}")
    parser.add_argument("--report", action="store_true", help="only report on the last run")
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()
    modules = args.modules or list(MODULES)
    unknown = sorted(set(modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    if not args.report:
        run(modules, args.max_children)
    return 0 if report(modules) else 1


if __name__ == "__main__":
    sys.exit(main())
