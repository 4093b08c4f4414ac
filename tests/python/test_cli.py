"""The command line: `python -m doe_democratie validate|report`."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from doe_democratie.__main__ import main

from conftest import SEED, SOCIAL, Writer

CORPUS = Path(__file__).resolve().parents[1] / "data" / "malformed"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "doe_democratie", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def test_report_writes_the_tables(tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = run("report", "--out", str(out))
    assert done.returncode == 0, done.stderr
    for name in ["fig_2_2.csv", "fig_3_3.csv", "fig_4_2.csv", "report.json", "index.html"]:
        assert (out / name).is_file(), name
    text = done.stdout
    assert "SYNTHETIC" in text
    assert "126 respondents in 98 municipalities" in text
    assert "no problems" in text
    # One line per figure, and the text rendering of Figure 3.3 with the published numbers.
    assert any(line.split()[:3] == ["fig_3_3", "30", "rows"] for line in text.splitlines())
    seed = next(line for line in text.splitlines() if line.strip().startswith("seed_money"))
    assert seed.split() == ["seed_money", "82", "2%", "10%", "31%", "57%"]
    assert str(out) in text


def test_report_default_out_dir(tmp_path: Path) -> None:
    done = run("report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "report" / "fig_3_3.csv").is_file()


def test_report_with_own_data_and_spec(tmp_path: Path, write: Writer) -> None:
    data = write(
        "data.csv",
        f"respondent_id;municipality;inhabitants;{SOCIAL};{SEED}\n"
        "r1;GM0001;12000;Ja;1\nr2;GM0002;150000;Nee;weet niet\n",
    )
    spec = write(
        "spec.json",
        '{"id": "mine", "title": "Mijn rapport", "figures": [{"id": "seed", "title": "Startgeld",'
        ' "question": "strategy_use", "measure": "net", "net": "top2",'
        ' "options": {"items": {"items": ["seed_money"]}}}]}',
    )
    buf = io.StringIO()
    code = main(["report", "--data", str(data), "--spec", str(spec), "--out", str(tmp_path / "o")], buf)
    assert code == 0
    assert (tmp_path / "o" / "seed.csv").is_file()
    text = buf.getvalue()
    assert "2 respondents in 2 municipalities" in text
    assert "Mijn rapport" in text and "Startgeld [net:top2, group all]" in text


def test_report_on_bad_data_exits_1(tmp_path: Path) -> None:
    buf = io.StringIO()
    code = main(["report", "--data", str(CORPUS / "invalid_code.csv"), "--out", str(tmp_path)], buf)
    assert code == 1
    assert "row 3" in buf.getvalue()
    assert not (tmp_path / "index.html").exists()


def test_validate_corpus_file_exits_1_and_names_row_and_column() -> None:
    done = run("validate", str(CORPUS / "invalid_code.csv"))
    assert done.returncode == 1
    assert "row 3" in done.stdout
    assert "column 'strategy_use.seed_money'" in done.stdout
    assert "value '7'" in done.stdout
    assert "--lenient" in done.stdout


def test_validate_lenient_lists_every_problem() -> None:
    buf = io.StringIO()
    assert main(["validate", str(CORPUS / "multiple_faults.csv"), "--lenient"], buf) == 1
    text = buf.getvalue()
    assert "5 problems:" in text
    for needle in ["column 'bogus'", "row 3, column 'inhabitants'", "row 5, column 'municipality'"]:
        assert needle in text
    # The summary is printed too.
    assert "strategy_use" in text and "weet niet" in text


def test_validate_fatal_problem_in_lenient_mode() -> None:
    buf = io.StringIO()
    assert main(["validate", str(CORPUS / "utf16.csv"), "--lenient"], buf) == 1
    assert "cannot be read at all" in buf.getvalue() and "UTF-16" in buf.getvalue()


def test_validate_clean_file_exits_0(write: Writer) -> None:
    path = write("ok.csv", f"respondent_id|municipality|{SEED}\nr1|GM0001|1\n")
    buf = io.StringIO()
    assert main(["validate", str(path), "--delimiter", "|"], buf) == 0
    text = buf.getvalue()
    assert text.startswith("Survey 'doe_democratie_2013': 1 respondents")
    assert "no problems" in text


def test_validate_json_and_instrument(tmp_path: Path) -> None:
    instrument = tmp_path / "instrument.json"
    from doe_democratie import Instrument

    Instrument.doe_democratie_2013().save_json(instrument)
    buf = io.StringIO()
    args = ["validate", str(CORPUS / "invalid_code.json"), "--instrument", str(instrument)]
    assert main(args, buf) == 1
    assert "attention_level.municipal_council" in buf.getvalue()


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing.csv")]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["validate", str(CORPUS / "invalid_code.json"), "--delimiter", ";"]) == 2
    assert "CSV files only" in capsys.readouterr().err
    assert main(["validate", str(CORPUS / "invalid_code.csv"), "--delimiter", ";;"]) == 2
    assert "delimiter" in capsys.readouterr().err
    assert main(["report", "--instrument", str(tmp_path / "i.json")]) == 2
    assert "--instrument needs --data" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
