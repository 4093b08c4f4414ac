"""The items of gen.py's data (WORKLOAD.md's data dictionary), shared by the pandas and polars
implementations of the benchmark workload."""

from __future__ import annotations

SIZE_CLASSES = ("lt20k", "20k_50k", "50k_100k", "gt100k")
GROUPS = ("all",) + SIZE_CLASSES
WEET_NIET = 9
COLUMNS = ["section", "item", "group", "category", "n", "count", "pct"]


def _items(prefix: str, count: int) -> list[str]:
    return [f"{prefix}_{j}" for j in range(1, count + 1)]


# item -> number of valid codes K (codes 1..K; 9 = weet niet)
OCC = {i: 2 for i in _items("occ", 7)}
ORDINAL = {
    i: k
    for prefix, count, k in [("att", 4, 4), ("chg", 4, 3), ("strat", 15, 4), ("chal", 14, 4), ("need", 9, 3)]
    for i in _items(prefix, count)
}
CATEGORICAL = {**OCC, **ORDINAL}
FLAGS = [i for prefix, count in [("typ", 7), ("succ", 15), ("sector", 10), ("who", 7)] for i in _items(prefix, count)]
