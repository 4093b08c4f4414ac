"""A straightforward polars implementation of WORKLOAD.md sections dist, top2 and flag (steps a–c),
written the way an analyst would, independent of doe_democratie and of the pandas reference."""

from __future__ import annotations

import polars as pl

SIZE_CLASSES = ("lt20k", "20k_50k", "50k_100k", "gt100k")
GROUPS = ("all",) + SIZE_CLASSES
WEET_NIET = 9


def _items(prefix: str, count: int) -> list[str]:
    return [f"{prefix}_{j}" for j in range(1, count + 1)]


OCC = {i: 2 for i in _items("occ", 7)}
ORDINAL = {
    i: k
    for prefix, count, k in [("att", 4, 4), ("chg", 4, 3), ("strat", 15, 4), ("chal", 14, 4), ("need", 9, 3)]
    for i in _items(prefix, count)
}
CATEGORICAL = {**OCC, **ORDINAL}
FLAGS = [i for prefix, count in [("typ", 7), ("succ", 15), ("sector", 10), ("who", 7)] for i in _items(prefix, count)]


def load(parquet: str) -> pl.DataFrame:
    """gen.py's rows with size_class and province as plain strings (as the pandas reference has them)."""
    return pl.read_parquet(parquet).with_columns(pl.col("size_class", "province").cast(pl.String))


def consolidate(df: pl.DataFrame) -> pl.DataFrame:
    """Step a: one row per municipality with its size class and the 53 categorical items."""
    occ = [pl.col(c).min().alias(c) for c in OCC]
    ordinal = [
        pl.col(c).filter(pl.col(c) != WEET_NIET).median().floor().fill_null(WEET_NIET).cast(pl.Int64).alias(c)
        for c in ORDINAL
    ]
    return df.group_by("municipality_id").agg([pl.col("size_class").first(), *occ, *ordinal])


def _both_groups(long: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([
        long.with_columns(pl.lit("all").alias("group")),
        long.with_columns(pl.col("size_class").alias("group")),
    ])


def _grid(rows: list[tuple], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def dist_and_top2(m: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    long = m.unpivot(index="size_class", on=list(CATEGORICAL), variable_name="item", value_name="code")
    long = long.with_columns(pl.col("code").cast(pl.Int64))
    valid = _both_groups(long.filter(pl.col("code") != WEET_NIET))
    counts = valid.group_by(["item", "group", "code"]).len("count")
    every = _grid(
        [(i, g, c) for i, k in CATEGORICAL.items() for g in GROUPS for c in range(1, k + 1)],
        {"item": pl.String, "group": pl.String, "code": pl.Int64},
    )
    dist = every.join(counts, on=["item", "group", "code"], how="left").with_columns(
        pl.col("count").fill_null(0).cast(pl.Int64)
    )
    dist = dist.with_columns(pl.col("count").sum().over(["item", "group"]).alias("n"))
    dist = dist.with_columns((pl.col("count") / pl.col("n") * 100).alias("pct"))
    top2 = (
        dist.filter(pl.col("item").is_in(list(ORDINAL)))
        .group_by(["item", "group"])
        .agg(pl.col("count").filter(pl.col("code") <= 2).sum(), pl.col("n").first())
        .with_columns((pl.col("count") / pl.col("n") * 100).alias("pct"), pl.lit("top2").alias("category"))
    )
    dist = dist.with_columns(pl.col("code").cast(pl.String).alias("category"))
    return dist, top2


def flags(df: pl.DataFrame) -> pl.DataFrame:
    long = _both_groups(df.unpivot(index="size_class", on=FLAGS, variable_name="item", value_name="mentioned"))
    out = long.group_by(["item", "group"]).agg(
        pl.col("mentioned").sum().cast(pl.Int64).alias("count"), pl.len().cast(pl.Int64).alias("n")
    )
    every = _grid([(i, g) for i in FLAGS for g in GROUPS], {"item": pl.String, "group": pl.String})
    out = every.join(out, on=["item", "group"], how="left").with_columns(
        pl.col("count").fill_null(0), pl.col("n").fill_null(0)
    )
    return out.with_columns((pl.col("count") / pl.col("n") * 100).alias("pct"), pl.lit("1").alias("category"))


COLUMNS = ["section", "item", "group", "category", "n", "count", "pct"]


def workload(df: pl.DataFrame) -> pl.DataFrame:
    """Tidy rows section, item, group, category, n, count, pct."""
    dist, top2 = dist_and_top2(consolidate(df))
    parts = [
        dist.with_columns(pl.lit("dist").alias("section")),
        top2.with_columns(pl.lit("top2").alias("section")),
        flags(df).with_columns(pl.lit("flag").alias("section")),
    ]
    return pl.concat([p.select(pl.col(c).cast(pl.Int64) if c in ("n", "count") else pl.col(c) for c in COLUMNS)
                      for p in parts])
