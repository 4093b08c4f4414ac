#!/usr/bin/env python3
"""Side-by-side benchmark of the workload (../shared/bench/WORKLOAD.md, sections dist, top2 and
flag): doe_democratie from Rust and from Python against pandas and polars, in one run, on data
from ../shared/bench/gen.py.

    python bench/compare.py 1e5 1e6 [--data bench-data] [--only library-pandas,pandas] [--markdown]

Each implementation runs in its own process (bench/run_one.py; the Rust one is
`examples/workload.rs`) and reports its own peak memory (VmHWM). Every
implementation's rows are checked against the pandas implementation's: counts and bases
identical, percentages to 1e-9; at N ≤ 1e5 the pandas implementation is itself checked against
the literal transcription of WORKLOAD.md in tests/python/workload_reference.py. A disagreement
fails the run. Prints one table: time, ratio to the fastest of pandas and polars, peak memory and
peak memory beyond the loaded input.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GEN = ROOT.parent / "shared" / "bench" / "gen.py"
PEERS = ["pandas", "polars"]
LIBRARY = ["library-pandas", "library-parquet", "library-csv", "library-rust-csv"]
ALL = PEERS + ["polars-read-csv"] + LIBRARY
KEYS = ["section", "item", "group", "category"]


def library_name(column: str) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from impl_library import library_name as name

    return name(column)


def prepare(n: int, data: Path) -> None:
    """gen.py's files for n (made once), and copies with the instrument's column names."""
    if not (data / f"survey_{n}.csv").exists():
        subprocess.run([sys.executable, str(GEN), str(n), "--out", str(data)], check=True)
    lib_csv = data / f"survey_{n}_lib.csv"
    if not lib_csv.exists():
        with open(data / f"survey_{n}.csv", "rb") as src, open(lib_csv, "wb") as dst:
            header = src.readline().decode().rstrip("\r\n").split(",")
            dst.write((",".join(library_name(c) for c in header) + "\n").encode())
            shutil.copyfileobj(src, dst, 1 << 24)
    lib_parquet = data / f"survey_{n}_lib.parquet"
    if not lib_parquet.exists():
        import pyarrow.parquet as pq

        table = pq.read_table(data / f"survey_{n}.parquet")
        pq.write_table(table.rename_columns([library_name(c) for c in table.column_names]), lib_parquet)


def run_impl(impl: str, n: int, data: Path, out: Path) -> dict:
    if impl == "library-rust-csv":
        exe = ROOT / "target" / "release" / "examples" / "workload"
        cmd = [str(exe), str(ROOT / "tests/data/workload_instrument.json"), str(data / f"survey_{n}_lib.csv"), str(out)]
        result = run_json(cmd)
        seconds = result["read_csv"] + result["measures"]
        return {"seconds": seconds, "base_kb": 0, "peak_kb": result["peak_kb"], "ingest": result["read_csv"]}
    cmd = [sys.executable, str(ROOT / "bench" / "run_one.py"), impl, str(data), str(n), str(out)]
    return run_json(cmd)


def run_json(cmd: list[str]) -> dict:
    """Runs cmd and returns the JSON of its last line. Each implementation reports its own peak
    memory (VmHWM): a child's ru_maxrss would include this process's memory at fork time."""
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def agree(reference: pd.DataFrame, other: pd.DataFrame, name: str) -> str:
    """'' when other has every row of reference with identical counts and bases and percentages
    within 1e-9, else what differs."""
    merged = reference.merge(other, on=KEYS, how="outer", suffixes=("_ref", "_got"), indicator=True)
    missing = (merged["_merge"] != "both").sum()
    if missing:
        return f"{name}: {missing} rows only on one side"
    bad_n = (merged["n_ref"] != merged["n_got"]).sum()
    bad_count = (merged["count_ref"] != merged["count_got"]).sum()
    both = merged.dropna(subset=["pct_ref"])
    worst = (both["pct_ref"] - both["pct_got"]).abs().max() if len(both) else 0.0
    nan_mismatch = (merged["pct_ref"].isna() != merged["pct_got"].isna()).sum()
    if bad_n or bad_count or worst > 1e-9 or nan_mismatch:
        return f"{name}: {bad_n} bases, {bad_count} counts differ; largest pct difference {worst:g}"
    return ""


def read_rows(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"category": str, "section": str, "item": str, "group": str})


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="+", help="respondents, e.g. 1e5 1e6")
    ap.add_argument("--data", default=str(ROOT / "bench-data"))
    ap.add_argument("--only", default=",".join(ALL), help="comma-separated implementations")
    args = ap.parse_args()
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    only = args.only.split(",")
    if "library-rust-csv" in only:
        subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "workload"], check=True, cwd=ROOT)
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d')}")
    failures = []
    table = []
    csv_ratios = []
    for size in args.sizes:
        n = int(float(size))
        prepare(n, data)
        results = {}
        for impl in only:
            out = data / f"out_{impl}_{n}.csv"
            results[impl] = run_impl(impl, n, data, out)
            results[impl]["out"] = out
        reference = read_rows(data / f"out_pandas_{n}.csv") if "pandas" in results else None
        if reference is not None and n <= 100_000:
            sys.path.insert(0, str(ROOT / "tests" / "python"))
            import workload_reference as literal

            got = literal.reference(literal.load(data / f"survey_{n}.parquet"))
            failures.append(agree(got, reference, f"pandas vs WORKLOAD.md transcription at {n}"))
        peers = [results[p]["seconds"] for p in PEERS if p in results]
        fastest = min(peers) if peers else None
        for impl, r in results.items():
            rows_ok = "—"
            if reference is not None and impl != "polars-read-csv" and impl != "pandas":
                problem = agree(reference, read_rows(r["out"]), f"{impl} at {n}")
                failures.append(problem)
                rows_ok = "no" if problem else "yes"
            elif impl == "pandas":
                rows_ok = "reference"
            ratio = f"{fastest / r['seconds']:.1f}×" if fastest and impl.startswith("library") else ""
            extra = (r["peak_kb"] - r["base_kb"]) / 1024 if r["base_kb"] else None
            ingest = r.get("ingest")
            table.append((n, impl, r["seconds"], ingest, ratio, r["peak_kb"] / 1024, extra, rows_ok))
        polars_csv = results.get("polars-read-csv", {}).get("seconds")
        for impl in ("library-csv", "library-rust-csv"):
            if polars_csv and impl in results:
                csv_ratios.append((n, impl, results[impl]["ingest"], polars_csv))
    print()
    print("| respondents | implementation | seconds (all) | of which ingest | faster than fastest peer "
          "| peak MB | peak MB beyond input | rows agree |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for n, impl, s, ingest, ratio, peak, extra, ok in table:
        extra_text = f"{extra:.0f}" if extra is not None else "(all)"
        ingest_text = f"{ingest:.3f}" if ingest is not None else ""
        print(f"| {n:,} | {impl} | {s:.3f} | {ingest_text} | {ratio} | {peak:.0f} | {extra_text} | {ok} |")
    if csv_ratios:
        print()
        print("| respondents | CSV ingest with validation | seconds | polars.read_csv seconds | ratio |")
        print("|---:|---|---:|---:|---:|")
        for n, impl, ingest, polars_csv in csv_ratios:
            print(f"| {n:,} | {impl} | {ingest:.3f} | {polars_csv:.3f} | {polars_csv / ingest:.2f}× |")
    failures = [f for f in failures if f]
    if failures:
        print("\nDISAGREEMENT:\n" + "\n".join(failures))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
