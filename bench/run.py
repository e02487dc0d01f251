"""Run every benchmark in bench/ and print one table of their measurements.

Each `bench/bench_*.py` prints one JSON object per measurement on stdout:
{"bench", "metric", "value", "unit", "target", "ok"}. `python bench/run.py [--quick] [NAME ...]`
runs them (all, or those whose file name contains a NAME) one after another, in fresh processes,
and prints the table; `--json FILE` also saves the rows. Copy the table into docs/benchmarks.md
with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (each bench under a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if any(n in s.stem for n in args.names)]
    rows: list[dict[str, object]] = []
    failed = False
    for script in scripts:
        started = time.monotonic()
        cmd = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        print(f"# {script.name} ...", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            if line.startswith("{"):
                rows.append(json.loads(line))
        if proc.returncode != 0:
            failed = True
            print(f"# {script.name} failed ({proc.returncode}):\n{proc.stderr[-2000:]}", file=sys.stderr)
        print(f"# {script.name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    print(f"Machine: {_machine()}")
    command = "python bench/run.py" + (" --quick" if args.quick else "")
    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; command: {command}")
    print()
    print("| bench | metric | value | unit | target | ok |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        value = r.get("value")
        shown = f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        ok = "yes" if r.get("ok") is True else "NO" if r.get("ok") is False else "-"
        cells = (r.get("bench"), r.get("metric"), shown, r.get("unit"), r.get("target", ""), ok)
        print("| " + " | ".join(str(c) for c in cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
