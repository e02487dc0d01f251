"""Benchmark of the shipped category catalogue: first load in a fresh process, and serving it as the API would.

`python bench/bench_catalogue.py [--quick]` prints one JSON object per measurement (see bench/run.py).
Both numbers matter because `erp seed`, the simulator and every test that touches categories pay the
first load once per process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_COLD = """
import time
t = time.perf_counter()
from agent.catalogue import leaf_categories, load_categories, product_vocabulary
cats = load_categories()
for leaf in leaf_categories():
    product_vocabulary(leaf.id)
print((time.perf_counter() - t) * 1000)
"""


def _emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": "catalogue", "metric": metric, "value": round(value, 2), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = 3 if args.quick else 10

    cold: list[float] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        cold.append(float(out.strip()))
    cold_ms = statistics.median(cold)
    _emit("first load (tree + every vocabulary), median", cold_ms, "ms", "under 250 ms", cold_ms < 250)

    sys.path.insert(0, str(ROOT))
    from agent.catalogue import category_to_api, load_categories

    categories = load_categories()
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        body = json.dumps([category_to_api(c) for c in categories], ensure_ascii=False)
        times.append((time.perf_counter() - start) * 1000)
    serve_ms = statistics.median(times)
    _emit("whole tree as API JSON with fields, median", serve_ms, "ms", "under 100 ms", serve_ms < 100)
    _emit("whole tree as API JSON, size", len(body.encode()) / 1024, "KiB", "informational", True)
    _emit("categories in the tree", len(categories), "count", "300-800 categories", 300 <= len(categories) <= 800)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
