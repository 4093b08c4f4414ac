"""Runs the hostile-input catalogue (tests/data/hostile/manifest.json) from Python: every case,
including those only Python can build (numpy arrays, masked values, custom mappings) and the
command-line cases. Prints one line per failure and `hostile inputs handled: N/N`; exits 1 on
any failure. `test_hostile.py` runs it in a child process with bounded memory; each case here
is bounded in time by an alarm.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Callable

import numpy as np

import doe_democratie as dd

HERE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CASE_SECONDS = 30
SEED = "strategy_use.seed_money"

# --- inputs only Python can build ----------------------------------------------------------


class Repeating(Mapping[str, Any]):
    """A mapping whose items() repeats a key, as a custom mapping can."""

    def __getitem__(self, key: str) -> Any:
        return "GM1"

    def __iter__(self) -> Iterator[str]:
        return iter(["respondent_id", "municipality"])

    def __len__(self) -> int:
        return 2

    def items(self) -> Any:
        return [("respondent_id", "1"), ("municipality", "GM1"), ("municipality", "GM2")]


def sparse_records() -> dd.Survey:
    records = [
        {"respondent_id": f"r{i}", "municipality": f"GM{i}", f"extra_{i}": "x"} for i in range(5000)
    ]
    return dd.Survey.from_records(records, strict=False)


BUILDERS: dict[str, Callable[[], dd.Survey]] = {
    "sparse_records": sparse_records,
    "bool_in_grid": lambda: dd.Survey.from_records(
        [{"respondent_id": "1", "municipality": "GM1", SEED: True}]
    ),
    "numpy_bool_ids": lambda: dd.Survey.from_dict(
        {"respondent_id": np.array([True, False]), "municipality": ["GM1", "GM2"]}
    ),
    "big_int_ids": lambda: dd.Survey.from_records(
        [
            {"respondent_id": 2**64 + 1, "municipality": 1},
            {"respondent_id": 2**64 + 2, "municipality": 1},
        ]
    ),
    "repeating_mapping": lambda: dd.Survey.from_records([Repeating()], strict=False),
    "masked_array": lambda: dd.Survey.from_dict(
        {
            "respondent_id": ["1", "2", "3"],
            "municipality": ["GM1", "GM2", "GM3"],
            SEED: np.ma.array([1, 7, 3], mask=[False, True, False]),
        }
    ),
    "unequal_columns": lambda: dd.Survey.from_dict(
        {"respondent_id": ["1", "2"], "municipality": ["GM1"]}
    ),
}

# --- running a case -------------------------------------------------------------------------


def input_bytes(spec: dict[str, Any]) -> bytes:
    if "file" in spec:
        return (HERE / str(spec["file"])).read_bytes()
    if "text" in spec:
        return str(spec["text"]).encode("utf-8")
    r = spec["repeat"]
    fill = "x" * r.get("fill", 0)
    rows = [r["row"].replace("{i}", str(i)).replace("{fill}", fill) for i in range(r["count"])]
    return str(r["head"] + r["sep"].join(rows) + r["tail"]).encode("utf-8")


def input_path(case: dict[str, Any], tmp: Path) -> Path:
    spec = case["input"]
    if "file" in spec:
        name = spec["file"]
        return Path(name) if name.startswith("/") else HERE / name
    path = tmp / ("input.json" if case["reader"] == "json" else "input.csv")
    path.write_bytes(input_bytes(spec))
    return path


def read_options(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.get("options", {}).items()}


def run_spec(case: dict[str, Any], tmp: Path) -> int:
    spec = dd.ReportSpec.from_json(input_bytes(case["input"]).decode("utf-8"))
    # Strict: a figure whose question, item or net the data lacks is an error naming it (by
    # default such a figure is left out of the report and listed in `report.skipped`).
    report = spec.run(dd.datasets.doe_democratie_2013(), strict=True)
    out = tmp / "out"
    out.mkdir()
    try:
        written = report.write_dir(out)
    finally:
        beside = [p.name for p in tmp.iterdir() if p.name != "out"]
        if beside:
            raise AssertionError(f"wrote outside the folder: {beside}")
    return len(written)


def run_measure(case: dict[str, Any], tmp: Path) -> dd.Table:
    instrument = (
        dd.Instrument.from_json_path(HERE / case["instrument"])
        if "instrument" in case
        else dd.Instrument.doe_democratie_2013()
    )
    survey = dd.Survey.from_csv(input_path(case, tmp), instrument, **read_options(case))
    m = case["measure"]
    measure = getattr(survey, m["kind"])
    return measure(m["question"], by=m.get("by"))  # type: ignore[no-any-return]


def run_case(case: dict[str, Any], tmp: Path) -> Any:
    reader = case["reader"]
    if reader == "python":
        return BUILDERS[case["input"]["builder"]]()
    if reader == "csv":
        return dd.Survey.from_csv(input_path(case, tmp), **read_options(case))
    if reader == "json":
        return dd.Survey.from_json(input_path(case, tmp), **read_options(case))
    if reader == "stored":
        # What unpickling calls: `Survey.__reduce__` names the rebuilding function.
        rebuild, _ = dd.Survey.from_dict({"respondent_id": [], "municipality": []}).__reduce__()
        return rebuild(input_bytes(case["input"]).decode("utf-8"))
    if reader == "instrument":
        if "file" in case["input"]:
            return dd.Instrument.from_json_path(HERE / case["input"]["file"])
        return dd.Instrument.from_json(input_bytes(case["input"]).decode("utf-8"))
    if reader == "spec":
        return run_spec(case, tmp)
    if reader == "measure":
        return run_measure(case, tmp)
    if reader == "cli":
        args = [
            a.replace("{input}", str(input_path(case, tmp))).replace("{out}", str(tmp / "out"))
            for a in case["args"]
        ]
        return subprocess.run(
            [sys.executable, "-m", "doe_democratie", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=CASE_SECONDS,
        )
    raise ValueError(f"unknown reader {reader}")


CLASSES: dict[str, tuple[type[BaseException], ...]] = {
    "validation": (dd.ValidationError,),
    "instrument": (dd.InstrumentError,),
    # Report-specification errors and other invalid arguments are one class in Python.
    "spec": (dd.InvalidArgumentError,),
    "invalid_argument": (dd.InvalidArgumentError,),
    "unknown_id": (dd.UnknownIdError,),
    "io": (OSError,),
}


def check_error(exc: BaseException, want: dict[str, Any]) -> list[str]:
    faults = []
    if not isinstance(exc, CLASSES[want["class"]]):
        faults.append(f"{type(exc).__name__} instead of {want['class']}")
    shown = str(exc)
    problems = getattr(exc, "problems", None) or []
    p = problems[0] if problems else None
    for field in ("kind", "row", "column", "value"):
        if field in want and getattr(p, field, None) != want[field]:
            faults.append(f"{field} {getattr(p, field, None)!r} instead of {want[field]!r}")
    message = p.message if p is not None else shown
    for s in want.get("message_contains", []):
        if s not in message and s not in shown:
            faults.append(f"message lacks {s!r}")
    for s in want.get("display_contains", []):
        if s not in shown:
            faults.append(f"display lacks {s!r}")
    for s in want.get("display_excludes", []):
        if s in shown:
            faults.append(f"display shows {s!r}")
    if "display_max_bytes" in want and len(shown.encode()) > want["display_max_bytes"]:
        faults.append(f"display is {len(shown.encode())} bytes")
    return faults


def pointer(value: Any, path: str) -> Any:
    for part in path.strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def check_survey(survey: dd.Survey, want: dict[str, Any]) -> list[str]:
    faults = []
    if "respondents" in want and survey.n_respondents != want["respondents"]:
        faults.append(f"{survey.n_respondents} respondents")
    if "municipalities" in want and survey.n_municipalities != want["municipalities"]:
        faults.append(f"{survey.n_municipalities} municipalities")
    if "problems" in want:
        counts: dict[str, int] = {}
        for p in survey.problems:
            counts[p.kind] = counts.get(p.kind, 0) + 1
        if counts != want["problems"]:
            faults.append(f"problems {counts}")
    if "problem_rows" in want and [p.row for p in survey.problems] != want["problem_rows"]:
        faults.append(f"problem rows {[p.row for p in survey.problems]}")
    _, (state,) = survey.__reduce__()
    saved = json.loads(state)
    for path, value in want.get("json", {}).items():
        if pointer(saved, path) != value:
            faults.append(f"{path} is {pointer(saved, path)!r}")
    summary = {s["column"]: s for s in survey.item_summary()}
    for column, fields in want.get("summary", {}).items():
        for field, value in fields.items():
            if summary[column][field] != value:  # type: ignore[literal-required]
                faults.append(f"{column}.{field} is {summary[column][field]!r}")  # type: ignore[literal-required]
    return faults


def check_ok(result: Any, want: dict[str, Any]) -> list[str]:
    if isinstance(result, dd.Survey):
        return check_survey(result, want)
    faults = []
    if isinstance(result, dd.Table):
        if "n_rows" in want and len(result.rows) != want["n_rows"]:
            faults.append(f"{len(result.rows)} rows")
        for row in want.get("rows", []):
            got = result.find(row["item"], row["group"], row["category"])
            if got is None or (got["count"], got["base"]) != (row["count"], row["base"]):
                faults.append(f"row {row['group']}/{row['category']}: {got}")
    if isinstance(result, int) and "files_written" in want and result != want["files_written"]:
        faults.append(f"{result} files written")
    return faults


def check_exit(done: Any, want: dict[str, Any]) -> list[str]:
    faults = []
    if done.returncode != want["code"]:
        faults.append(f"exit {done.returncode} instead of {want['code']}: {done.stderr[-300:]}")
    if "Traceback" in done.stderr:
        faults.append("printed a traceback")
    for s in want.get("stderr_contains", []):
        if s not in done.stderr:
            faults.append(f"stderr lacks {s!r}: {done.stderr[-300:]}")
    for s in want.get("stderr_excludes", []):
        if s in done.stderr or s in done.stdout:
            faults.append(f"output shows {s!r}")
    return faults


def alarm(signum: int, frame: Any) -> None:
    raise TimeoutError(f"no outcome within {CASE_SECONDS} s")


def run(case: dict[str, Any]) -> list[str]:
    expect = case["expect"]
    tmp = Path(tempfile.mkdtemp(prefix="dd-hostile-"))
    signal.alarm(CASE_SECONDS)
    try:
        result = run_case(case, tmp)
    except Exception as exc:  # every outcome is compared, none escapes
        if isinstance(exc, TimeoutError) or "error" not in expect:
            return [f"{type(exc).__name__}: {str(exc)[:300]}"]
        return check_error(exc, expect["error"])
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)
    if "exit" in expect:
        return check_exit(result, expect["exit"])
    if "error" in expect:
        return ["accepted, expected an error"]
    return check_ok(result, expect["ok"])


def main() -> int:
    signal.signal(signal.SIGALRM, alarm)
    cases = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))["cases"]
    failures = 0
    for case in cases:
        try:
            faults = run(case)
        except Exception:  # a fault in the runner itself is reported as the case's failure
            faults = [traceback.format_exc()]
        if faults:
            failures += 1
            print(f"FAIL {case['id']}: {'; '.join(faults)}")
    print(f"hostile inputs handled: {len(cases) - failures}/{len(cases)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
