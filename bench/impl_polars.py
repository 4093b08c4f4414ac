"""A straightforward polars implementation of WORKLOAD.md sections dist, top2 and flag (steps a–c),
written the way an analyst would, independent of doe_democratie and of the pandas reference."""

from __future__ import annotations

import polars as pl

from items import CATEGORICAL, COLUMNS, FLAGS, GROUPS, OCC, ORDINAL, SIZE_CLASSES, WEET_NIET


def load(parquet: str) -> pl.DataFrame:
    """gen.py's rows with size_class and province as plain strings (as the pandas reference has them)."""
    return pl.read_parquet(parquet).with_columns(pl.col("size_class", "province").cast(pl.String))


def consolidate(df: pl.DataFrame) -> pl.DataFrame:
    """Step a: one row per municipality with its size class and the 53 categorical items."""
    occ = [pl.col(c).min().alias(c) for c in OCC]
    # 'weet niet' becomes null first (median skips nulls): filtering inside the aggregation is
    # far slower in polars.
    answered = df.with_columns(
        [pl.when(pl.col(c) != WEET_NIET).then(pl.col(c)).alias(c) for c in ORDINAL]
    )
    ordinal = [pl.col(c).median().floor().fill_null(WEET_NIET).cast(pl.Int64).alias(c) for c in ORDINAL]
    return answered.group_by("municipality_id").agg([pl.col("size_class").first(), *occ, *ordinal])


def _item_counts(m: pl.DataFrame, item: str, k: int) -> list[tuple]:
    """(group, code, count, n) of one item's valid codes, all and per size class, zeros included."""
    valid = m.filter(pl.col(item) != WEET_NIET)
    by_class = valid.group_by("size_class", item).len()
    counts = {(g, c): n for g, c, n in by_class.iter_rows()}
    rows = []
    for group in GROUPS:
        classes = SIZE_CLASSES if group == "all" else (group,)
        per_code = [sum(counts.get((g, c), 0) for g in classes) for c in range(1, k + 1)]
        n = sum(per_code)
        rows += [(group, code, count, n) for code, count in zip(range(1, k + 1), per_code)]
    return rows


def _pct(count: int, n: int) -> float:
    return count / n * 100 if n else float("nan")


def dist_and_top2(m: pl.DataFrame) -> tuple[list[tuple], list[tuple]]:
    dist, top2 = [], []
    for item, k in CATEGORICAL.items():
        rows = _item_counts(m, item, k)
        dist += [("dist", item, g, str(c), n, count, _pct(count, n)) for g, c, count, n in rows]
        if item in ORDINAL:
            for group in GROUPS:
                mine = [r for r in rows if r[0] == group]
                count = sum(r[2] for r in mine if r[1] <= 2)
                n = mine[0][3]
                top2.append(("top2", item, group, "top2", n, count, _pct(count, n)))
    return dist, top2


def flags(df: pl.DataFrame) -> list[tuple]:
    """Mentions and respondents per flag, all and per size class: one group_by for all flags."""
    by_class = df.group_by("size_class").agg(pl.len().alias("_n"), *[pl.col(f).sum() for f in FLAGS])
    per_class = {row["size_class"]: row for row in by_class.iter_rows(named=True)}
    totals = df.select(pl.len().alias("_n"), *[pl.col(f).sum() for f in FLAGS]).row(0, named=True)
    rows = []
    for item in FLAGS:
        for group in GROUPS:
            row = totals if group == "all" else per_class.get(group)
            count, n = (int(row[item]), int(row["_n"])) if row else (0, 0)
            rows.append(("flag", item, group, "1", n, count, _pct(count, n)))
    return rows




def workload(df: pl.DataFrame) -> pl.DataFrame:
    """Tidy rows section, item, group, category, n, count, pct."""
    dist, top2 = dist_and_top2(consolidate(df))
    return pl.DataFrame(dist + top2 + flags(df), schema=COLUMNS, orient="row")
