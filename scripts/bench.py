#!/usr/bin/env python3
"""`make bench`: how long synthesis takes, and where the time goes.

Each measurement runs in a fresh process, as `cdktn synth` would:
  empty    an app with one empty stack (Python start, engine import, Node start, synth): the fixed cost
  catalog  the repository's catalog, every environment
  dev      the catalog, dev only
  large    dev plus a generated folder of 1,000 dashboards (the marginal cost per resource)
The empty app and the catalog are run in turn, RATIO_RUNS times each, so that their ratio does not measure how the
shared machine's speed drifted between them (dev and large likewise, for their difference); the first run of each copy has nothing cached, and is shown too.
First, plan-report on a generated 1,000-resource plan (budget 0.5 s; prints seconds and the ratio to it), the
dashboard query validator on 1,000 distinct queries (budget 0.5 s; the batch the test suite checks for validity),
import+validate of 50 exported dashboards of real-world shapes in one process (budget 5 s) and query parsing per
language (PromQL in process, LogQL and TraceQL in one Node process per batch).
Then the generated organisation at ten times the catalog (ORG10X: 40 teams owning a folder each, 2,000 dashboards,
500 alert rules, the three environments with `state.split: teams`): `python -m grafana_as_code synth` from scratch
(org10x_s, with the dashboard cache emptied first; and once more with the cache warm), and `affected` for a
one-dashboard change: the resources of the stacks a pull request would plan (affected_resources) against those of
every stack (total_resources); and the exit's secret scan of that output alone (process time, without and with the
project cache).
The last line is machine-readable:
  synth_s=… empty_s=… ratio=… per_resource_ms=… resources=… org10x_s=… org10x_warm_s=… affected_resources=…
  total_resources=…
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]
from project_copy import copy_project  # noqa: E402  (the same project copy the tests use)

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
RATIO_RUNS = max(RUNS, 7)  # the empty app and the catalog, taken in turn

CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
from grafana_as_code.cdk import App, TerraformStack
import grafana_as_code.bindings.runtime as runtime
t_import = time.perf_counter()
mode = sys.argv[1]
phases = {"import": t_import - t0}
if mode == "empty":
    app = App(outdir=os.environ["CDKTF_OUTDIR"])
    TerraformStack(app, "empty")
    t_build = time.perf_counter()
    phases["load"] = 0.0
else:
    from pathlib import Path
    from grafana_as_code.project import load_project
    import main
    project = load_project(Path.cwd())
    t_load = time.perf_counter()
    phases["load"] = t_load - t_import
    app = App(outdir=os.environ["CDKTF_OUTDIR"])
    main.build(app, project)
    t_build = time.perf_counter()
    phases["construct"] = t_build - t_load
from grafana_as_code.bindings.runtime import synthesize
synthesize(app)  # the engine's synth, then the Grafana resources written into each stack
t_synth = time.perf_counter()
phases["engine_synth"] = t_synth - t_build
resources = 0
for path in Path(os.environ["CDKTF_OUTDIR"], "stacks").glob("*/cdk.tf.json") if mode != "empty" else []:
    stack = json.loads(path.read_text())
    resources += sum(len(v) for v in stack.get("resource", {}).values())
phases["resources"] = resources
print("BENCH " + json.dumps(phases))
"""


def run_once(root: Path, mode: str) -> dict:
    """One fresh process: its wall time and the phases it reports."""
    outdir = root / "bench.out"
    shutil.rmtree(outdir, ignore_errors=True)
    env = dict(os.environ, CDKTF_OUTDIR=str(outdir))
    start = __import__("time").perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, mode], cwd=root, env=env, capture_output=True, text=True)
    wall = __import__("time").perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench: {mode} failed:\n{done.stderr}")
    line = next(l for l in done.stdout.splitlines() if l.startswith("BENCH "))
    return dict(json.loads(line[6:]), wall=wall)


def median_of(root: Path, mode: str, results: list[dict]) -> dict:
    """The median run, with the first one's wall time (a fresh copy: nothing cached yet, neither the project
    snapshot nor the dashboards) and the schema validation of its output."""
    first = results[0]["wall"]
    median = sorted(results, key=lambda r: r["wall"])[len(results) // 2]
    median["first"] = first
    median["validate"] = validate_time(root) if mode != "empty" else 0.0
    return median


def measure_alternately(root: Path, modes: tuple[str, ...], runs: int) -> list[dict]:
    """The median run of each mode, their runs taken in turn (a, b, a, b …): a shared machine's speed drifts, and
    a ratio of two medians taken minutes apart would measure the drift too."""
    return measure_alternately_in(tuple((root, mode) for mode in modes), runs)


def measure_alternately_in(cases: tuple[tuple[Path, str], ...], runs: int) -> list[dict]:
    """``measure_alternately`` for (project copy, mode) pairs."""
    results: list[list[dict]] = [[] for _ in cases]
    for _ in range(runs):
        for (root, mode), runs_of in zip(cases, results):
            runs_of.append(run_once(root, mode))
    return [median_of(root, mode, runs_of) for (root, mode), runs_of in zip(cases, results)]


def validate_time(root: Path) -> float:
    from grafana_as_code.validate.run import resolve_schema_path, validate_outdir
    import time

    schema = resolve_schema_path(None, root=REPO)  # $GRAFANA_PROVIDER_SCHEMA, else the committed schema
    start = time.perf_counter()
    problems = validate_outdir(root / "bench.out", schema)
    if problems:
        sys.exit("bench: the synthesized stacks do not validate:\n" + "\n".join(map(str, problems[:5])))
    return time.perf_counter() - start


def add_generated_dashboards(root: Path, count: int) -> None:
    folder = root / "dashboards" / "zz-bench"
    folder.mkdir(parents=True)
    (folder / "_folder.yaml").write_text("title: Benchmark\n")
    for i in range(count):
        dashboard = {"uid": f"bench-{i:04d}", "title": f"Bench {i}", "schemaVersion": 39, "tags": ["bench"],
                     "panels": [{"id": 1, "type": "timeseries", "title": "Requests",
                                 "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                                 "datasource": {"type": "prometheus", "uid": "prometheus"},
                                 "targets": [{"refId": "A", "expr": f"sum(rate(http_requests_total{{job=\"svc{i}\"}}[5m]))",
                                              "datasource": {"type": "prometheus", "uid": "prometheus"}}]}]}
        (folder / f"bench-{i:04d}.json").write_text(json.dumps(dashboard))


ORG_TEAMS, ORG_DASHBOARDS, ORG_RULES = 40, 2000, 500


def make_org10x(root: Path) -> None:
    """Ten times the catalog: ORG_TEAMS teams, each owning one folder with its share of ORG_DASHBOARDS dashboards
    (YAML specs, two panels each, PromQL and LogQL) and one rule file with its share of ORG_RULES rules; every
    environment split into team stacks."""
    for env_file in (root / "environments").glob("*.yaml"):
        text = env_file.read_text()
        env_file.write_text(text.replace("state:", "state:\n  split: teams", 1))
    per_team_dashboards, per_team_rules = ORG_DASHBOARDS // ORG_TEAMS, ORG_RULES // ORG_TEAMS
    for t in range(ORG_TEAMS):
        team = f"team-{t:02d}"
        (root / "teams" / f"{team}.yaml").write_text(f"name: Team {t:02d}\nfolders: [org/{team}]\n")
        folder = root / "dashboards" / "org" / team
        folder.mkdir(parents=True)
        (folder / "_folder.yaml").write_text(f"title: Team {t:02d}\n")
        for d in range(per_team_dashboards):
            service = f"svc-{t:02d}-{d:02d}"
            (folder / f"{service}.yaml").write_text(
                f"uid: {service}\ntitle: Service {t:02d}-{d:02d}\ntags: [{team}]\ndatasource: prometheus\n"
                "panels:\n"
                f"  - {{type: timeseries, title: Requests, queries: [{{expr: 'sum(rate(http_requests_total{{job=\"{service}\"}}[5m]))'}}]}}\n"
                f"  - {{type: logs, title: Errors, datasource: loki, queries: [{{expr: '{{app=\"{service}\"}} |= \"error\"'}}]}}\n")
        rules = ["groups:"]
        for g in range(0, per_team_rules, 4):
            rules += [f"  - name: {team}-g{g // 4}", "    interval: 1m", "    rules:"]
            for r in range(g, min(g + 4, per_team_rules)):
                rules += [f"      - alert: Team{t:02d}Rule{r:02d}",
                          f"        expr: sum(rate(http_requests_total{{job=\"svc-{t:02d}-{r:02d}\",status=~\"5..\"}}[5m])) > {r + 1}",
                          "        for: 5m",
                          f"        labels: {{severity: warning, system: {team}, team: {team}}}",
                          f"        annotations: {{summary: Errors on svc-{t:02d}-{r:02d}, "
                          f"runbook_url: 'https://runbooks.example.com/{team}/{r}'}}"]
        (root / "alerts" / "rules" / f"{team}.yaml").write_text("\n".join(rules) + "\n")
        (root / "alerts" / "grafana" / f"{team}.yaml").write_text(f"folder: org/{team}\ndatasource: prometheus\n")
    (root / "dashboards" / "org" / "_folder.yaml").write_text("title: Organisation\n")


SCAN_CHILD = r"""
import json, sys, time
from pathlib import Path
t0 = time.process_time()
from grafana_as_code.cache import caching
from grafana_as_code.secret_guard.outputs import scan_outdir
with caching(Path(sys.argv[2])):
    problems = scan_outdir(Path(sys.argv[1]), Path("cdktf.out"))
print("BENCH " + json.dumps({"cpu": time.process_time() - t0, "problems": len(problems),
                             "detect_secrets": "detect_secrets" in sys.modules}))
"""


def bench_exit_scan(root: Path, outdir: Path) -> None:
    """The exit's secret scan of a synthesized output alone, in process time of a fresh process: without the
    project cache (GAC_CACHE=0: every line the sieve lets through goes to detect-secrets) and with it warm."""
    figures = {}
    for run, extra in (("uncached", {"GAC_CACHE": "0"}), ("cold", {}), ("warm", {})):
        env = dict(os.environ, **extra)
        done = subprocess.run([sys.executable, "-c", SCAN_CHILD, str(outdir), str(root / ".bench-scan")],
                              cwd=REPO, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"bench: exit scan failed:\n{done.stderr}")
        figures[run] = json.loads(next(l for l in done.stdout.splitlines() if l.startswith("BENCH "))[6:])
    size = sum(p.stat().st_size for p in outdir.rglob("*.json"))
    print(f"exit scan of that output ({len(list(outdir.rglob('*.json')))} JSON files, {size / 1e6:.0f} MB), process "
          f"time: {figures['uncached']['cpu']:.2f}s without the cache, {figures['warm']['cpu']:.2f}s with its "
          f"clean lines remembered (detect-secrets loaded: {figures['warm']['detect_secrets']})", flush=True)


def resources_in(outdir: Path, stacks: list[str] | None = None) -> int:
    total = 0
    for path in sorted((outdir / "stacks").glob("*/cdk.tf.json")):
        if stacks is None or path.parent.name in stacks:
            total += sum(len(v) for v in json.loads(path.read_text()).get("resource", {}).values())
    return total


def bench_org10x(tmp: Path) -> dict:
    """The 10x organisation: synth from scratch (cold cache), again (warm cache), and a one-dashboard change."""
    import time

    root = copy_project(tmp / "org10x")
    make_org10x(root)
    env = dict(os.environ, GRAFANA_PROVIDER_SCHEMA=os.environ.get("GRAFANA_PROVIDER_SCHEMA")
               or str(REPO / "imports" / "grafana-provider-schema.json"))
    walls = {}
    for run in ("cold", "warm"):
        if run == "cold":
            shutil.rmtree(root / ".cache", ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "grafana_as_code", "synth"], cwd=root, env=env,
                              capture_output=True, text=True)
        walls[run] = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"bench: org10x synth failed:\n{done.stderr[-3000:]}")
    changed = "dashboards/org/team-07/svc-07-03.yaml"
    done = subprocess.run([sys.executable, "-m", "grafana_as_code", "affected", "--json", changed], cwd=root,
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: affected failed:\n{done.stderr}")
    stacks = [row["stack"] for row in json.loads(done.stdout)["include"]]
    outdir = root / "cdktf.out"
    bench_exit_scan(root, outdir)
    result = {"cold": walls["cold"], "warm": walls["warm"], "stacks": len(list((outdir / "stacks").glob("*"))),
              "affected_stacks": stacks, "affected": resources_in(outdir, stacks), "total": resources_in(outdir)}
    print(f"org10x   {ORG_TEAMS} teams, {ORG_DASHBOARDS} dashboards, {ORG_RULES} rules, 3 environments: "
          f"{result['stacks']} stacks, {result['total']} resources; synth {result['cold']:.1f}s from scratch, "
          f"{result['warm']:.1f}s with a warm cache; a one-dashboard change plans {', '.join(stacks)} "
          f"({result['affected']} resources)", flush=True)
    return result


def row(name: str, r: dict) -> str:
    phases = " ".join(f"{k}={r[k]:.3f}s" for k in ("import", "load", "construct", "engine_synth", "validate") if k in r)
    first = f" (first run, nothing cached: {r['first']:.3f}s)" if "first" in r and name != "empty" else ""
    return f"{name:<8} wall={r['wall']:.3f}s resources={r.get('resources', 0):>5}  {phases}{first}"


PLAN_REPORT_BUDGET_S = 0.5


def bench_plan_report() -> None:
    """`plan-report` on a 1,000-resource plan, as CI runs it: a fresh process reading the JSON file."""
    import time

    sys.path.insert(0, str(REPO / "tests" / "plans"))
    from large_plan import make_large_plan

    with tempfile.TemporaryDirectory(prefix="gac-bench-plan-") as tmp:
        plan = Path(tmp) / "plan.json"
        plan.write_text(json.dumps(make_large_plan(1000)))
        command = [sys.executable, "-m", "grafana_as_code", "plan-report", f"dev={plan}", "--output",
                   str(Path(tmp) / "comment.md")]
        walls = []
        for _ in range(max(RUNS, 3)):
            start = time.perf_counter()
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(f"bench: plan-report failed:\n{done.stderr}")
        size = plan.stat().st_size
    wall = statistics.median(walls)
    print(f"plan-report: 1,000 resources ({size / 1e6:.1f} MB of plan JSON) in {wall:.3f}s, "
          f"ratio to the {PLAN_REPORT_BUDGET_S}s budget {wall / PLAN_REPORT_BUDGET_S:.2f} "
          f"({'met' if wall <= PLAN_REPORT_BUDGET_S else 'NOT met'})", flush=True)


def bench_queries() -> None:
    """1,000 distinct dashboard queries through the validator: one Node process for the LogQL/TraceQL batch (its
    start included, as in every synth), PromQL in process.

    The same batch tests/dashboards/test_queries.py checks for validity; timing it belongs here, not in a test.
    """
    import time

    sys.path.insert(0, str(REPO / "tests" / "dashboards"))
    from query_batch import BUDGET_S, thousand_queries, validate_queries

    walls = []
    for run in range(max(RUNS, 3)):
        batch = thousand_queries(f"bench-{run}")  # distinct texts: nothing comes from the parser's memo
        start = time.perf_counter()
        problems = validate_queries(*batch)
        walls.append(time.perf_counter() - start)
        if problems:
            sys.exit("bench: valid queries were refused:\n" + "\n".join(problems[:5]))
    wall = statistics.median(walls)
    print(f"queries: 1,000 distinct LogQL/TraceQL/PromQL validated in {wall:.3f}s, ratio to the {BUDGET_S}s budget "
          f"{wall / BUDGET_S:.2f} ({'met' if wall <= BUDGET_S else 'NOT met'})", flush=True)


IMPORT_BUDGET_S = 5.0
IMPORT_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from types import MappingProxyType
from grafana_as_code.dashboards.model import Dashboard, RenderContext
from grafana_as_code.dashboards.normalize import normalize_export
from grafana_as_code.dashboards.repair import repair_dashboard
from grafana_as_code.dashboards.validate import validate_dashboards
from grafana_as_code.dashboards.validate.query_report import collecting_query_report
from grafana_as_code.datasources import load_datasources
from grafana_as_code.environment import frozen, load_environments
from grafana_as_code.errors import collecting_warnings
env = next(e for e in load_environments(Path("environments")) if e.name == "dev")
sources = {s.uid: s for s in load_datasources(Path("datasources"), env)}
ctx = RenderContext(env=env, datasources=MappingProxyType(sources), folders=MappingProxyType({}))
exports = sorted(Path(sys.argv[1]).glob("*.json"))
with collecting_warnings() as warnings, collecting_query_report() as queries:
    loaded = []
    for path in exports:
        config = normalize_export(json.loads(path.read_text()), path.name, ctx.datasources, remap_foreign=True,
                                  default_uid=path.stem)
        config = repair_dashboard(config, path.name)
        loaded.append((Dashboard(uid=config["uid"], title=config["title"], folder_uid=None, file=path.name,
                                 config=frozen(config)), config))
    problems = validate_dashboards(loaded, ctx)
wall = time.perf_counter() - t0
print("BENCH " + json.dumps({"wall": wall, "dashboards": len(exports), "problems": [str(p) for p in problems[:3]],
                             "warnings": len(warnings), "panels": sum(len(c.get("panels", [])) for _, c in loaded),
                             "summary": queries.summary()}))
"""


def _distinct(value, tag: str):
    """Queries made distinct (the first matcher's string gets a suffix) so no parse result is reused."""
    import re
    if isinstance(value, dict):
        return {k: (re.sub(r'((?:=~|!~|!=|=)\s*)"([^"$\\]*)"', lambda m: f'{m.group(1)}"{m.group(2)}-{tag}"', v,
                           count=1)
                    if k in ("expr", "query") and isinstance(v, str) else _distinct(v, tag)) for k, v in value.items()}
    if isinstance(value, list):
        return [_distinct(v, tag) for v in value]
    return value


def write_exports(target: Path, count: int) -> None:
    """``count`` exports built from the real-world fixtures (legacy rows, nulls and repairs, current TraceQL),
    each grown to about 30 panels, the size of popular public dashboards."""
    fixtures = sorted((REPO / "tests" / "dashboards" / "fixtures" / "realworld").glob("*.json"))
    for i in range(count):
        base = json.loads(fixtures[i % len(fixtures)].read_text())
        base["uid"] = f"bench-{i:03d}"
        if "rows" in base:
            base["rows"] = [_distinct(row, f"{i}r{j}") for j in range(8) for row in base["rows"]]
        else:
            panels = base.get("panels", [])
            base["panels"] = [{**_distinct(p, f"{i}p{j}"), "id": 100 * j + p.get("id", 0),
                               "gridPos": {**p.get("gridPos", {}), "y": p.get("gridPos", {}).get("y", 0) + 24 * j}}
                              for j in range(8) for p in panels]
        (target / f"bench-{i:03d}.json").write_text(json.dumps(base))


def bench_dashboard_import() -> None:
    with tempfile.TemporaryDirectory(prefix="gac-bench-import-") as tmp:
        write_exports(Path(tmp), 50)
        walls, result = [], {}
        for _ in range(max(RUNS, 3)):
            done = subprocess.run([sys.executable, "-c", IMPORT_CHILD, tmp], cwd=REPO, capture_output=True,
                                  text=True)
            if done.returncode != 0:
                sys.exit(f"bench: dashboard import failed:\n{done.stderr}")
            result = json.loads(next(l for l in done.stdout.splitlines() if l.startswith("BENCH "))[6:])
            walls.append(result["wall"])
        if result["problems"]:
            sys.exit(f"bench: the generated dashboards do not validate: {result['problems']}")
    wall = statistics.median(walls)
    print(f"dashboard import+validate: {result['dashboards']} exports ({result['panels']} top-level panels, "
          f"{result['warnings']} warnings) in {wall:.3f}s in one process, ratio to the {IMPORT_BUDGET_S}s budget "
          f"{wall / IMPORT_BUDGET_S:.2f} ({'met' if wall <= IMPORT_BUDGET_S else 'NOT met'}); "
          f"{result['summary']}", flush=True)


def bench_query_parsing(count: int = 1000) -> None:
    """Parsing alone, per language: PromQL in process; LogQL and TraceQL in one Node process per batch."""
    import time

    import promql_parser
    from grafana_as_code.dashboards.validate.node_parser import parse_batch

    stamp = time.time_ns()  # distinct texts: nothing comes from the memo
    promql = [f'sum by (le) (rate(http_request_seconds_bucket{{job="b{stamp}-{i}"}}[5m]))' for i in range(count)]
    logql = [("logql", f'sum by (level) (count_over_time({{app="b{stamp}-{i}"}} | json | status >= 500 [5m]))')
             for i in range(count)]
    traceql = [("traceql", f'{{ resource.service.name = "b{stamp}-{i}" && duration > 200ms }} | rate()')
               for i in range(count)]
    start = time.perf_counter()
    for query in promql:
        promql_parser.parse(query)
    figures = {"PromQL": time.perf_counter() - start}
    for name, batch in (("LogQL", logql), ("TraceQL", traceql)):
        start = time.perf_counter()
        assert parse_batch(batch) == [None] * count
        figures[name] = time.perf_counter() - start
    print("query parsing, " + f"{count:,} distinct queries per language: " + ", ".join(
        f"{name} {seconds:.3f}s ({1e6 * seconds / count:.0f} µs/query)" for name, seconds in figures.items())
        + " (LogQL/TraceQL: one Node process per batch, its start included)", flush=True)


def main() -> None:
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    bench_plan_report()
    bench_queries()
    bench_dashboard_import()
    bench_query_parsing()
    with tempfile.TemporaryDirectory(prefix="gac-bench-") as tmp:
        catalog_root = copy_project(Path(tmp) / "catalog")
        dev_root = copy_project(Path(tmp) / "dev")
        for env_file in (dev_root / "environments").glob("*.yaml"):
            if env_file.stem != "dev":
                env_file.unlink()
        large_root = Path(tmp) / "large"
        shutil.copytree(dev_root, large_root, symlinks=True)
        add_generated_dashboards(large_root, 1000)
        print(f"Benchmark: median of {RATIO_RUNS} fresh processes each, empty and catalog taken in turn, dev and large "
              "likewise", flush=True)
        # the ratio's two sides, alternately and more often than the rest: the figure a target is held to
        empty, catalog = measure_alternately(catalog_root, ("empty", "catalog"), RATIO_RUNS)
        print(row("empty", empty))
        print(row("catalog", catalog))
        # the marginal cost per resource: a difference of two close figures, so taken in turn as well
        dev, large = measure_alternately_in(((dev_root, "dev"), (large_root, "large")), RATIO_RUNS)
        print(row("dev", dev))
        print(row("large", large))
        org = bench_org10x(Path(tmp))

    # Marginal cost: what 1,000 more dashboards (and their folder) add to the same environment's synth.
    per_resource_ms = 1000 * (large["wall"] - dev["wall"]) / max(large["resources"] - dev["resources"], 1)
    ratio = catalog["wall"] / empty["wall"]
    engine_ms = 1000 * large["engine_synth"] / large["resources"]
    construct_ms = 1000 * large.get("construct", 0) / large["resources"]
    load_ms = 1000 * large.get("load", 0) / large["resources"]
    validate_ms = 1000 * large["validate"] / large["resources"]
    print(f"where the time goes, per resource of the large run: load+check={load_ms:.3f}ms "
          f"construct={construct_ms:.3f}ms (stacks and resources) "
          f"synth={engine_ms:.3f}ms (the engine, then the resources written) "
          f"schema validation={validate_ms:.3f}ms")
    # one team's stack in each of the three environments, and nothing else (no shared stack, no other team)
    teams = {name.split("-", 1)[1] for name in org["affected_stacks"] if "-" in name}
    one_team_per_env = len(org["affected_stacks"]) == 3 and len(teams) == 1
    print(f"targets: ratio <= 1.6 ({'met' if ratio <= 1.6 else 'NOT met'}), "
          f"per resource <= 1 ms ({'met' if per_resource_ms <= 1 else 'NOT met'}), "
          f"org10x <= 15 s ({'met' if org['cold'] <= 15 else 'NOT met'}), "
          f"affected <= one team stack per environment ({'met' if one_team_per_env else 'NOT met'})")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: figures vary with it)")
    print(f"synth_s={catalog['wall']:.3f} empty_s={empty['wall']:.3f} ratio={ratio:.2f} "
          f"per_resource_ms={per_resource_ms:.3f} resources={catalog['resources']} org10x_s={org['cold']:.1f} "
          f"org10x_warm_s={org['warm']:.1f} affected_resources={org['affected']} total_resources={org['total']}")


if __name__ == "__main__":
    main()
