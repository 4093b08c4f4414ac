"""The command line: `python -m doe_democratie validate|report`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from doe_democratie.__main__ import MESSAGE_LIMIT, main, shown

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


def test_report_html_with_own_templates(tmp_path: Path, write: Writer) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text("body { color: #123456; }", encoding="utf-8")
    buf = io.StringIO()
    out = tmp_path / "o"
    assert main(["report", "--templates", str(templates), "--out", str(out)], buf) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "body { color: #123456; }" in page
    assert "Gegevens: de meegeleverde synthetische reconstructie" in page
    (templates / "report.html").write_text("{{ broken", encoding="utf-8")
    done = run("report", "--templates", str(templates), "--out", str(tmp_path / "o2"))
    assert done.returncode == 2
    assert "cannot render html: template" in done.stderr and "report.html', line 1" in done.stderr
    assert not (tmp_path / "o2").exists()


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


def _spec(figures: list[dict[str, object]], title: str = "Mijn rapport") -> str:
    return json.dumps({"id": "mine", "title": title, "figures": figures}, ensure_ascii=False)


def _figure(id: str, **extra: object) -> dict[str, object]:
    return {"id": id, "title": "t", "question": "strategy_use", "measure": "frequencies", **extra}


@pytest.mark.parametrize("id", ["../escaped", "ABSOLUTE", "", "a/b", "../../tmp/x"])
def test_report_with_unsafe_figure_id_exits_2_and_writes_nothing(tmp_path: Path, id: str) -> None:
    """Issue 6, defect 3: such ids wrote outside --out and exited 0."""
    if id == "ABSOLUTE":
        id = str(tmp_path / "abs")
    work = tmp_path / "work"
    work.mkdir()
    spec = work / "bad.json"
    spec.write_text(_spec([_figure(id)]), encoding="utf-8")
    out = work / "out"
    done = run("report", "--spec", str(spec), "--out", str(out), cwd=work)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "invalid report specification" in done.stderr and "figures[0]" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert sorted(p.name for p in work.iterdir()) == ["bad.json"]


def test_report_with_misspelt_spec_key_exits_2(tmp_path: Path, write: Writer,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 6, defect 8."""
    spec = write("spec.json", _spec([_figure("seed", options={"itemz": {"items": ["seed_money"]}})]))
    assert main(["report", "--spec", str(spec), "--out", str(tmp_path / "o")], io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "figure 'seed' (figures[0]): unknown field `itemz`" in err
    assert not (tmp_path / "o").exists()


def test_report_with_unknown_question_skips_it_or_with_strict_exits_2_naming_the_figure(
    tmp_path: Path, write: Writer, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write("spec.json", _spec([_figure("f1", question="strategy_usage")]))
    # By default the figure is left out and the command says why (issue 11).
    out = io.StringIO()
    assert main(["report", "--spec", str(spec), "--out", str(tmp_path / "o")], out) == 0
    assert "f1  skipped: question 'strategy_usage' is not in instrument" in out.getvalue()
    argv = ["report", "--spec", str(spec), "--out", str(tmp_path / "strict"), "--strict"]
    assert main(argv, io.StringIO()) == 2
    assert "error: figure 'f1': unknown question 'strategy_usage'" in capsys.readouterr().err
    assert not (tmp_path / "strict").exists()


def test_report_with_non_utf8_spec_exits_2(tmp_path: Path, write: Writer) -> None:
    """Issue 6, defect 13: a traceback and exit code 1 (which means data problems) before."""
    spec = write("spec.json", _spec([_figure("f1")], title="Gemeente Súdwest").encode("latin-1"))
    done = run("report", "--spec", str(spec), "--out", str(tmp_path / "o"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "not UTF-8 text (byte 0xfa at offset" in done.stderr
    assert done.stdout == ""


def test_report_accepts_a_spec_with_byte_order_mark(tmp_path: Path, write: Writer) -> None:
    spec = write("spec.json", b"\xef\xbb\xbf" + _spec([_figure("f1")]).encode("utf-8"))
    assert main(["report", "--spec", str(spec), "--out", str(tmp_path / "o")], io.StringIO()) == 0
    assert (tmp_path / "o" / "f1.csv").is_file()


ESC = "\x1b]0;pwned\x07\x1b[2J"


def test_shown_escapes_and_caps() -> None:
    assert shown("fig_3_3") == "fig_3_3"
    assert shown("a\x1b[31mb\tc\nd\u202ee\u200bf\x7f") == (
        "a\\x1b[31mb\\tc\\nd\\u202ee\\u200bf\\x7f"
    )
    assert shown("Súdwest-Fryslân, ’s-Hertogenbosch") == "Súdwest-Fryslân, ’s-Hertogenbosch"
    assert shown("\udcff\U000e0001") == "\\udcff\\U000e0001"
    long = shown("x" * 1_000_000)
    assert long == "x" * 200 + "… (1000000 characters)"
    assert shown("\x1b" * 100, limit=10) == "\\x1b\\x1b… (100 characters)"
    assert shown("y" * 200) == "y" * 200


def _assert_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    assert max(map(len, text.splitlines())) < MESSAGE_LIMIT + 100


def test_report_output_escapes_and_caps_input(
    tmp_path: Path, write: Writer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terminal escape codes and megabyte values from the input are escaped and cut."""
    figure = _figure("f1", title=ESC + "t" * 1_000_000)
    spec = write(f"spec{ESC}.json", _spec([figure], title=ESC + "report"))
    data = write(
        f"data{ESC}.csv",
        f"respondent_id;municipality;inhabitants;{SEED}\nr1;GM0001;12000;1\n",
    )
    buf = io.StringIO()
    code = main(["report", "--data", str(data), "--spec", str(spec), "--out", str(tmp_path / "o")], buf)
    assert code == 0
    text = buf.getvalue()
    _assert_safe(text)
    assert "report: \\x1b]0;pwned\\x07\\x1b[2Jreport" in text
    assert f"({len(ESC) + 1_000_000} characters)" in text
    assert "data\\x1b]0;pwned" in text


def test_validate_output_escapes_and_caps_cells(
    write: Writer, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        f"data{ESC}.csv",
        f"respondent_id;municipality;inhabitants;{SEED}\n"
        f"r1;GM0001;12000;{ESC}\nr2;GM0002;12000;{'9' * 1_000_000}\n",
    )
    buf = io.StringIO()
    assert main(["validate", str(data), "--lenient"], buf) == 1
    text = buf.getvalue()
    _assert_safe(text)
    assert "\\x1b" in text or "\\u{1b}" in text
    # Errors on stderr too: a missing file whose name carries escape codes.
    assert main(["validate", str(data) + ESC], io.StringIO()) == 2
    _assert_safe(capsys.readouterr().err)


def test_unexpected_errors_exit_2(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Exit code 1 means data problems; a bug must not look like one."""
    import doe_democratie.__main__ as cli

    def broken(*args: object) -> None:
        raise RuntimeError("boom" + ESC)

    monkeypatch.setattr(cli, "summarise", broken)
    assert main(["report", "--out", "/nonexistent/never-written"], io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom\\x1b" in err
    _assert_safe(err)


def test_help_documents_the_exit_codes() -> None:
    for args in [["--help"], ["report", "--help"], ["validate", "--help"]]:
        done = run(*args)
        assert done.returncode == 0
        text = " ".join(done.stdout.split())
        assert "exit codes: 0 done" in text and "1 the data has problems" in text, args
        assert "2 the command cannot run" in text
    import doe_democratie.__main__ as cli

    assert cli.__doc__ is not None and "Exit codes" in cli.__doc__
    assert "--xlsx FILE" in cli.__doc__


def test_report_help_names_the_workbook_option() -> None:
    """The workbook itself is checked in test_xlsx.py."""
    done = run("report", "--help")
    text = " ".join(done.stdout.split())
    assert "--xlsx FILE also write the report as an Excel workbook at FILE" in text


def test_reading_limits_are_options(tmp_path: Path, write: Writer) -> None:
    data = write("data.csv", "respondent_id;municipality\nr1;GM0001\n")
    done = run("validate", str(data), "--max-input-bytes", "10")
    assert done.returncode == 1, done.stderr
    assert "limit_exceeded" in done.stdout and "max_input_bytes" in done.stdout
    done = run("report", "--data", str(data), "--max-columns", "1", "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and "limit_exceeded" in done.stdout, done.stdout + done.stderr
    assert not (tmp_path / "o").exists()
    done = run("validate", str(data), "--max-field-bytes", "0")
    assert done.returncode == 2 and "--max-field-bytes must be a positive number" in done.stderr
    assert run("validate", str(data), "--max-input-bytes", "1000").returncode == 0
