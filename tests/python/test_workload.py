"""The library's consolidation and measures on the benchmark data (``../shared/bench/gen.py 126``)
against the independent pandas implementation of WORKLOAD.md sections dist, top2 and flag
(``workload_reference.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import doe_democratie as dd

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow.parquet")

import workload_reference as ref  # noqa: E402  (after the skips: it needs pandas)

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "tests" / "data" / "workload_instrument.json"
# WORKLOAD.md step a: occurrence items 'ja if any ja, else nee if any nee, else weet niet';
# every other categorical item floor(median) of the non-9 answers; flags stay per respondent.
RULES = {"occ": "any_yes", **{q: "median" for q in ["att", "chg", "strat", "chal", "need"]}}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if not ref.GEN_PY.exists():
        pytest.skip(f"benchmark generator not found at {ref.GEN_PY}")
    parquet = ref.generate(126, tmp_path_factory.mktemp("bench"))
    return ref.load(parquet)


@pytest.fixture(scope="module")
def expected(data: Any) -> Any:
    return ref.reference(data)


@pytest.fixture(scope="module")
def survey(data: Any) -> dd.Survey:
    """gen.py's columns renamed to the library's conventions: `<question>.<item>`."""
    df = data.rename(columns={"municipality_id": "municipality"})
    renamed = {}
    for col in df.columns:
        prefix, _, item = col.rpartition("_")
        if prefix and item.isdigit() and col not in ("respondent_id",):
            renamed[col] = f"{prefix}.{item}"
    df = df.rename(columns=renamed)
    instrument = dd.Instrument.from_json(INSTRUMENT.read_text(encoding="utf-8"))
    return dd.Survey.from_pandas(df, instrument)


def code_of(instrument: dd.Instrument) -> dict[tuple[str, str], str]:
    """(scale id, category id) → code as text, from the instrument file."""
    spec = json.loads(INSTRUMENT.read_text(encoding="utf-8"))
    return {
        (s["id"], c["id"]): str(c["code"]) for s in spec["scales"] for c in s["categories"]
    }


def library_rows(survey: dd.Survey) -> Any:
    spec = json.loads(INSTRUMENT.read_text(encoding="utf-8"))
    codes = code_of(survey.instrument)
    rows = []
    for q in spec["questions"]:
        qid = q["id"]
        if q["kind"] == "grid":
            t = survey.frequencies(qid, by="size_class", rules=RULES)
            for r in t.rows:
                if r["in_base"]:
                    rows.append(("dist", f"{qid}_{r['item']}", r["group"],
                                 codes[(q["scale"], r["category"])], r["base"], r["count"],
                                 r["percentage"]))
            if q["scale"] != "occurrence":
                for r in survey.net_shares(qid, "top2", by="size_class", rules=RULES).rows:
                    rows.append(("top2", f"{qid}_{r['item']}", r["group"], "top2", r["base"],
                                 r["count"], r["percentage"]))
        else:
            for r in survey.mentions(qid, by="size_class").rows:
                rows.append(("flag", f"{qid}_{r['item']}", r["group"], "1", r["base"],
                             r["count"], r["percentage"]))
    return pd.DataFrame(rows, columns=["section", "item", "group", "category", "n", "count", "pct"])


def test_dist_top2_and_flag_sections_match_the_pandas_reference(
    survey: dd.Survey, expected: Any
) -> None:
    got = library_rows(survey)
    keys = ["section", "item", "group", "category"]
    merged = expected.merge(got, on=keys, how="outer", suffixes=("_ref", "_lib"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert len(merged) == len(expected) == 925 + 230 + 195
    # Counts and bases are whole numbers under these policies and must be identical.
    assert (merged["n_ref"] == merged["n_lib"]).all()
    assert (merged["count_ref"] == merged["count_lib"]).all()
    both = merged.dropna(subset=["pct_ref"])
    assert (both["pct_lib"] - both["pct_ref"]).abs().max() < 1e-9
    # Empty groups have no percentage on either side.
    assert merged["pct_ref"].isna().equals(merged["pct_lib"].isna())
