"""The content-addressed cache (grafana_as_code/cache.py) shared by processes that synthesize at the same time, as
`make test` does in its parallel workers and two `make synth` in one checkout do: every process gets the computed
value (a hit or its own miss), nothing raises, and every entry written by any of them is there afterwards.
SQLite locks the file; cache.py waits for the lock (connect timeout) and treats a failed read or write as a miss."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from project_copy import REPO

WRITER = """
import sys
from pathlib import Path
from grafana_as_code.cache import cached, caching
root, rounds, keys = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
computed = 0
def compute(key, variant):
    global computed
    computed += 1
    return {"key": key, "variant": variant}
for round_ in range(rounds):
    with caching(root):  # one synthesis: read what is there, write the misses when the block ends
        for key in range(keys):
            variant = round_ % 2
            value = cached("concurrency", (f"{key}-{variant}",), lambda: compute(key, variant), dict, dict)
            assert value == {"key": key, "variant": variant}, value
print(computed)
"""


def test_processes_writing_one_cache_at_once_all_get_their_values_and_keep_every_entry(tmp_path: Path) -> None:
    rounds, keys, writers = 6, 25, 4
    environ = dict(os.environ, PYTHONPATH=str(REPO))
    running = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(rounds), str(keys)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)
               for _ in range(writers)]
    results = [(process.wait(timeout=300), *process.communicate()) for process in running]
    assert [(code, err) for code, _, err in results] == [(0, "")] * writers
    assert sum(int(out) for _, out, _ in results) >= keys * 2  # every key was computed somewhere, at least once
    with sqlite3.connect(tmp_path / ".cache" / "grafana-as-code.sqlite") as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == keys * 2
