"""Benchmark of the shipped category catalogue at the live scale: first load in a fresh process, and
serving it as the simulator does.

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
    from agent.catalogue import leaf_categories, load_categories
    from agent.simulator.app import CatalogueView

    categories = load_categories()
    # The simulator encodes each category once when it starts (CatalogueView) and then serves a page as a
    # join of those bytes: the start is a one-off, the page is what every /categories request pays.
    starts: list[float] = []
    for _ in range(max(3, runs // 3)):
        start = time.perf_counter()
        view = CatalogueView.of(categories)
        starts.append((time.perf_counter() - start) * 1000)
    start_ms = statistics.median(starts)
    _emit("simulator start: whole tree encoded once, with fields, median", start_ms, "ms", "under 5,000 ms",
          start_ms < 5000)
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        pages = [b",".join(view.full_json[i : i + 1000]) for i in range(0, len(view.full_json), 1000)]
        times.append((time.perf_counter() - start) * 1000)
    serve_ms = statistics.median(times)
    _emit(f"whole tree served with fields ({len(pages)} pages of 1,000), median", serve_ms, "ms", "under 100 ms",
          serve_ms < 100)
    _emit("whole tree as API JSON with fields, size", sum(map(len, pages)) / 1024, "KiB", "informational", True)
    leaves = len(leaf_categories())
    _emit("categories in the tree (the live scale: about 16,000)", len(categories), "count",
          "15,000-17,000 categories", 15_000 <= len(categories) <= 17_000)
    _emit("leaves in the tree (live: 13,803 in the public dump)", leaves, "count", "13,500-14,000 leaves",
          13_500 <= leaves <= 14_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
