"""Regression tests for the hostile-input defects of issue 6 as Python users meet them."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import doe_democratie as dd

from conftest import SEED, SUCCESS, Writer
from hostile_runner import Repeating



def only_problem(exc: pytest.ExceptionInfo[dd.ValidationError]) -> dd.Problem:
    problems = exc.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def flag_column() -> str:
    columns = [c for c in dd.Instrument.doe_democratie_2013().columns() if c.startswith(SUCCESS + ".")]
    return columns[0]


@pytest.mark.parametrize("value", [True, np.bool_(True)])
@pytest.mark.parametrize(
    "column", ["respondent_id", "municipality", "inhabitants", "size_class", SEED]
)
def test_booleans_are_refused_outside_flags(value: Any, column: str) -> None:
    record: dict[str, Any] = {"respondent_id": "1", "municipality": "GM1", column: value}
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_records([record])
    p = only_problem(exc)
    assert (p.kind, p.row, p.column) == ("wrong_type", 1, column)


def test_boolean_arrays_are_refused_in_grids_but_read_as_flags() -> None:
    data: dict[str, Any] = {
        "respondent_id": ["1", "2"],
        "municipality": ["GM1", "GM1"],
        SEED: np.array([True, False]),
    }
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_dict(data)
    # Strict mode lists every problem: both booleans, row by row.
    assert [(p.kind, p.row) for p in exc.value.problems] == [("wrong_type", 1), ("wrong_type", 2)]
    flag = flag_column()
    df = pd.DataFrame({"respondent_id": ["1", "2"], "municipality": ["GM1", "GM1"], flag: [True, False]})
    survey = dd.Survey.from_pandas(df)
    picked = [s for s in survey.item_summary() if s["column"] == flag][0]["picked"]
    assert picked == 1


def test_python_ints_beyond_64_bits_stay_distinct_ids() -> None:
    records = [
        {"respondent_id": 2**64 + 1, "municipality": 1},
        {"respondent_id": 2**64 + 2, "municipality": 1},
    ]
    survey = dd.Survey.from_records(records)
    assert survey.n_respondents == 2


def test_masked_values_are_empty_cells() -> None:
    codes = np.ma.array([1, 2, 3], mask=[False, True, False])
    data = {"respondent_id": ["1", "2", "3"], "municipality": ["GM1", "GM2", "GM3"], SEED: codes}
    survey = dd.Survey.from_dict(data)
    summary = [s for s in survey.item_summary() if s["column"] == SEED][0]
    assert (summary["answered"], summary["missing"]) == (2, 1)
    # Under the mask sits an invalid code: it must not be read at all.
    bad = np.ma.array([1, 7], mask=[False, True])
    survey = dd.Survey.from_dict({"respondent_id": ["1", "2"], "municipality": ["GM1", "GM2"], SEED: bad})
    assert survey.n_respondents == 2
    records = [{"respondent_id": "1", "municipality": "GM1", SEED: np.ma.masked}]
    summary = [s for s in dd.Survey.from_records(records).item_summary() if s["column"] == SEED][0]
    assert summary["missing"] == 1


def test_a_key_twice_in_one_record_is_a_duplicate_column(write: Writer) -> None:
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_records([Repeating()], strict=False)
    p = only_problem(exc)
    assert (p.kind, p.row, p.column) == ("duplicate_column", 1, "municipality")
    path = write("dup.json", '[{"respondent_id": "1", "municipality": "GM1", "municipality": "GM2"}]')
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_json(path)
    assert only_problem(exc).kind == "duplicate_column"


def state_with(survey: dd.Survey, change: Any) -> Any:
    rebuild, (state,) = survey.__reduce__()
    value = json.loads(state)
    change(value)
    return lambda: rebuild(json.dumps(value))


def test_inconsistent_pickles_are_refused() -> None:
    survey = dd.Survey.from_dict(
        {
            "respondent_id": ["1", "2"],
            "municipality": ["GM1", "GM2"],
            "inhabitants": [12000, 150000],
        }
    )
    assert pickle.loads(pickle.dumps(survey)) == survey

    def dup(v: Any) -> None:
        v["responses"]["respondent_ids"][1] = "1"

    def huge(v: Any) -> None:
        v["responses"]["municipalities"][0]["size_class"] = "huge"

    def contradicting(v: Any) -> None:
        v["responses"]["municipalities"][0]["inhabitants"] = 500000

    for change in (dup, huge, contradicting):
        with pytest.raises(dd.DoeDemocratieError):
            state_with(survey, change)()


def test_look_alike_municipality_codes_are_one_municipality() -> None:
    survey = dd.Survey.from_dict(
        {
            "respondent_id": ["1", "2", "3"],
            "municipality": ["GM0001", "GM0001\u200b", "\uff27\uff2d0001"],
        }
    )
    assert survey.n_municipalities == 1


def test_limits_are_keywords_and_typed(write: Writer) -> None:
    path = write("small.csv", "respondent_id,municipality\n1,GM1\n")
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_csv(path, max_input_bytes=10)
    assert only_problem(exc).kind == "limit_exceeded"
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_csv(path, max_columns=1)
    assert only_problem(exc).kind == "limit_exceeded"
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_records([{"respondent_id": "1", "municipality": "GM1" * 10}], max_field_bytes=8)
    p = only_problem(exc)
    assert (p.kind, p.column) == ("limit_exceeded", "municipality")
    assert dd.Survey.from_csv(path, max_input_bytes=100).n_respondents == 1


def test_endless_input_is_refused() -> None:
    with pytest.raises(dd.ValidationError) as exc:
        dd.Survey.from_csv("/dev/zero", max_input_bytes=1 << 20)
    assert only_problem(exc).kind == "limit_exceeded"


SPARSE = """
import json, resource, sys
import doe_democratie as dd
n = int(sys.argv[1])
records = [{"respondent_id": f"r{r}", "municipality": f"GM{r % 400}", f"extra_{r}": "x"} for r in range(n)]
text = json.dumps(records)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
s1 = dd.Survey.from_records(records, strict=False)
s2 = dd.Survey.from_json(sys.argv[2], strict=False) if len(sys.argv) > 2 else s1
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(text), (after - before) * 1024, s1.n_respondents, s2.n_respondents)
"""


def test_sparse_records_take_memory_in_proportion_to_the_input(tmp_path: Path) -> None:
    # 20,000 records, each with a key no other has: dense storage needs 12.8 GB and aborted
    # the interpreter before the fix. Run in a child so its peak is this case's alone.
    n = 20_000
    path = tmp_path / "sparse.json"
    records = [{"respondent_id": f"r{r}", "municipality": f"GM{r % 400}", f"extra_{r}": "x"} for r in range(n)]
    path.write_text(json.dumps(records))
    out = subprocess.run(
        [sys.executable, "-c", SPARSE, str(n), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.split()
    size, grown, n1, n2 = (int(v) for v in out)
    assert (n1, n2) == (n, n)
    assert grown < 40 * size, f"peak grew by {grown} bytes for {size} bytes of JSON"
