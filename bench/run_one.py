"""One implementation of the benchmark workload on one generated file, in its own process.

    python bench/run_one.py IMPLEMENTATION DATA_DIR N OUT_CSV

Loads the input (not timed: the frame is 'in memory' as the issue's targets have it; the CSV
implementations time their reading), runs the workload (timed), writes the tidy rows to OUT_CSV
and prints JSON: seconds, the resident memory after loading the input and this process's peak
resident memory (kB, VmHWM), so the parent can subtract the one from the other."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]


def peak_kb() -> int:
    """This process's peak resident memory (VmHWM): unlike ru_maxrss, it does not include the
    parent's memory at fork time."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def rss_kb() -> int:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def main() -> None:
    impl, data, n, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    parquet, csv, lib_csv = data / f"survey_{n}.parquet", data / f"survey_{n}.csv", data / f"survey_{n}_lib.csv"
    rows = None
    read = None
    if impl == "pandas":
        import impl_pandas

        df = impl_pandas.load(str(parquet))
        base = rss_kb()
        t = time.perf_counter()
        result = impl_pandas.workload(df)
        seconds = time.perf_counter() - t
        rows = result
    elif impl == "polars":
        import impl_polars

        df = impl_polars.load(str(parquet))
        base = rss_kb()
        t = time.perf_counter()
        result = impl_polars.workload(df)
        seconds = time.perf_counter() - t
        rows = result.to_pandas()
    elif impl == "polars-read-csv":
        import polars as pl

        base = rss_kb()
        t = time.perf_counter()
        frame = pl.read_csv(csv)
        seconds = time.perf_counter() - t
        read = seconds
        assert frame.height == int(n)
    elif impl.startswith("library"):
        import pandas as pd

        import impl_library

        instrument = impl_library.instrument()
        if impl == "library-pandas":
            # The frame as pd.read_parquet gives it (int8 codes, categorical size class), with the
            # instrument's column names; renaming is a metadata change (no copy under pandas 3).
            df = pd.read_parquet(parquet)
            df = df.rename(columns=impl_library.library_name)
            base = rss_kb()
            t = time.perf_counter()
            survey = impl_library.dd.Survey.from_pandas(df, instrument)
        elif impl == "library-parquet":
            base = rss_kb()
            t = time.perf_counter()
            survey = impl_library.dd.Survey.from_parquet(str(data / f"survey_{n}_lib.parquet"), instrument)
        elif impl == "library-csv":
            base = rss_kb()
            t = time.perf_counter()
            survey = impl_library.dd.Survey.from_csv(str(lib_csv), instrument, max_input_bytes=1 << 40)
        else:
            raise SystemExit(f"unknown implementation {impl}")
        read = time.perf_counter() - t
        tables = impl_library.measures(survey)
        seconds = time.perf_counter() - t
        rows = pd.DataFrame(impl_library.rows(tables), columns=impl_library.COLUMNS)
    else:
        raise SystemExit(f"unknown implementation {impl}")
    if rows is not None:
        rows.to_csv(out, index=False, float_format="%.17g")
    print(json.dumps({"seconds": seconds, "base_kb": base, "ingest": read, "peak_kb": peak_kb()}))


if __name__ == "__main__":
    main()
