"""Independent pandas/numpy reference for the benchmark workload (steps a, b, c of WORKLOAD.md).

The benchmark workload is specified in ``../shared/bench/WORKLOAD.md``, and its data comes from
``../shared/bench/gen.py``. Both paths are relative to the repository root. This module
recomputes the ``dist``, ``top2`` and ``flag`` sections with plain pandas. It does not use
doe_democratie, so tests can compare the library's numbers with it:

a. Consolidate to one row per municipality. ``occ_*`` takes the minimum code: ja (1) if anyone
   says ja, else nee (2) if anyone says nee, else weet niet (9). Ordinal items take
   ``floor(median(non-9 answers))``, or 9 when every answer is 9. Binary flags stay at
   respondent level.
b. ``dist``: per municipality-level item and group (``all`` and each size class), one row for
   every valid code 1..K, zero counts included. n is the number of municipalities with a valid
   (non-9) code, and pct = count / n * 100. ``top2`` (ordinal items only) counts codes 1 and 2
   over the same n.
c. ``flag``: per binary flag and group, count is the number of mentions and n the number of
   respondents.

Rows come out in a fixed order: section (dist, top2, flag), then item in gen.py order, then group
(all, lt20k, 20k_50k, 50k_100k, gt100k), then category. A group with no members still gets its
rows, with n = 0 and pct = NaN.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Union

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
GEN_PY = REPO_ROOT.parent / "shared" / "bench" / "gen.py"

SIZE_CLASSES = ("lt20k", "20k_50k", "50k_100k", "gt100k")
GROUPS = ("all",) + SIZE_CLASSES
WEET_NIET = 9
COLUMNS = ["section", "item", "group", "category", "n", "count", "pct"]


def _items(prefix: str, count: int) -> list[str]:
    return [f"{prefix}_{j}" for j in range(1, count + 1)]


# item -> number of valid codes K (codes 1..K; 9 = weet niet)
OCC_ITEMS: dict[str, int] = {item: 2 for item in _items("occ", 7)}
ORDINAL_ITEMS: dict[str, int] = {
    item: k
    for prefix, count, k in [("att", 4, 4), ("chg", 4, 3), ("strat", 15, 4), ("chal", 14, 4), ("need", 9, 3)]
    for item in _items(prefix, count)
}
CATEGORICAL_ITEMS: dict[str, int] = {**OCC_ITEMS, **ORDINAL_ITEMS}
FLAG_ITEMS: list[str] = [
    item for prefix, count in [("typ", 7), ("succ", 15), ("sector", 10), ("who", 7)] for item in _items(prefix, count)
]


def generate(n: int, out_dir: Path) -> Path:
    """Runs gen.py for ``n`` respondents (parquet only) into ``out_dir`` and returns the parquet path."""
    if not GEN_PY.is_file():
        raise FileNotFoundError(f"benchmark generator not found: {GEN_PY}")
    out_dir = Path(out_dir)
    cmd = [sys.executable, str(GEN_PY), str(n), "--out", str(out_dir), "--no-csv"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return out_dir / f"survey_{n}.parquet"


def load(parquet_path: Union[str, Path]) -> pd.DataFrame:
    """The respondent rows as gen.py writes them, with size_class and province as plain strings."""
    df = pd.read_parquet(parquet_path)
    for column in ("size_class", "province"):
        df[column] = df[column].astype(str)
    return df


def _check_codes(df: pd.DataFrame) -> None:
    for item, k in CATEGORICAL_ITEMS.items():
        bad = ~df[item].isin([*range(1, k + 1), WEET_NIET])
        if bad.any():
            raise ValueError(f"{item}: codes outside 1..{k} and {WEET_NIET}: {sorted(df.loc[bad, item].unique())}")
    for item in FLAG_ITEMS:
        if not df[item].isin([0, 1]).all():
            raise ValueError(f"{item}: flag values other than 0/1")
    unknown = set(df["size_class"]) - set(SIZE_CLASSES)
    if unknown:
        raise ValueError(f"unknown size classes: {sorted(unknown)}")


def consolidate(df: pd.DataFrame) -> pd.DataFrame:
    """Step a: one row per municipality (index municipality_id) with size_class and the 53 categorical items."""
    _check_codes(df)
    by_municipality = df.groupby("municipality_id", sort=True)
    if (by_municipality["size_class"].nunique() != 1).any():
        raise ValueError("a municipality has respondents in more than one size class")

    size_class = by_municipality["size_class"].first()
    occ = by_municipality[list(OCC_ITEMS)].min()

    ordinal = df[list(ORDINAL_ITEMS)]
    answered = ordinal.where(ordinal != WEET_NIET)  # weet niet -> NaN, which median() skips
    median = answered.groupby(df["municipality_id"], sort=True).median()
    ordinal_codes = np.floor(median).fillna(WEET_NIET).astype("int64")

    return pd.concat([size_class, occ.astype("int64"), ordinal_codes], axis=1)


def _by_group(long: pd.DataFrame) -> pd.DataFrame:
    """Every row twice: once in group 'all' and once in its own size class."""
    return pd.concat([long.assign(group="all"), long.assign(group=long["size_class"])], ignore_index=True)


def _melt(frame: pd.DataFrame, items: list[str], value_name: str) -> pd.DataFrame:
    long = frame.melt(id_vars="size_class", value_vars=items, var_name="item", value_name=value_name)
    return _by_group(long)


def _tidy(section: str, counts: pd.Series, n: pd.Series, category: pd.Series) -> pd.DataFrame:
    """Tidy rows from aligned count / n / category series indexed by (item, group, ...)."""
    out = pd.DataFrame({
        "section": section,
        "item": counts.index.get_level_values("item"),
        "group": counts.index.get_level_values("group"),
        "category": category.to_numpy(),
        "n": n.to_numpy().astype("int64"),
        "count": counts.to_numpy().astype("int64"),
    })
    out["pct"] = out["count"] / out["n"] * 100
    return out


def _dist_and_top2(municipalities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    long = _melt(municipalities, list(CATEGORICAL_ITEMS), "code")
    valid = long[long["code"] != WEET_NIET]

    item_group = pd.MultiIndex.from_product([list(CATEGORICAL_ITEMS), GROUPS], names=["item", "group"])
    n = valid.groupby(["item", "group"]).size().reindex(item_group, fill_value=0)

    every_code = pd.MultiIndex.from_tuples(
        [(item, group, code) for item, k in CATEGORICAL_ITEMS.items() for group in GROUPS for code in range(1, k + 1)],
        names=["item", "group", "code"],
    )
    counts = valid.groupby(["item", "group", "code"]).size().reindex(every_code, fill_value=0)
    n_per_code = n.reindex(counts.index.droplevel("code"))
    codes = counts.index.get_level_values("code").to_series().astype(str)
    dist = _tidy("dist", counts, n_per_code, codes)

    ordinal_group = pd.MultiIndex.from_product([list(ORDINAL_ITEMS), GROUPS], names=["item", "group"])
    top2_counts = (
        counts[counts.index.get_level_values("code") <= 2]
        .groupby(level=["item", "group"])
        .sum()
        .reindex(ordinal_group)
    )
    top2 = _tidy("top2", top2_counts, n.reindex(ordinal_group), pd.Series("top2", index=ordinal_group))
    return dist, top2


def _flags(df: pd.DataFrame) -> pd.DataFrame:
    long = _melt(df, FLAG_ITEMS, "mentioned")
    item_group = pd.MultiIndex.from_product([FLAG_ITEMS, GROUPS], names=["item", "group"])
    by_item_group = long.groupby(["item", "group"])["mentioned"]
    counts = by_item_group.sum().reindex(item_group, fill_value=0)
    n = by_item_group.size().reindex(item_group, fill_value=0)
    return _tidy("flag", counts, n, pd.Series("1", index=item_group))


def reference(df: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows section, item, group, category, n, count, pct for the dist, top2 and flag sections."""
    dist, top2 = _dist_and_top2(consolidate(df))
    return pd.concat([dist, top2, _flags(df)], ignore_index=True)[COLUMNS]
