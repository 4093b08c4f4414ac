"""A pandas implementation of WORKLOAD.md sections dist, top2 and flag (steps a–c) written for speed
the way an experienced analyst would: one groupby per step, value counts per item. Independent of
doe_democratie; its rows are checked against ``tests/python/workload_reference.py`` (a literal,
slower transcription of WORKLOAD.md) by ``bench/compare.py``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from items import CATEGORICAL, COLUMNS, FLAGS, OCC, ORDINAL, SIZE_CLASSES, WEET_NIET


def load(parquet: str) -> pd.DataFrame:
    """gen.py's rows with size_class and province as plain strings."""
    df = pd.read_parquet(parquet)
    for column in ("size_class", "province"):
        df[column] = df[column].astype(str)
    return df


def consolidate(df: pd.DataFrame) -> pd.DataFrame:
    """Step a: one row per municipality: size class, min of the occ items, floored median of the others."""
    groups = df.groupby("municipality_id", sort=False)
    out = groups[list(OCC)].min()
    ordinal = df[list(ORDINAL)]
    median = ordinal.where(ordinal != WEET_NIET).groupby(df["municipality_id"], sort=False).median()
    out[list(ORDINAL)] = np.floor(median).fillna(WEET_NIET).astype("int64")
    out["size_class"] = groups["size_class"].first()
    return out


def _counts(m: pd.DataFrame, item: str, k: int) -> pd.DataFrame:
    """Counts of codes 1..k (rows: all + size classes) among the valid answers of one item."""
    valid = m.loc[m[item] != WEET_NIET, ["size_class", item]]
    table = valid.groupby(["size_class", item]).size().unstack(fill_value=0)
    table = table.reindex(index=list(SIZE_CLASSES), columns=range(1, k + 1), fill_value=0)
    table.loc["all"] = table.sum()
    return table.loc[["all", *SIZE_CLASSES]]


def _rows(section: str, item: str, counts: pd.DataFrame, categories: list[str]) -> list[tuple]:
    rows = []
    n = counts.sum(axis=1)
    for group in counts.index:
        for category, column in zip(categories, counts.columns):
            c, base = int(counts.at[group, column]), int(n[group])
            rows.append((section, item, group, category, base, c, c / base * 100 if base else np.nan))
    return rows


def workload(df: pd.DataFrame) -> pd.DataFrame:
    m = consolidate(df)
    dist, top2 = [], []
    for item, k in CATEGORICAL.items():
        counts = _counts(m, item, k)
        dist += _rows("dist", item, counts, [str(c) for c in range(1, k + 1)])
        if item in ORDINAL:
            two = pd.DataFrame({"top2": counts[[1, 2]].sum(axis=1), "rest": counts.iloc[:, 2:].sum(axis=1)})
            top2 += [row for row in _rows("top2", item, two, ["top2", "rest"]) if row[3] == "top2"]
    by_class = df.groupby("size_class")[FLAGS].agg(["sum", "count"])
    flag = []
    for item in FLAGS:
        for group in ["all", *SIZE_CLASSES]:
            if group == "all":
                c, n = int(df[item].sum()), len(df)
            elif group in by_class.index:
                c, n = int(by_class.at[group, (item, "sum")]), int(by_class.at[group, (item, "count")])
            else:
                c, n = 0, 0
            flag.append(("flag", item, group, "1", n, c, c / n * 100 if n else np.nan))
    return pd.DataFrame(dist + top2 + flag, columns=COLUMNS)
