"""The malformed-input corpus (tests/data/malformed/expected.json) read through Python: strict reads
raise ValidationError listing every problem of the file (with ``max_problems=1`` the first only);
lenient reads report every expected problem (and still raise when the file cannot be read at
all)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest

import doe_democratie as dd

CORPUS = Path(__file__).resolve().parents[1] / "data" / "malformed"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))

# Problems that leave nothing to read, so a lenient read raises too.
FATAL_KINDS = {"missing_column", "duplicate_column", "encoding"}
# JSON that is not a list of records at all.
UNPARSEABLE = {"not_an_array.json", "syntax_error.json"}


def read(path: Path, *, strict: bool) -> dd.Survey:
    if path.suffix == ".json":
        return dd.Survey.from_json(path, strict=strict)
    return dd.Survey.from_csv(path, strict=strict)


def matches(problem: dd.Problem, expected: dict[str, Any], file: str) -> bool:
    value: Optional[str] = expected["value"]
    return (
        problem.kind == expected["kind"]
        and problem.row == expected["row"]
        and problem.column == expected["column"]
        and (value is None or problem.value == value)
        and problem.file.endswith(file)
    )


def is_fatal(case: dict[str, Any]) -> bool:
    return case["file"] in UNPARSEABLE or any(p["kind"] in FATAL_KINDS for p in case["problems"])


def test_manifest_has_at_least_fifteen_files_of_both_formats() -> None:
    assert len(CASES) >= 15
    assert any(c["file"].endswith(".csv") for c in CASES)
    assert any(c["file"].endswith(".json") for c in CASES)
    for case in CASES:
        assert (CORPUS / case["file"]).is_file(), case["file"]
        assert case["problems"], case["file"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_strict_read_raises_with_every_problem(case: dict[str, Any]) -> None:
    with pytest.raises(dd.ValidationError) as info:
        read(CORPUS / case["file"], strict=True)
    problems = info.value.problems
    assert len(problems) == len(case["problems"]), info.value.report
    for problem, expected in zip(problems, case["problems"]):
        assert matches(problem, expected, case["file"]), repr(problem)
    # The message names the location, so a user can find the cell.
    expected = case["problems"][0]
    if expected["row"] is not None:
        assert f"row {expected['row']}" in str(info.value)
    if expected["column"] is not None:
        assert f"column '{expected['column']}'" in str(info.value)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_max_problems_stops_a_strict_read_at_the_first(case: dict[str, Any]) -> None:
    path = CORPUS / case["file"]
    with pytest.raises(dd.ValidationError) as info:
        if path.suffix == ".json":
            dd.Survey.from_json(path, max_problems=1)
        else:
            dd.Survey.from_csv(path, max_problems=1)
    problems = info.value.problems
    assert len(problems) == 1, info.value.report
    assert matches(problems[0], case["problems"][0], case["file"]), repr(problems[0])


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_lenient_read_reports_every_problem(case: dict[str, Any]) -> None:
    path = CORPUS / case["file"]
    if is_fatal(case):
        with pytest.raises(dd.ValidationError) as info:
            read(path, strict=False)
        problems = info.value.problems
    else:
        survey = read(path, strict=False)
        problems = survey.problems
        assert f"{len(problems)} validation problem" in repr(survey)
    assert len(problems) == len(case["problems"]), [str(p) for p in problems]
    for got, expected in zip(problems, case["problems"]):
        assert matches(got, expected, case["file"]), repr(got)


def test_fatal_kinds_are_in_the_corpus() -> None:
    kinds = {p["kind"] for c in CASES for p in c["problems"]}
    assert FATAL_KINDS <= kinds
