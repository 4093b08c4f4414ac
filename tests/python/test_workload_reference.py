"""Checks the pandas reference for the benchmark workload (workload_reference.py) on gen.py data, N=126.

The reference is checked in two ways. First its shape and internal consistency: row counts,
bases and top-2 sums. Then, for a few items, against a second, naive computation that reads the
parquet with pyarrow and uses plain Python loops with statistics.median and math.floor.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet", reason="gen.py writes parquet through pyarrow")

import workload_reference as wr  # noqa: E402  (needs pandas, so it comes after the skips)

N = 126
# gen.py for N=126: 95 municipalities (WORKLOAD.md), split 24/33/19/19 over the size classes
# (floor of the 25/35/20/20 % shares, remainder to lt20k).
MUNICIPALITIES = {"all": 95, "lt20k": 24, "20k_50k": 33, "50k_100k": 19, "gt100k": 19}
RESPONDENTS = {"all": 126, "lt20k": 31, "20k_50k": 44, "50k_100k": 28, "gt100k": 23}

# codes per item: 7 occ × 2, att 4 × 4, chg 4 × 3, strat 15 × 4, chal 14 × 4, need 9 × 3
DIST_CODES = 7 * 2 + 4 * 4 + 4 * 3 + 15 * 4 + 14 * 4 + 9 * 3
GROUP_COUNT = 5


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not wr.GEN_PY.is_file():
        pytest.skip(f"benchmark generator {wr.GEN_PY} is missing (expected at <repo>/../shared/bench/gen.py)")
    return wr.generate(N, tmp_path_factory.mktemp("bench-data"))


@pytest.fixture(scope="module")
def ref(parquet: Path) -> Any:
    return wr.reference(wr.load(parquet))


@pytest.fixture(scope="module")
def rows(parquet: Path) -> list[dict[str, Any]]:
    """The respondent rows as plain dicts, read with pyarrow only (size_class comes out as str)."""
    records: list[dict[str, Any]] = pq.read_table(parquet).to_pylist()
    return records


def lookup(ref: Any, section: str, item: str, group: str, category: str) -> tuple[int, int, float]:
    key = (ref["section"] == section) & (ref["item"] == item) & (ref["group"] == group)
    hit = ref[key & (ref["category"] == category)]
    assert len(hit) == 1, (section, item, group, category)
    row = hit.iloc[0]
    return int(row["n"]), int(row["count"]), float(row["pct"])


# --- shape and internal consistency ---------------------------------------------------------


def test_row_counts_per_section(ref: Any) -> None:
    sizes = ref.groupby("section").size().to_dict()
    assert sizes == {"dist": DIST_CODES * GROUP_COUNT, "top2": 46 * GROUP_COUNT, "flag": 39 * GROUP_COUNT}
    assert list(ref.columns) == ["section", "item", "group", "category", "n", "count", "pct"]
    assert not ref.duplicated(["section", "item", "group", "category"]).any()
    assert set(ref["group"]) == set(wr.GROUPS)


def test_dist_base_is_sum_of_counts(ref: Any) -> None:
    dist = ref[ref["section"] == "dist"]
    by_item_group = dist.groupby(["item", "group"])
    assert (by_item_group["n"].nunique() == 1).all()
    assert (by_item_group["n"].first() == by_item_group["count"].sum()).all()
    assert ((dist["pct"] - dist["count"] / dist["n"] * 100).abs() < 1e-9).all()


def test_top2_is_codes_1_and_2(ref: Any) -> None:
    dist = ref[ref["section"] == "dist"]
    top_codes = dist[dist["category"].isin(["1", "2"])].groupby(["item", "group"])["count"].sum()
    bases = dist.groupby(["item", "group"])["n"].first()
    top2 = ref[ref["section"] == "top2"].set_index(["item", "group"])
    assert set(top2.index.get_level_values("item")) == set(wr.ORDINAL_ITEMS)
    assert (top2["count"] == top_codes.reindex(top2.index)).all()
    assert (top2["n"] == bases.reindex(top2.index)).all()


def test_sample_sizes(ref: Any) -> None:
    flag = ref[ref["section"] == "flag"]
    assert (flag.loc[flag["group"] == "all", "n"] == N).all()
    for group, respondents in RESPONDENTS.items():
        assert (flag.loc[flag["group"] == group, "n"] == respondents).all(), group
    # need_* has no weet niet, so its base is every municipality of the group
    need = ref[(ref["section"] == "dist") & ref["item"].str.startswith("need_")]
    for group, municipalities in MUNICIPALITIES.items():
        assert (need.loc[need["group"] == group, "n"] == municipalities).all(), group


# --- naive recomputation ---------------------------------------------------------------------


def naive_consolidate(rows: list[dict[str, Any]], item: str) -> dict[int, tuple[str, int]]:
    """municipality_id -> (size_class, consolidated code), by hand."""
    answers: dict[int, list[int]] = defaultdict(list)
    size_class: dict[int, str] = {}
    for row in rows:
        answers[row["municipality_id"]].append(row[item])
        size_class[row["municipality_id"]] = row["size_class"]
    result = {}
    for municipality, codes in answers.items():
        if item.startswith("occ_"):
            code = min(codes)
        else:
            known = [c for c in codes if c != 9]
            code = math.floor(statistics.median(known)) if known else 9
        result[municipality] = (size_class[municipality], code)
    return result


@pytest.mark.parametrize("item, k", [("occ_1", 2), ("strat_5", 4), ("need_2", 3)])
def test_categorical_items_match_naive(ref: Any, rows: list[dict[str, Any]], item: str, k: int) -> None:
    municipalities = naive_consolidate(rows, item)
    assert len(municipalities) == MUNICIPALITIES["all"]
    for group in wr.GROUPS:
        codes = [code for size_class, code in municipalities.values() if group in ("all", size_class)]
        valid = [code for code in codes if code != 9]
        for code in range(1, k + 1):
            count = sum(1 for c in valid if c == code)
            n, got, pct = lookup(ref, "dist", item, group, str(code))
            assert (n, got) == (len(valid), count), (item, group, code)
            assert pct == pytest.approx(count / len(valid) * 100)
        if not item.startswith("occ_"):
            top2 = sum(1 for c in valid if c in (1, 2))
            n, got, pct = lookup(ref, "top2", item, group, "top2")
            assert (n, got) == (len(valid), top2), (item, group)
            assert pct == pytest.approx(top2 / len(valid) * 100)


def test_flag_matches_naive(ref: Any, rows: list[dict[str, Any]]) -> None:
    for group in wr.GROUPS:
        members = [row for row in rows if group in ("all", row["size_class"])]
        mentions = sum(row["typ_3"] for row in members)
        n, got, pct = lookup(ref, "flag", "typ_3", group, "1")
        assert (n, got) == (len(members), mentions), group
        assert pct == pytest.approx(mentions / len(members) * 100)


def test_consolidation_rule_examples() -> None:
    """WORKLOAD.md's examples, through both the reference and the naive code: for ordinal items
    1 and 3 -> 2, 1 and 2 (plus a weet niet) -> 1, only weet niet -> 9; occ takes the minimum."""
    pd = pytest.importorskip("pandas")
    answers = [  # municipality_id, size_class, strat_1, occ_1
        (1, "lt20k", 1, 2),
        (1, "lt20k", 3, 9),
        (2, "gt100k", 1, 9),
        (2, "gt100k", 2, 1),
        (2, "gt100k", 9, 2),
        (3, "gt100k", 9, 9),
    ]
    defaults = {**{item: 1 for item in wr.CATEGORICAL_ITEMS}, **{item: 0 for item in wr.FLAG_ITEMS}}
    rows = [
        {**defaults, "municipality_id": m, "size_class": size_class, "strat_1": strat, "occ_1": occ}
        for m, size_class, strat, occ in answers
    ]
    expected_strat = {1: ("lt20k", 2), 2: ("gt100k", 1), 3: ("gt100k", 9)}
    expected_occ = {1: ("lt20k", 2), 2: ("gt100k", 1), 3: ("gt100k", 9)}
    assert naive_consolidate(rows, "strat_1") == expected_strat
    assert naive_consolidate(rows, "occ_1") == expected_occ

    municipalities = wr.consolidate(pd.DataFrame(rows))
    assert municipalities["strat_1"].to_dict() == {m: code for m, (_, code) in expected_strat.items()}
    assert municipalities["occ_1"].to_dict() == {m: code for m, (_, code) in expected_occ.items()}
    assert municipalities["size_class"].to_dict() == {1: "lt20k", 2: "gt100k", 3: "gt100k"}
