"""Conversions into Survey: CSV, JSON, records, dicts of numpy arrays, pandas; lenient mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import doe_democratie as dd

from conftest import SEED, SOCIAL, SUCCESS, TYPICAL, Writer

MESSY_CSV = (
    "respondent_id,municipality,inhabitants,size_class," + SOCIAL + "," + SEED + ","
    + f"{SUCCESS}.seed_money,{SUCCESS}.initiative_desk,{SUCCESS}.flexible_rules,"
    + f"{SUCCESS}.reliable_partner\n"
    "r1,GM0001,15000,lt_20k,Ja,1,1,0,0,0\n"  # valid
    "r2,GM0001,15000,,7,2,1,1,0,0\n"  # bad code for SOCIAL: the cell is left empty
    "r2,GM0002,60000,,1,1,0,0,0,0\n"  # duplicate id: row skipped
    "r4,,,,1,1,0,0,0,0\n"  # no municipality: row skipped
    "r5,GM0003,120000,,Weet niet,9,1,1,1,1\n"  # four picks of at most three: picks emptied
)


def test_strict_lists_every_problem_and_stops_at_max_problems(write: Writer) -> None:
    path = write("messy.csv", MESSY_CSV)
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path)
    kinds = ["invalid_code", "duplicate_respondent", "missing_municipality", "too_many_picks"]
    assert [p.kind for p in info.value.problems] == kinds
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_csv(path, max_problems=2)
    assert [p.kind for p in info.value.problems] == kinds[:2]
    assert "reading stopped after 2 problems" in str(info.value)


def test_lenient_keeps_valid_rows_and_lists_every_problem(write: Writer) -> None:
    path = write("messy.csv", MESSY_CSV)
    survey = dd.Survey.from_csv(path, strict=False)
    found = [(p.kind, p.row, p.column, p.value) for p in survey.problems]
    assert found == [
        ("invalid_code", 3, SOCIAL, "7"),
        ("duplicate_respondent", 4, "respondent_id", "r2"),
        ("missing_municipality", 5, "municipality", None),
        (
            "too_many_picks",
            6,
            SUCCESS,
            ", ".join(
                f"{SUCCESS}.{o}"
                for o in ("initiative_desk", "seed_money", "flexible_rules", "reliable_partner")
            ),
        ),
    ]
    assert all(p.file == str(path) for p in survey.problems)
    assert survey.n_respondents == 3 == len(survey)
    assert survey.n_municipalities == 2
    summary = {row["column"]: row for row in survey.item_summary()}
    assert summary[SOCIAL]["answered"] == 1  # r1; r2's 7 left empty
    assert summary[SOCIAL]["dont_know"] == 1  # r5
    assert summary[SOCIAL]["missing"] == 1
    assert summary[f"{SUCCESS}.seed_money"]["picked"] == 2  # r1, r2; r5's picks emptied
    assert summary[f"{SUCCESS}.seed_money"]["answered"] == 2
    assert summary["strategy_use.initiative_desk"]["asked"] is False
    assert "4 validation problems" in repr(survey)


def test_json_records_file(write: Writer) -> None:
    records: list[dict[str, object]] = [
        {"respondent_id": "r1", "municipality": "GM0001", SOCIAL: 1, SEED: "Niet"},
        {"respondent_id": "r2", "municipality": "GM0002", SOCIAL: None, SEED: 9},
    ]
    survey = dd.Survey.from_json(write("r.json", json.dumps(records)))
    assert survey.n_respondents == 2
    assert survey == dd.Survey.from_records(records)
    bad = write("bad.json", '{"respondent_id": "r1"}')
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_json(bad)
    assert info.value.problems[0].kind == "malformed"


def _frame() -> pd.DataFrame:
    """A frame as pandas reads survey exports: NaN gaps make integer columns float."""
    return pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3", "r4", "r5"],
            "municipality": ["GM0001", "GM0001", "GM0002", "GM0003", "GM0003"],
            "inhabitants": [15000, 15000, 60000, 120000, 120000],
            "role": ["gemeentesecretaris", None, "wijkmanagers", "other", None],
            SOCIAL: [1.0, 2.0, np.nan, 9.0, 1.0],
            SEED: [1, 2, 3, 4, 9],
            f"{TYPICAL}.social_entrepreneurship": [1, 0, 1, 0, np.nan],
            f"{TYPICAL}.new_networks_coalitions": [1, 1, 0, 0, np.nan],
            f"{SUCCESS}.seed_money": [1, 0, 0, 1, 1],
            "examples": ["buurttuin", None, "", "zorgcoöperatie", "repair café"],
        }
    )


def test_from_pandas_and_from_csv_agree(tmp_path: Path) -> None:
    df = _frame()
    path = tmp_path / "frame.csv"
    df.to_csv(path, index=False)
    from_csv = dd.Survey.from_csv(path)
    from_pandas = dd.Survey.from_pandas(df)
    assert from_pandas.n_respondents == from_csv.n_respondents == 5
    assert from_pandas.n_municipalities == from_csv.n_municipalities == 3
    assert from_pandas.item_summary() == from_csv.item_summary()
    # Same data, same survey: problems (none) and responses agree too.
    assert from_pandas == from_csv


def test_from_pandas_extension_dtypes_and_missing_markers() -> None:
    df = pd.DataFrame(
        {
            "respondent_id": pd.array(["a", "b", "c", "d"], dtype="string"),
            "municipality": pd.Categorical(["GM1", "GM1", "GM2", "GM2"]),
            SOCIAL: pd.array([1, None, 9, 2], dtype="Int64"),
            SEED: ["1", pd.NA, None, "Weet niet"],
            f"{SUCCESS}.seed_money": pd.array([True, None, False, True], dtype="boolean"),
            "examples": [pd.NaT, "tekst", float("nan"), None],
        },
        index=[10, 20, 30, 40],  # the index is ignored
    )
    survey = dd.Survey.from_pandas(df)
    summary = {row["column"]: row for row in survey.item_summary()}
    assert (summary[SOCIAL]["answered"], summary[SOCIAL]["dont_know"]) == (2, 1)
    assert (summary[SEED]["answered"], summary[SEED]["dont_know"]) == (1, 1)
    assert summary[f"{SUCCESS}.seed_money"]["picked"] == 2
    assert summary["examples"]["answered"] == 1


def test_from_pandas_problem_rows_are_positions() -> None:
    df = pd.DataFrame(
        {"respondent_id": ["a", "b"], "municipality": ["GM1", "GM1"], SEED: [1, 5]},
        index=["x", "y"],
    )
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_pandas(df)
    (p,) = info.value.problems
    assert (p.file, p.row, p.column, p.value) == ("<pandas>", 2, SEED, "5")


def test_from_pandas_duplicate_column_labels() -> None:
    df = pd.DataFrame([["a", "GM1", 1, 2]], columns=["respondent_id", "municipality", SEED, SEED])
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_pandas(df, strict=False)
    assert [p.kind for p in info.value.problems] == ["duplicate_column"]


def test_from_dict_with_numpy_arrays() -> None:
    data: dict[str, Any] = {
        "respondent_id": np.array(["r1", "r2", "r3", "r4"]),  # unicode dtype: via tolist
        "municipality": ["GM1", "GM1", "GM2", "GM3"],
        SOCIAL: np.array([1, 2, np.nan, 9]),  # integer codes, missing as float NaN
        SEED: np.array([1, 4, 2, 9], dtype=np.int8),
        f"{SUCCESS}.seed_money": np.array([True, False, True, False]),  # bool flags
        f"{SUCCESS}.initiative_desk": np.array([1, 1, 0, 0], dtype=np.uint8),
        f"{TYPICAL}.social_entrepreneurship": np.array([1.0, 0.0, np.nan, 1.0], dtype=np.float32),
        "inhabitants": np.array([1000, 1000, 25000, 150000], dtype=np.int64)[::1],
    }
    survey = dd.Survey.from_dict(data)
    assert (survey.n_respondents, survey.n_municipalities) == (4, 3)
    summary = {row["column"]: row for row in survey.item_summary()}
    assert (summary[SOCIAL]["answered"], summary[SOCIAL]["dont_know"], summary[SOCIAL]["missing"]) == (2, 1, 1)
    assert (summary[SEED]["answered"], summary[SEED]["dont_know"]) == (3, 1)
    assert summary[f"{SUCCESS}.seed_money"]["picked"] == 2
    assert summary[f"{SUCCESS}.initiative_desk"]["picked"] == 2
    assert summary[f"{TYPICAL}.social_entrepreneurship"]["picked"] == 2
    assert summary[f"{TYPICAL}.social_entrepreneurship"]["missing"] == 1
    # The same data as plain lists gives the same survey.
    as_lists = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in data.items()}
    assert dd.Survey.from_dict(as_lists) == survey


def test_from_dict_strided_and_bad_arrays() -> None:
    codes = np.array([1, 99, 2, 99, 9, 99])[::2]  # non-contiguous view
    survey = dd.Survey.from_dict(
        {"respondent_id": ["a", "b", "c"], "municipality": ["m", "m", "m"], SOCIAL: codes}
    )
    assert survey.item_summary()[1]["answered"] == 2
    with pytest.raises(TypeError, match="one-dimensional"):
        dd.Survey.from_dict({"respondent_id": np.zeros((2, 2))})
    with pytest.raises(dd.ValidationError) as info:
        dd.Survey.from_dict(
            {"respondent_id": ["a"], "municipality": ["m"], SEED: np.array([7.5])}
        )
    assert info.value.problems[0].value == "7.5"


def test_from_records_mixed_values() -> None:
    records: list[dict[str, object]] = [
        {"respondent_id": 1, "municipality": "GM1", SOCIAL: np.int64(1), SEED: "vaak, dit is een gangbare praktijk"},
        {"respondent_id": 2, "municipality": "GM1", SOCIAL: np.float64("nan")},
        {"municipality": "GM2", "respondent_id": 3, f"{SUCCESS}.seed_money": np.bool_(True)},
    ]
    survey = dd.Survey.from_records(records)
    assert (survey.n_respondents, survey.n_municipalities) == (3, 2)
    summary = {row["column"]: row for row in survey.item_summary()}
    assert summary[SOCIAL]["answered"] == 1
    assert summary[SEED]["answered"] == 1
    assert summary[f"{SUCCESS}.seed_money"]["picked"] == 1


def test_from_records_non_mapping_record_is_reported() -> None:
    records = [
        {"respondent_id": "a", "municipality": "GM1"},
        ["not", "a", "record"],
        {"respondent_id": "c", "municipality": "GM1"},
    ]
    survey = dd.Survey.from_records(records, strict=False)  # type: ignore[arg-type]
    assert survey.n_respondents == 2
    (p,) = survey.problems
    assert (p.kind, p.row, p.file) == ("malformed", 2, "<records>")


def test_explicit_instrument_and_delimiter(write: Writer, instrument: dd.Instrument) -> None:
    path = write("tab.csv", f"respondent_id|municipality|{SEED}\nr1|GM1|1\n")
    survey = dd.Survey.from_csv(path, instrument, delimiter="|")
    assert survey.instrument == instrument
    assert survey.n_respondents == 1


def test_numpy_is_optional() -> None:
    """Without numpy importable, lists, records and CSV still work (no panic from rust-numpy)."""
    code = f"""
import sys
sys.modules["numpy"] = None  # blocks `import numpy`
import doe_democratie as dd
s = dd.Survey.from_dict({{"respondent_id": ["a", "b"], "municipality": ["m", "m"], {SEED!r}: [1, None]}})
assert s.n_respondents == 2, s
s = dd.Survey.from_records([{{"respondent_id": "a", "municipality": "m", {SEED!r}: 9.0}}])
assert s.item_summary()[0]["column"]
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
