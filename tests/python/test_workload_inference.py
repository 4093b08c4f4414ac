"""WORKLOAD.md sections chisq (step d) and wtop2 (step e) at N = 100,000 (``../shared/bench/gen.py``)
against R's values, committed in tests/data/inference/workload_100000_r.csv by
tools/reference/inference_reference.R."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest

import doe_democratie as dd

pytest.importorskip("pandas")
pytest.importorskip("pyarrow.parquet")

import workload_reference as ref  # noqa: E402  (after the skips: it needs pandas)

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "tests" / "data" / "workload_instrument.json"
R_VALUES = ROOT / "tests" / "data" / "inference" / "workload_100000_r.csv"
N = 100_000
# WORKLOAD.md step a, as in test_workload.py.
RULES = {"occ": "any_yes", **{q: "median" for q in ["att", "chg", "strat", "chal", "need"]}}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not ref.GEN_PY.exists():
        pytest.skip(f"benchmark generator not found at {ref.GEN_PY}")
    return ref.generate(N, tmp_path_factory.mktemp("bench"))


@pytest.fixture(scope="module")
def survey(generated: Path) -> dd.Survey:
    df = ref.load(generated).rename(columns={"municipality_id": "municipality"})
    renamed = {}
    for col in df.columns:
        prefix, _, item = col.rpartition("_")
        if prefix and item.isdigit() and col != "respondent_id":
            renamed[col] = f"{prefix}.{item}"
    instrument = dd.Instrument.from_json(INSTRUMENT.read_text(encoding="utf-8"))
    return dd.Survey.from_pandas(df.rename(columns=renamed), instrument)


@pytest.fixture(scope="module")
def frame(generated: Path, survey: dd.Survey) -> dd.Frame:
    with open(generated.parent / f"population_{N}.csv", newline="", encoding="utf-8") as f:
        counts = {row["size_class"]: int(row["N_h"]) for row in csv.DictReader(f)}
    return dd.Frame.from_strata("size_class", counts, survey.instrument)


def r_rows(section: str) -> dict[str, dict[str, str]]:
    with open(R_VALUES, newline="", encoding="utf-8") as f:
        return {r["item"]: r for r in csv.DictReader(f) if r["section"] == section}


def ordinal_questions() -> list[str]:
    spec = json.loads(INSTRUMENT.read_text(encoding="utf-8"))
    return [q["id"] for q in spec["questions"] if q["kind"] == "grid" and q["scale"] != "occurrence"]


def close(ours: Any, theirs: str, rel: float) -> bool:
    t = float(theirs)
    if math.isnan(t):
        return ours is None or math.isnan(ours)
    return ours is not None and abs(ours - t) <= rel * max(abs(t), 1e-300)


def test_chisq_section_matches_r(survey: dd.Survey) -> None:
    expected = r_rows("chisq")
    seen = 0
    for q in ordinal_questions():
        t = survey.net_shares(q, "top2", by="size_class", rules=RULES, test="pearson")
        assert t.inference is not None
        for test in t.inference["tests"]:
            r = expected[f"{q}_{test['item']}"]
            assert close(test["statistic"], r["statistic"], 1e-9), (test, r)
            assert test["df"] == float(r["df"])
            p, ours = float(r["p_value"]), test["p_value"]
            # p-values: relative 1e-9 where not underflowed to 0 (WORKLOAD.md's rule).
            assert ours is not None
            assert (p == 0 and ours < 1e-300) or close(ours, r["p_value"], 1e-9)
            seen += 1
    assert seen == len(expected) == 46


def test_wtop2_section_matches_r(survey: dd.Survey, frame: dd.Frame) -> None:
    expected = r_rows("wtop2")
    seen = 0
    for q in ordinal_questions():
        t = survey.net_shares(q, "top2", rules=RULES, frame=frame, design="post_stratified",
                              ci="wald")
        for row in t.rows:
            r = expected[f"{q}_{row['item']}"]
            assert (row["base"], row["count"]) == (float(r["n"]), float(r["count"]))
            assert close(row["estimate"], r["estimate"], 1e-9)
            assert close(row["se"], r["se"], 1e-9)
            assert close(row["lower"], r["ci_low"], 1e-9)
            assert close(row["upper"], r["ci_high"], 1e-9)
            seen += 1
    assert seen == len(expected) == 46
